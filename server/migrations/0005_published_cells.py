from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0004_task_identity")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PublishedCell",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("period", fields.CharField(max_length=8)),
                ("k", fields.IntField()),
                ("min_level", fields.CharField(max_length=10)),
                ("code", fields.CharField(max_length=20)),
                ("level", fields.CharField(max_length=10)),
                ("hidden", fields.BooleanField()),
                ("reporters", fields.IntField()),
                ("minutes", fields.FloatField()),
                ("evidence_minutes", fields.FloatField()),
                ("median_minutes", fields.FloatField(null=True)),
            ],
            options={
                "table": "published_cell",
                "app": "models",
                "unique_together": (("period", "k", "min_level", "code"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
