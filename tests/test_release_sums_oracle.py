"""A release reads the month's entries from their month sums (store/entry_months.py), kept by
triggers. Whatever was written, it must read what the queries over every entry (the release's
reads up to e5a2ae9, kept here as the oracle) read in the same snapshot: the same reporters,
established ones, minutes, medians and time per task, activity, category and evidence, in every
published region. Months of 28 to 31 days; entries dated just outside the month, received before
their day, in the month, after it, the day before the cutoff, on it and long after; sent twice
through the outbox; edited across months and reporters, deleted, moved to another task, left
under no task, dropped by a leaving cadre; and the sums made again from the entries, as the
migration from 0011 does. Both stores."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conftest import LONG_AGO, SECRET, add_user, clear_store
from hypothesis import HealthCheck, example, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from test_entry_months import drop_sums
from tortoise import Tortoise

from server.config import Settings
from server.db import day_param
from server.domain import pseudonyms
from server.domain.indices import CATEGORY_OF_ACTIVITY, EVIDENCE_ACTIVITIES
from server.domain.measures import Part
from server.domain.periods import Period, parse_period
from server.domain.vocab import ACTIVITIES
from server.models import Region, Task, TimeEntry, User
from server.services.leaving import counted
from server.store import closure, entry_months, ledger, release, release_reporters, snapshot
from server.store.rollup import Window, levels_clause

# The oracle: e5a2ae9's reads, over every entry of the month received before the cutoff.
OLD_ENTRY_CELLS = """
WITH per AS (
    SELECT e.reporter_key, SUM(e.minutes) AS minutes
    FROM time_entry e
    WHERE e.date >= $1 AND e.date <= $2 AND e.received_on < $3
    GROUP BY e.reporter_key
), cell AS (
    SELECT ra.ancestor_id AS code, per.minutes, rr.established
    FROM per
    JOIN release_reporter rr ON rr.reporter_key = per.reporter_key
    JOIN region_ancestor ra ON ra.region_id = rr.region_id
    WHERE 1 = 1 {levels}
), ranked AS (
    SELECT code, minutes,
           ROW_NUMBER() OVER whole AS position,
           COUNT(*) OVER whole AS reporters,
           SUM(established) OVER whole AS established,
           SUM(minutes) OVER whole AS total_minutes
    FROM cell
    WINDOW whole AS (PARTITION BY code ORDER BY minutes ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT code, MAX(reporters) AS reporters, MAX(established) AS established, MAX(total_minutes) AS minutes,
       AVG(minutes) AS median_minutes
FROM ranked
WHERE position IN ((reporters + 1) / 2, (reporters + 2) / 2)
GROUP BY code
"""
OLD_SOURCE_CELLS = """
WITH per AS (
    SELECT e.reporter_key, {source} AS source, SUM(e.minutes) AS minutes
    FROM time_entry e
    WHERE e.date >= $1 AND e.date <= $2 AND e.received_on < $3
    GROUP BY e.reporter_key, {source}
), home AS (
    SELECT rr.region_id, per.source, SUM(per.minutes) AS minutes, SUM(rr.established) AS established
    FROM per JOIN release_reporter rr ON rr.reporter_key = per.reporter_key
    GROUP BY rr.region_id, per.source
)
SELECT ra.ancestor_id AS code, home.source AS source, SUM(home.minutes) AS minutes, SUM(home.established) AS established
FROM home JOIN region_ancestor ra ON ra.region_id = home.region_id
WHERE 1 = 1 {levels}
GROUP BY ra.ancestor_id, home.source
"""
OLD_MARK_ESTABLISHED = """
UPDATE release_reporter SET established = 1
WHERE old_enough = 1 AND reporter_key IN (
    SELECT e.reporter_key FROM time_entry e
    WHERE e.date >= $1 AND e.date <= $2 AND e.received_on < $3
    GROUP BY e.reporter_key HAVING COUNT(DISTINCT e.date) >= 2
)
"""


def _case(mapping: dict[str, str]) -> str:
    return (
        "CASE e.activity "
        + " ".join(f"WHEN '{activity}' THEN '{group}'" for activity, group in sorted(mapping.items()))
        + " ELSE 'other' END"
    )


OLD_SOURCES = {
    "tasks": "e.task_id",
    "activities": "e.activity",
    "categories": _case(CATEGORY_OF_ACTIVITY),
    "evidence": _case({a: ("evidence" if a in EVIDENCE_ACTIVITIES else "rest") for a in ACTIVITIES}),
}
READ = ("reporters", "minutes", "median_minutes", *OLD_SOURCES)


OLD_ACCOUNTS = """
SELECT id, region_id, CASE WHEN created_on < $1 THEN 1 ELSE 0 END AS old_enough
FROM app_user
WHERE role = 'cadre' AND region_id IS NOT NULL AND created_on < $2
"""


async def old_facts(window: Window, settings: Settings) -> dict[str, Any]:
    """What the queries over every entry read, in one reader's snapshot."""
    levels = release.published_levels(settings.min_level)
    clause, values = levels_clause(levels, 4)
    # Placed at their own homes, as e5a2ae9 placed them: the release places them in the deepest
    # published region above (release_reporters.ACCOUNTS_BEFORE), which must come to the same.
    client = Tortoise.get_connection("default")
    first, cutoff = day_param(client, window.month.first), day_param(client, window.cutoff)
    accounts = (await client.execute_query(OLD_ACCOUNTS, [first, cutoff]))[1]
    rows = [(pseudonyms.reporter_key(settings.secret, r[0]), r[1], bool(r[2])) for r in accounts]
    async with snapshot.shared_snapshot(1) as (reader,):
        await release_reporters.prepare_reporters(reader, rows, window)
        # Who is established, by the oracle's own rule (distinct days), not the sums' first and last.
        await reader.execute_query("UPDATE release_reporter SET established = 0")
        await reader.execute_query(OLD_MARK_ESTABLISHED, window.params(reader))
        params = [*window.params(reader), *values]
        entries = await reader.execute_query_dict(OLD_ENTRY_CELLS.format(levels=clause), params)
        found = {
            "reporters": {r["code"]: Part(int(r["reporters"]), int(r["established"] or 0)) for r in entries},
            "minutes": {r["code"]: Part(int(r["minutes"]), int(r["established"] or 0)) for r in entries},
            "median_minutes": {r["code"]: float(r["median_minutes"]) for r in entries},
        }
        for kind, source in OLD_SOURCES.items():
            found[kind] = {}
            query = OLD_SOURCE_CELLS.format(source=source, levels=clause)
            for r in await reader.execute_query_dict(query, params):
                found[kind].setdefault(r["code"], {})[r["source"]] = Part(int(r["minutes"]), int(r["established"] or 0))
        await release_reporters.drop_reporters(reader)
    return found


# --- A county, its cadres and their entries ------------------------------------------------------

COUNTY = "510101"
VILLAGES = [f"{COUNTY}{t:03d}{v}" for t in (1, 2) for v in (201, 202)]
# Homes the reads place elsewhere: a village right under the county (no township between), and a
# township's own staff. Each counts in every published region above it, and nowhere else.
HOMES = [*VILLAGES, f"{COUNTY}999201", f"{COUNTY}001"]
MONTHS = [parse_period(key) for key in ("2026-02", "2028-02", "2026-04", "2026-03")]  # 28, 29, 30, 31 days
CADRES = 6  # a seventh reporter key has no account (a cadre who left, or never was)


async def county() -> None:
    """The county, two townships, two villages each and one village right under the county
    (nothing below townships is published)."""
    rows = [(COUNTY, None, "county")]
    rows += [(f"{COUNTY}{t:03d}", COUNTY, "township") for t in (1, 2)]
    rows += [(code, code[:9], "village") for code in VILLAGES]
    rows += [(HOMES[-2], COUNTY, "village")]
    paths: dict[str | None, str] = {None: "/"}
    for code, parent, level in rows:
        paths[code] = f"{paths[parent]}{code}/"
        await Region.create(code=code, parent_id=parent, level=level, name=code, population=100, path=paths[code])
    await closure.rebuild_ancestors([code for code, _, _ in rows], replace=False)


def day_in(month: Period, choice: int) -> date:
    """A day of the month (its first, middle, last, second, last but one) or just outside it."""
    return [
        month.first,
        month.first + timedelta(days=14),
        month.last,
        month.first + timedelta(days=1),
        month.last - timedelta(days=1),
        month.first - timedelta(days=1),
        month.last + timedelta(days=1),
    ][choice]


def arrival(month: Period, cutoff: date, day: date, choice: int) -> date:
    """When an entry of `day` reached the server: on its day, at the month's end, before its day,
    the day after the month, the day before the cutoff, on it, the day after it, or weeks later."""
    return [
        day,
        month.last,
        day - timedelta(days=3),
        month.last + timedelta(days=1),
        cutoff - timedelta(days=1),
        cutoff,
        cutoff + timedelta(days=1),
        day + timedelta(days=40),
    ][choice]


entries = st.tuples(
    st.integers(0, CADRES),  # whose (CADRES: a key with no account)
    st.integers(0, 6),  # day_in
    st.integers(0, 7),  # arrival
    st.sampled_from([0, 15, 45, 600]),
    st.sampled_from(ACTIVITIES),
    st.sampled_from([None, 0, 1]),  # no task, or one of two
)
steps = st.one_of(
    st.tuples(st.just("outbox"), st.lists(entries, min_size=1, max_size=4)),  # sent twice
    st.tuples(st.just("edit"), st.integers(0, 99), entries),
    st.tuples(st.just("date"), st.integers(0, 99), st.integers(0, 6)),
    st.tuples(st.just("received"), st.integers(0, 99), st.integers(0, 7)),
    st.tuples(st.just("reporter"), st.integers(0, 99), st.integers(0, CADRES)),
    st.tuples(st.just("minutes"), st.integers(0, 99), st.sampled_from([0, 30])),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("merge_tasks"), st.sampled_from([0, 1])),
    st.tuples(st.just("drop_task"), st.sampled_from([0, 1])),
    st.tuples(st.just("leave"), st.integers(0, CADRES - 1)),
    st.tuples(st.just("refill")),
)
cases = st.fixed_dictionaries(
    {
        "month": st.sampled_from(MONTHS),
        "cutoff_days": st.sampled_from([1, 7, 31]),  # the publication day after the month's last
        # Accounts made long ago, during the month (not established), or after the cutoff (no reporter).
        "made": st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=CADRES, max_size=CADRES),
        "homes": st.lists(st.sampled_from(HOMES), min_size=CADRES, max_size=CADRES),
        "first": st.lists(entries, min_size=4, max_size=16),
        "then": st.lists(steps, max_size=8),
    }
)


class Store:
    """The case's county as the writes leave it: accounts, their keys, the two tasks."""

    def __init__(self, case: dict[str, Any]) -> None:
        self.month: Period = case["month"]
        self.cutoff = self.month.last + timedelta(days=case["cutoff_days"])
        self.users: list[User | None] = []
        self.keys: list[str] = []
        self.tasks: list[Task | None] = []
        self.sent = 0

    async def plant(self, case: dict[str, Any]) -> None:
        await county()
        made = [LONG_AGO, self.month.first + timedelta(days=3), self.cutoff]
        for i, (when, home) in enumerate(zip(case["made"], case["homes"], strict=True)):
            user = await add_user(f"cadre{i}", "cadre", home, created_on=made[when])
            self.users.append(user)
            self.keys.append(pseudonyms.reporter_key(SECRET, user.id))
        self.keys.append(pseudonyms.reporter_key(SECRET, 10_000))
        for title in ("任务甲", "任务乙"):
            self.tasks.append(
                await Task.create(
                    title=title,
                    metric="registrations",
                    issued_by_id=COUNTY,
                    period_start=self.month.first,
                    period_end=self.month.last,
                    frequency="monthly",
                    ranking="none",
                    penalty="none",
                    evidence="none",
                )
            )

    def task_id(self, choice: int | None) -> int | None:
        task = None if choice is None else self.tasks[choice]
        return task.id if task is not None else None

    async def send(self, values: list[tuple]) -> None:
        """Through the outbox's INSERT .. ON CONFLICT DO NOTHING, grouped by reporter and arrival
        day as the API writes them; then the same batch again, a replay that changes nothing."""
        batches: dict[tuple[str, date], list[dict[str, Any]]] = {}
        for who, day_choice, arrival_choice, minutes, activity, task in values:
            day = day_in(self.month, day_choice)
            received = arrival(self.month, self.cutoff, day, arrival_choice)
            self.sent += 1
            batches.setdefault((self.keys[who], received), []).append(
                {
                    "client_id": f"c{self.sent}",
                    "body_hash": "0" * 64,
                    "date": day,
                    "minutes": minutes,
                    "activity": activity,
                    "task": self.task_id(task),
                    "note": None,
                }
            )
        for (key, received), rows in batches.items():
            await ledger.insert_entries(key, received, rows)
            assert await ledger.insert_entries(key, received, rows) == set()

    async def step(self, step: tuple) -> None:
        ids = await TimeEntry.all().order_by("id").values_list("id", flat=True)
        kind = step[0]
        if kind == "outbox":
            await self.send(step[1])
        elif kind in ("edit", "date", "received", "reporter", "minutes", "delete") and ids:
            await self.change(ids[step[1] % len(ids)], kind, step[2:])
        elif kind == "merge_tasks" and None not in self.tasks:
            source, target = self.tasks[step[1]], self.tasks[1 - step[1]]
            await TimeEntry.filter(task_id=source.id).update(task_id=target.id)  # services/merging.fold_task
        elif kind == "drop_task" and self.tasks[step[1]] is not None:
            await self.tasks[step[1]].delete()  # its entries fall under no task (ON DELETE SET NULL)
            self.tasks[step[1]] = None
        elif kind == "leave" and self.users[step[1]] is not None:
            # services/leaving.leave, were this month published: what it counted stays, the rest goes.
            keep = counted([(self.month.first, self.month.last, self.cutoff)], "date", "received_on")
            await TimeEntry.filter(reporter_key=self.keys[step[1]]).exclude(keep).delete()
            await User.filter(id=self.users[step[1]].id).delete()
            self.users[step[1]] = None
        elif kind == "refill":
            # A store migrated from 0011: the sums made from the entries already there.
            client = Tortoise.get_connection("default")
            await drop_sums(client)
            await entry_months.install(client)

    async def change(self, entry_id: int, kind: str, values: tuple) -> None:
        entry = await TimeEntry.get(id=entry_id)
        if kind == "edit":
            who, day_choice, arrival_choice, minutes, activity, task = values[0]
            entry.reporter_key, entry.minutes, entry.activity = self.keys[who], minutes, activity
            entry.date = day_in(self.month, day_choice)
            entry.received_on = arrival(self.month, self.cutoff, entry.date, arrival_choice)
            entry.task_id = self.task_id(task)
            await entry.save()
        elif kind == "date":
            await TimeEntry.filter(id=entry_id).update(date=day_in(self.month, values[0]))
        elif kind == "received":
            received = arrival(self.month, self.cutoff, entry.date, values[0])
            await TimeEntry.filter(id=entry_id).update(received_on=received)
        elif kind == "reporter":
            await TimeEntry.filter(id=entry_id).update(reporter_key=self.keys[values[0]])
        elif kind == "minutes":
            await TimeEntry.filter(id=entry_id).update(minutes=values[0])
        else:
            await TimeEntry.filter(id=entry_id).delete()


async def new_facts(store: Store, settings: Settings) -> dict[str, Any]:
    facts = await release.read_month_facts(store.month, settings, store.cutoff)
    return {name: getattr(facts, name) for name in READ}


ONE_DAY_LEFT = {
    "month": MONTHS[0],
    "cutoff_days": 7,
    "made": [0] * CADRES,
    "homes": VILLAGES[:2] * 3,
    # cadre0 logs the 1st and twice the 15th, in the month; cadre1 the 28th, received the day before
    # the cutoff. The sums are made again from the entries, then the 1st is moved out of the month
    # (one day left: cadre0 is no longer established), the 28th's arrival onto the cutoff and back.
    "first": [
        (0, 0, 0, 30, "meeting", None),
        (0, 1, 1, 30, "evidence", 0),
        (0, 1, 0, 20, "data_entry", None),
        (1, 2, 4, 15, "study", 1),
        (2, 0, 0, 0, "check_in", 0),
    ],
    "then": [("refill",), ("date", 0, 6), ("received", 3, 5), ("received", 3, 4)],
}


@examples(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases)
@example(case=ONE_DAY_LEFT)
async def test_a_release_reads_from_the_sums_what_the_entries_say(migrated, case):
    await clear_store(migrated)
    settings = Settings(database_url=migrated, secret=SECRET)
    store = Store(case)
    await store.plant(case)
    await store.send(case["first"])
    for step in case["then"]:
        await store.step(step)
    old = await old_facts(Window(store.month, store.cutoff), settings)
    assert await new_facts(store, settings) == old
