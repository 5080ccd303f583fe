"""Publication by schedule (the publication issue): releases, their cells and flags; sensitive rows
lose their region (and outcomes their quota), gain the day they were received; accounts gain the
day they were created; time entries get 64-bit ids.

Tortoise's SQLite table rebuild dropped unique constraints and kept removed foreign-key columns, so
the tables are changed here in plain SQL for each dialect, and the model state follows with
state-only operations.
"""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

from server.store.migration_ops import StateOnly

SQLITE = """
CREATE TABLE "time_entry_new" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "reporter_key" VARCHAR(64) NOT NULL,
    "client_id" VARCHAR(64) NOT NULL, "body_hash" VARCHAR(64) NOT NULL, "date" DATE NOT NULL, "received_on" DATE NOT NULL,
    "minutes" INT NOT NULL, "activity" VARCHAR(24) NOT NULL, "task_id" INT REFERENCES "task" ("id") ON DELETE SET NULL,
    "note" VARCHAR(500), CONSTRAINT "uid_time_entry_reporte_eb4c9b" UNIQUE ("reporter_key", "client_id"));
INSERT INTO "time_entry_new" SELECT "id", "reporter_key", "client_id", "body_hash", "date", "date", "minutes", "activity", "task_id", "note" FROM "time_entry";
DROP TABLE "time_entry";
ALTER TABLE "time_entry_new" RENAME TO "time_entry";
CREATE INDEX "idx_time_entry_reporte_99fe26" ON "time_entry" ("reporter_key", "date");
CREATE INDEX "idx_time_entry_date_c62c89" ON "time_entry" ("date", "received_on", "reporter_key", "minutes", "activity");

CREATE TABLE "roster_item_new" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "reporter_key" VARCHAR(64) NOT NULL,
    "app_id" INT NOT NULL REFERENCES "gov_app" ("id") ON DELETE CASCADE, "resident_use" VARCHAR(8) NOT NULL,
    "received_on" DATE NOT NULL, CONSTRAINT "uid_roster_item_reporte_app" UNIQUE ("reporter_key", "app_id"));
INSERT INTO "roster_item_new" SELECT "id", "reporter_key", "app_id", "resident_use", DATE('now') FROM "roster_item";
DROP TABLE "roster_item";
ALTER TABLE "roster_item_new" RENAME TO "roster_item";

CREATE TABLE "outcome_new" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "reporter_key" VARCHAR(64) NOT NULL,
    "quota_ref" VARCHAR(64) NOT NULL, "status" VARCHAR(8) NOT NULL, "means" VARCHAR(120) NOT NULL, "cost_yuan" VARCHAR(40),
    "reported_on" DATE NOT NULL, CONSTRAINT "uid_outcome_reporte_b5f27b" UNIQUE ("reporter_key", "quota_ref"));
INSERT INTO "outcome_new" SELECT "id", "reporter_key", 'legacy-' || "quota_id", "status", "means", "cost_yuan", "reported_on" FROM "outcome";
DROP TABLE "outcome";
ALTER TABLE "outcome_new" RENAME TO "outcome";

ALTER TABLE "app_user" ADD COLUMN "created_on" DATE NOT NULL DEFAULT '2000-01-01';
UPDATE "app_user" SET "created_on" = DATE('now');
DROP TABLE "published_cell";
"""  # noqa: E501 -- a migration's SQL stays as it ran (SQLite stores CREATE text verbatim)

POSTGRES = """
ALTER TABLE "time_entry" ADD COLUMN "received_on" DATE;
UPDATE "time_entry" SET "received_on" = "date";
ALTER TABLE "time_entry" ALTER COLUMN "received_on" SET NOT NULL;
ALTER TABLE "time_entry" DROP COLUMN "region_id";
ALTER TABLE "time_entry" ALTER COLUMN "id" TYPE BIGINT;
ALTER SEQUENCE "time_entry_id_seq" AS BIGINT;
CREATE INDEX "idx_time_entry_date_c62c89" ON "time_entry" ("date", "received_on", "reporter_key", "minutes", "activity");

ALTER TABLE "roster_item" ADD COLUMN "received_on" DATE NOT NULL DEFAULT CURRENT_DATE;
ALTER TABLE "roster_item" ALTER COLUMN "received_on" DROP DEFAULT;
ALTER TABLE "roster_item" DROP COLUMN "region_id";

ALTER TABLE "outcome" ADD COLUMN "quota_ref" VARCHAR(64);
UPDATE "outcome" SET "quota_ref" = 'legacy-' || "quota_id";
ALTER TABLE "outcome" ALTER COLUMN "quota_ref" SET NOT NULL;
ALTER TABLE "outcome" DROP COLUMN "quota_id";
ALTER TABLE "outcome" ADD CONSTRAINT "uid_outcome_reporte_b5f27b" UNIQUE ("reporter_key", "quota_ref");

ALTER TABLE "app_user" ADD COLUMN "created_on" DATE NOT NULL DEFAULT CURRENT_DATE;
ALTER TABLE "app_user" ALTER COLUMN "created_on" DROP DEFAULT;
DROP TABLE "published_cell";
"""  # noqa: E501 -- a migration's SQL stays as it ran (SQLite stores CREATE text verbatim)


async def reshape_sensitive_tables(apps, schema_editor) -> None:
    """Rows from before: entries were received on the day of their work (the closest honest
    guess); roster answers and accounts date from the migration, so old accounts count towards k
    from the next whole month; outcomes name their quota as "legacy-<id>" until the server, which
    holds the secret, rekeys them at start (publication.rekey_legacy_outcomes). Releases frozen on
    first read are dropped: the scheduler publishes every month again under the new rules."""
    client = schema_editor.client
    await client.execute_script(SQLITE if client.capabilities.dialect == "sqlite" else POSTGRES)


def _json() -> fields.JSONField:
    return fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_reviews_and_feed")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Release",
            fields=[
                ("month", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=7)),
                ("status", fields.CharField(max_length=10)),
                ("lease_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("published_on", fields.DateField()),
                ("settings", _json()),
            ],
            options={"table": "release", "app": "models", "pk_attr": "month"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReleaseCell",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("month", fields.CharField(max_length=7)),
                ("code", fields.CharField(max_length=20)),
                ("parent", fields.CharField(null=True, max_length=20)),
                ("level", fields.CharField(max_length=10)),
                ("path", fields.CharField(max_length=255)),
                ("figures", _json()),
            ],
            options={
                "table": "release_cell",
                "app": "models",
                "unique_together": (("month", "code"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReleaseFlag",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("month", fields.CharField(max_length=7)),
                ("locale", fields.CharField(max_length=8)),
                ("path", fields.CharField(max_length=255)),
                ("position", fields.IntField()),
                ("flag", _json()),
            ],
            options={
                "table": "release_flag",
                "app": "models",
                "indexes": [Index(fields=["month", "locale", "path"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.RunPython(reshape_sensitive_tables),
        StateOnly(ops.RemoveConstraint(model_name="Outcome", name=None, fields=["reporter_key", "quota"])),
        StateOnly(ops.RemoveField(model_name="Outcome", name="quota")),
        StateOnly(ops.AddField(model_name="Outcome", name="quota_ref", field=fields.CharField(max_length=64))),
        StateOnly(
            ops.AddConstraint(
                model_name="Outcome", constraint=UniqueConstraint(fields=("reporter_key", "quota_ref"), name=None)
            )
        ),
        StateOnly(ops.RemoveField(model_name="RosterItem", name="region")),
        StateOnly(ops.AddField(model_name="RosterItem", name="received_on", field=fields.DateField())),
        StateOnly(
            ops.RemoveIndex(
                model_name="TimeEntry", name=None, fields=["date", "region_id", "reporter_key", "minutes", "activity"]
            )
        ),
        StateOnly(ops.RemoveField(model_name="TimeEntry", name="region")),
        StateOnly(
            ops.AlterField(
                model_name="TimeEntry",
                name="id",
                field=fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True),
            )
        ),
        StateOnly(ops.AddField(model_name="TimeEntry", name="received_on", field=fields.DateField())),
        StateOnly(
            ops.AddIndex(
                model_name="TimeEntry",
                index=Index(fields=["date", "received_on", "reporter_key", "minutes", "activity"]),
            )
        ),
        StateOnly(ops.AddField(model_name="User", name="created_on", field=fields.DateField())),
        StateOnly(ops.DeleteModel(name="PublishedCell")),
    ]
