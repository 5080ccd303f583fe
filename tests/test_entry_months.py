"""The entries' month sums (store/entry_months.py) that a release reads instead of every entry: kept
by the store on every write, they must always equal what the entries themselves say, or a release
would count an edited, deleted or moved entry wrongly. Checked against sums worked out here in
Python from the entries, after writes of every kind, on both stores."""

from __future__ import annotations

import asyncio
import calendar
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
from conftest import clear_store
from hypothesis import HealthCheck, example, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from tortoise import Tortoise

from server.domain.vocab import ACTIVITIES
from server.models import Region, Task, TimeEntry
from server.store import entry_months, ledger

KEYS = ["k1", "k2", "k3"]
SOME_ACTIVITIES = ["data_entry", "meeting", "evidence"]
# Around a month's end: entries of two months, received in time, after the month, or much later.
DAYS = [date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2)]
LATE = [0, 1, 3, 40]  # days between an entry's date and its arrival


def month_last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def expected(entries: list[dict[str, Any]]) -> dict[str, dict[tuple, dict[str, Any]]]:
    """The two tables as the entries say they should be, summed here without SQL."""
    tables: dict[str, dict[tuple, dict[str, Any]]] = {t: {} for t in entry_months.TABLES}
    for e in entries:
        month = e["date"].strftime("%Y-%m")
        received_by = max(e["received_on"], month_last(e["date"]))
        month_row = tables["entry_month"].setdefault((month, e["reporter_key"], received_by), {})
        task_row = tables["entry_month_task"].setdefault((month, e["reporter_key"], e["task_id"] or 0, received_by), {})
        for row in (month_row, task_row):
            row["minutes"] = row.get("minutes", 0) + e["minutes"]
            row["entries"] = row.get("entries", 0) + 1
        for activity in ACTIVITIES:
            logged = e["activity"] == activity
            month_row[f"m_{activity}"] = month_row.get(f"m_{activity}", 0) + (e["minutes"] if logged else 0)
            month_row[f"n_{activity}"] = month_row.get(f"n_{activity}", 0) + logged
        month_row["first_date"] = min(month_row.get("first_date", e["date"]), e["date"])
        month_row["last_date"] = max(month_row.get("last_date", e["date"]), e["date"])
    return tables


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return int(value) if not isinstance(value, str) else value


async def stored() -> dict[str, dict[tuple, dict[str, Any]]]:
    client = Tortoise.get_connection("default")
    found: dict[str, dict[tuple, dict[str, Any]]] = {}
    for table, key in entry_months.KEYS.items():
        found[table] = {}
        for row in (await client.execute_query(f"SELECT * FROM {table}"))[1]:
            values = {name: _plain(value) for name, value in dict(row).items()}
            found[table][tuple(values.pop(c) for c in key)] = values
    return found


async def entries_now() -> list[dict[str, Any]]:
    return await TimeEntry.all().values("reporter_key", "date", "received_on", "minutes", "activity", "task_id")


async def assert_sums_match() -> None:
    assert await stored() == expected(await entries_now())


def new_entry(n: int, key: str, day: date, late: int, minutes: int, activity: str, task: int | None) -> TimeEntry:
    return TimeEntry(
        reporter_key=key,
        client_id=f"c{n}",
        body_hash="0" * 64,
        date=day,
        received_on=day + timedelta(days=late),
        minutes=minutes,
        activity=activity,
        task_id=task,
    )


async def made_task(title: str) -> Task:
    if not await Region.exists(code="510000"):
        await Region.create(code="510000", level="province", name="四川省", population=1, path="510000")
    return await Task.create(
        title=title,
        metric="reposts",
        issued_by_id="510000",
        period_start=DAYS[0],
        period_end=DAYS[-1],
        frequency="once",
        ranking="none",
        penalty="none",
        evidence="none",
    )


entry_values = st.tuples(
    st.sampled_from(KEYS),
    st.sampled_from(DAYS),
    st.sampled_from(LATE),
    st.sampled_from([15, 30, 45]),
    st.sampled_from(SOME_ACTIVITIES),
    st.sampled_from([None, 0, 1]),  # no task, or the first or second task made for the case
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.lists(entry_values, min_size=1, max_size=4)),
        st.tuples(st.just("edit"), st.integers(0, 50), entry_values),
        st.tuples(st.just("minutes"), st.integers(0, 50), st.sampled_from([5, 60])),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("delete_reporter"), st.sampled_from(KEYS)),
        st.tuples(st.just("move_task"), st.sampled_from([0, 1])),
        st.tuples(st.just("drop_task"), st.sampled_from([0, 1])),
    ),
    min_size=1,
    max_size=10,
)


@examples(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
# Two days logged, then the first one deleted or moved: one day is left, and the reporter is no
# longer established (the first day must be read back from what is left).
@example(
    plan=[("add", [("k1", DAYS[0], 0, 30, "meeting", None), ("k1", DAYS[1], 0, 30, "meeting", None)]), ("delete", 0)]
)
@example(
    plan=[("add", [("k1", DAYS[0], 0, 30, "meeting", None), ("k1", DAYS[1], 0, 30, "meeting", None)]), ("delete", 1)]
)
@example(
    plan=[
        ("add", [("k1", DAYS[0], 0, 30, "meeting", 0), ("k1", DAYS[1], 0, 30, "meeting", 0)]),
        ("edit", 0, ("k2", DAYS[0], 0, 30, "meeting", 0)),
    ]
)
async def test_the_sums_follow_every_kind_of_write(migrated, plan):
    """Adds (one and several per statement), edits that move an entry to another month, reporter
    or task, deletions one by one and by the reporter (a cadre leaving), every entry of a task
    moved to another (a merge) and a task deleted (its entries fall under no task)."""
    await clear_store(migrated)
    tasks = [await made_task(f"任务{i}") for i in range(2)]
    made = 0

    def task_of(choice: int | None) -> int | None:
        return None if choice is None or tasks[choice] is None else tasks[choice].id

    for step in plan:
        ids = await TimeEntry.all().order_by("id").values_list("id", flat=True)
        if step[0] == "add":
            rows = [new_entry(made + i, *v[:5], task_of(v[5])) for i, v in enumerate(step[1])]
            made += len(rows)
            if len(rows) == 1:
                await rows[0].save()
            else:
                await TimeEntry.bulk_create(rows)
        elif step[0] == "edit" and ids:
            key, day, late, minutes, activity, task = step[2]
            entry = await TimeEntry.get(id=ids[step[1] % len(ids)])
            entry.reporter_key, entry.date, entry.received_on = key, day, day + timedelta(days=late)
            entry.minutes, entry.activity, entry.task_id = minutes, activity, task_of(task)
            await entry.save()
        elif step[0] == "minutes" and ids:
            await TimeEntry.filter(id=ids[step[1] % len(ids)]).update(minutes=step[2])
        elif step[0] == "delete" and ids:
            await TimeEntry.filter(id=ids[step[1] % len(ids)]).delete()
        elif step[0] == "delete_reporter":
            await TimeEntry.filter(reporter_key=step[1]).delete()
        elif step[0] == "move_task" and tasks[step[1]] is not None and tasks[1 - step[1]] is not None:
            await TimeEntry.filter(task_id=tasks[step[1]].id).update(task_id=tasks[1 - step[1]].id)
        elif step[0] == "drop_task" and tasks[step[1]] is not None:
            await tasks[step[1]].delete()  # the entries' task is set to none by the store
            tasks[step[1]] = None
        await assert_sums_match()


async def test_the_migration_sums_the_entries_already_stored(store):
    """A store upgraded with entries in it: the tables are made, filled from them, then kept."""
    client = Tortoise.get_connection("default")
    await drop_sums(client)
    try:
        task = await made_task("任务")
        for n, (day, late) in enumerate([(DAYS[0], 0), (DAYS[1], 3), (DAYS[2], 0), (DAYS[2], 40)]):
            await new_entry(n, KEYS[n % 2], day, late, 30, SOME_ACTIVITIES[n % 3], task.id if n % 2 else None).save()
        assert not [t for t in entry_months.TABLES if await table_exists(client, t)]
    finally:
        await entry_months.install(client)  # the store's other tests need the tables back
    assert sum(len(rows) for rows in (await stored()).values()) > 0
    await assert_sums_match()
    await new_entry(9, KEYS[0], DAYS[1], 1, 15, "meeting", task.id).save()
    await TimeEntry.filter(client_id="c0").delete()
    await assert_sums_match()


async def drop_sums(client: Any) -> None:
    if client.capabilities.dialect == "sqlite":
        for name in ("insert", "delete", "update"):
            await client.execute_query(f"DROP TRIGGER entry_month_{name}")
    else:
        await client.execute_query("DROP TRIGGER entry_month_change ON time_entry")
        await client.execute_query("DROP FUNCTION entry_month_change()")
    for table in entry_months.TABLES:
        await client.execute_query(f"DROP TABLE {table}")


async def table_exists(client: Any, table: str) -> bool:
    if client.capabilities.dialect == "sqlite":
        query = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
    else:
        query = "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = $1"
    return (await client.execute_query(query, [table]))[1][0][0] > 0


async def wait_for_a_lock() -> None:
    """Until a connection of the store waits for a row another transaction holds."""
    client = Tortoise.get_connection("default")
    query = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    for _ in range(500):
        if (await client.execute_query(query))[1][0][0] > 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the second writer never waited for the first")


# What the first writer does (and holds, uncommitted), then what a second one does meanwhile: both
# touch k1's month, logged on the 2nd and twice on the 10th.
AT_ONCE = {
    # The 2nd deleted while another entry is edited: one day is left (not established), and the
    # edit must not bring the 2nd back.
    "a day deleted": (
        "DELETE FROM time_entry WHERE client_id = 'c0'",
        "UPDATE time_entry SET minutes = 45 WHERE client_id = 'c1'",
    ),
    # The 20th sent while the 2nd is deleted: two days are left, and the deletion must not lose one.
    "a day added": (
        "INSERT INTO time_entry (reporter_key, client_id, body_hash, date, received_on, minutes, activity) "
        "VALUES ('k1', 'c9', '', '2026-03-20', '2026-03-20', 30, 'meeting')",
        "DELETE FROM time_entry WHERE client_id = 'c0'",
    ),
}


@pytest.mark.parametrize("first, second", AT_ONCE.values(), ids=AT_ONCE.keys())
async def test_a_writer_that_waited_for_another_reads_back_the_days_it_left(store, first, second):
    """PostgreSQL: two writes to one reporter's month at once (two phones' outboxes, or a task merge
    and a cadre's edit). The second waits for the month's row, then reads back the first and last
    day from the entries: it must see what the first committed while it waited."""
    if not store.startswith("postgres"):
        pytest.skip("SQLite lets one writer in at a time")
    for n, day in enumerate([date(2026, 3, 2), date(2026, 3, 10), date(2026, 3, 10)]):
        await new_entry(n, "k1", day, 0, 30, "meeting", None).save()
    one, other = await asyncpg.connect(store), await asyncpg.connect(store)
    try:
        holding = one.transaction()
        await holding.start()
        await one.execute(first)
        waiting = asyncio.create_task(other.execute(second))
        await wait_for_a_lock()
        await holding.commit()
        await waiting
    finally:
        await one.close()
        await other.close()
    await assert_sums_match()


async def test_two_batches_of_one_reporter_across_months_at_once_both_land(store):
    """PostgreSQL: two phones of one cadre (or a retry beside the first send) post batches that
    span months at once. Each entry adds to its month's row, so two writers that took those rows in
    opposite orders waited for each other until PostgreSQL killed one (a 500, seen in CI with two
    server processes). A batch takes its months in date order, so the second writer waits at the
    first month both need and the first finishes."""
    if not store.startswith("postgres"):
        pytest.skip("SQLite lets one writer in at a time")
    march = "INSERT INTO time_entry (reporter_key, client_id, body_hash, date, received_on, minutes, activity) "
    one = await asyncpg.connect(store)
    try:
        holding = one.transaction()
        await holding.start()
        await one.execute(march + "VALUES ('k1', 'm1', '', '2026-03-05', '2026-04-06', 30, 'meeting')")
        rows = [
            {"client_id": f"b{n}", "body_hash": "", "date": day, "minutes": 10, "activity": "meeting", "task": None}
            | {"note": None}
            for n, day in enumerate([date(2026, 4, 3), date(2026, 3, 7)])  # April first, as a phone may send
        ]
        second = asyncio.create_task(ledger.insert_entries("k1", date(2026, 4, 6), rows))
        await wait_for_a_lock()
        await one.execute(march + "VALUES ('k1', 'a1', '', '2026-04-02', '2026-04-06', 30, 'meeting')")
        await holding.commit()
        assert await second == {"b0", "b1"}
    finally:
        await one.close()
    await assert_sums_match()
