from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint


async def tell_duplicates_apart(apps, schema_editor) -> None:
    """Tasks stored twice before this constraint (a race in the old read-then-write) keep their
    rows; every copy after the first gets its id in its title, so nothing is lost or merged."""
    client = schema_editor.client
    rows = await client.execute_query_dict(
        "SELECT id, title, issued_by_id, period_start, period_end FROM task ORDER BY id"
    )
    seen = set()
    for row in rows:
        identity = (row["title"], row["issued_by_id"], str(row["period_start"]), str(row["period_end"]))
        if identity in seen:
            await client.execute_query(
                "UPDATE task SET title = $1 WHERE id = $2", [f"{row['title'][:180]} (#{row['id']})", row["id"]]
            )
        seen.add(identity)


class Migration(migrations.Migration):
    dependencies = [("models", "0003_covering_period_index")]

    initial = False

    operations = [
        ops.RunPython(tell_duplicates_apart),
        ops.AddConstraint(
            model_name="Task",
            constraint=UniqueConstraint(fields=("title", "issued_by", "period_start", "period_end"), name=None),
        ),
    ]
