"""Administration in the browser (issue 12): disabled accounts, who made an invite and whether it
was revoked, hidden tasks and apps, one-time codes (password resets, the first administrator) and
the audit log of account and invite actions.

Columns are added in plain SQL that SQLite and PostgreSQL both accept (Tortoise's SQLite table
rebuild drops unique constraints, see 0007), and the model state follows with state-only
operations. The two new tables are plain CreateModel.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from server.store.migration_ops import StateOnly

COLUMNS = [
    'ALTER TABLE "app_user" ADD COLUMN "disabled_on" DATE',
    'ALTER TABLE "invite" ADD COLUMN "created_by_id" INT REFERENCES "app_user" ("id") ON DELETE SET NULL',
    'ALTER TABLE "invite" ADD COLUMN "created_on" DATE',
    'ALTER TABLE "invite" ADD COLUMN "revoked" BOOLEAN NOT NULL DEFAULT FALSE',
    'ALTER TABLE "task" ADD COLUMN "hidden" BOOLEAN NOT NULL DEFAULT FALSE',
    'ALTER TABLE "gov_app" ADD COLUMN "hidden" BOOLEAN NOT NULL DEFAULT FALSE',
]


async def add_columns(apps, schema_editor) -> None:
    """Accounts from before are enabled, invites from before have no known maker, nothing is hidden."""
    for statement in COLUMNS:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0009_app_scope")]

    initial = False

    operations = [
        ops.RunPython(add_columns),
        StateOnly(ops.AddField(model_name="User", name="disabled_on", field=fields.DateField(null=True))),
        StateOnly(
            ops.AddField(
                model_name="Invite",
                name="created_by",
                field=fields.ForeignKeyField(
                    "models.User",
                    source_field="created_by_id",
                    null=True,
                    db_constraint=True,
                    to_field="id",
                    related_name=False,
                    on_delete=OnDelete.SET_NULL,
                ),
            )
        ),
        StateOnly(ops.AddField(model_name="Invite", name="created_on", field=fields.DateField(null=True))),
        StateOnly(ops.AddField(model_name="Invite", name="revoked", field=fields.BooleanField(default=False))),
        StateOnly(ops.AddField(model_name="Task", name="hidden", field=fields.BooleanField(default=False))),
        StateOnly(ops.AddField(model_name="App", name="hidden", field=fields.BooleanField(default=False))),
        ops.CreateModel(
            name="OneTimeCode",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("purpose", fields.CharField(max_length=16)),
                ("code_hash", fields.CharField(unique=True, max_length=64)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "one_time_code", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("day", fields.DateField()),
                ("actor", fields.CharField(max_length=40)),
                ("action", fields.CharField(max_length=24)),
                ("target", fields.CharField(max_length=80)),
            ],
            options={"table": "audit_event", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
