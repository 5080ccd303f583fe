"""Apps a cadre adds are seen in their area only until k reporters list them (issue 11): gov_app.scope.

As in 0008, the column is added in plain SQL, which SQLite and PostgreSQL both accept for a nullable
foreign key (Tortoise's SQLite table rebuild dropped unique constraints, see 0007), and the model
state follows with a state-only operation. Apps from before have no scope: everyone's, as they were.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from server.store.migration_ops import StateOnly

ADD_SCOPE = 'ALTER TABLE "gov_app" ADD COLUMN "scope_id" VARCHAR(20) REFERENCES "region" ("code") ON DELETE RESTRICT'


async def add_app_scope(apps, schema_editor) -> None:
    """Apps from before are everyone's, as they were: their scope stays empty."""
    await schema_editor.client.execute_script(ADD_SCOPE)


class Migration(migrations.Migration):
    dependencies = [("models", "0008_abuse_limits")]

    initial = False

    operations = [
        ops.RunPython(add_app_scope),
        StateOnly(
            ops.AddField(
                model_name="App",
                name="scope",
                field=fields.ForeignKeyField(
                    "models.Region",
                    source_field="scope_id",
                    null=True,
                    db_constraint=True,
                    to_field="code",
                    related_name=False,
                    on_delete=OnDelete.RESTRICT,
                ),
            )
        ),
    ]
