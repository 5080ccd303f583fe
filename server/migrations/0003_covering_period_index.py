from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0002_rollup_closure")]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name="TimeEntry",
            name=None,
            fields=["date", "region_id"],
        ),
        ops.AddIndex(
            model_name="TimeEntry",
            index=Index(fields=["date", "region_id", "reporter_key", "minutes", "activity"]),
        ),
    ]
