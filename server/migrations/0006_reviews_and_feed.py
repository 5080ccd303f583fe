import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


async def refreeze_releases(apps, schema_editor) -> None:
    """Releases frozen before this held their entry cells only; the next request freezes them
    whole. Nothing was deployed under 0005, so no reader has seen figures that could now move."""
    await schema_editor.client.execute_script("DELETE FROM published_cell")


class Migration(migrations.Migration):
    dependencies = [("models", "0005_published_cells")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FeedMessage",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("key", fields.CharField(unique=True, max_length=80)),
                ("event", fields.CharField(max_length=32)),
                ("body", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("attempts", fields.IntField(default=0)),
                ("next_attempt_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("lease_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("delivered_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("last_error", fields.CharField(null=True, max_length=200)),
            ],
            options={
                "table": "feed_message",
                "app": "models",
                "indexes": [Index(fields=["delivered_at", "next_attempt_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Review",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "region",
                    fields.ForeignKeyField(
                        "models.Region",
                        source_field="region_id",
                        db_constraint=True,
                        to_field="code",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("period", fields.CharField(max_length=8)),
                (
                    "opened_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="opened_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("opened_on", fields.DateField()),
                ("closed_on", fields.DateField(null=True)),
                ("snapshot", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
            ],
            options={"table": "review", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReviewDecision",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "review",
                    fields.ForeignKeyField(
                        "models.Review",
                        source_field="review_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=16)),
                (
                    "region",
                    fields.ForeignKeyField(
                        "models.Region",
                        source_field="region_id",
                        db_constraint=True,
                        to_field="code",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "task",
                    fields.ForeignKeyField(
                        "models.Task",
                        source_field="task_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "app",
                    fields.ForeignKeyField(
                        "models.App",
                        source_field="app_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("new_target", fields.IntField(null=True)),
                ("decided_on", fields.DateField()),
            ],
            options={"table": "review_decision", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="PublishedCell",
            name="figures",
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
        ),
        ops.RunPython(refreeze_releases),
    ]
