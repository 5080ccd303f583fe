"""Limits against abuse (issue 11): a task a cadre reports is seen in their area only until k
reporters logged it (task.scope, and an index to count a task's reporters); usernames are stored
in one normal form (NFKC, case folded), so "Admin" and "admin" are one name.

Tortoise's SQLite table rebuild dropped unique constraints (see 0007), so the column is added here
in plain SQL, which both dialects accept for a nullable foreign key, and the model state follows
with a state-only operation.
"""

import unicodedata
from collections import defaultdict

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.store.migration_ops import StateOnly

ADD_SCOPE = 'ALTER TABLE "task" ADD COLUMN "scope_id" VARCHAR(20) REFERENCES "region" ("code") ON DELETE RESTRICT'


def canonical(username: str) -> str:
    """auth.canonical_username as it stands at this migration."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


async def add_task_scope(apps, schema_editor) -> None:
    """Tasks from before are everyone's on their line, as they were: their scope stays empty."""
    await schema_editor.client.execute_script(ADD_SCOPE)


async def normalize_usernames(apps, schema_editor) -> None:
    """Each username takes its normal form, unless another account's name has the same one: both
    are then kept as they are, and each still signs in with its name typed exactly
    (auth.account_named)."""
    client = schema_editor.client
    rows = await client.execute_query_dict("SELECT id, username FROM app_user ORDER BY id")
    by_form: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_form[canonical(row["username"])].append(row)
    for form, same in by_form.items():
        if len(same) == 1 and same[0]["username"] != form and len(form) <= 40:
            await client.execute_query("UPDATE app_user SET username = $1 WHERE id = $2", [form, same[0]["id"]])


class Migration(migrations.Migration):
    dependencies = [("models", "0007_release_by_schedule")]

    initial = False

    operations = [
        ops.RunPython(add_task_scope),
        StateOnly(
            ops.AddField(
                model_name="Task",
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
        ops.AddIndex(model_name="TimeEntry", index=Index(fields=["task_id", "reporter_key"])),
        ops.RunPython(normalize_usernames),
    ]
