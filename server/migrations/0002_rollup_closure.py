from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.store.closure import rebuild_ancestors


async def fill_closure(apps, schema_editor) -> None:
    """Regions stored before this migration get their ancestor rows."""
    await rebuild_ancestors(client=schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RegionAncestor",
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
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "ancestor",
                    fields.ForeignKeyField(
                        "models.Region",
                        source_field="ancestor_id",
                        db_constraint=True,
                        to_field="code",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("level", fields.CharField(max_length=10)),
            ],
            options={
                "table": "region_ancestor",
                "app": "models",
                "unique_together": (("region", "ancestor"),),
                "indexes": [Index(fields=["ancestor_id", "level"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.AddIndex(
            model_name="TimeEntry",
            index=Index(fields=["date", "region_id"]),
        ),
        ops.RunPython(fill_closure),
    ]
