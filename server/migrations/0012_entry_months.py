"""The month's entries summed per reporter as they are written (issue 15): two tables kept by
triggers on time_entry, filled once here from the entries already stored. See
server/store/entry_months.py. They are not models: nothing reads them through the ORM, and their
keys (no integer id) let SQLite keep each month's rows in key order, which is what the release
reads."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from server.store import entry_months


async def make_entry_months(apps, schema_editor) -> None:
    await entry_months.install(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0011_release_read_index")]

    initial = False

    operations = [ops.RunPython(make_entry_months)]
