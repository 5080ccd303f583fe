"""A release's month is read by several connections side by side (store/snapshot.py). What a
supervisor would notice if that went wrong: a release that differs with the number of readers, or
one that counts a cadre's entry in one table and not in another because it arrived while the
readers were starting. Both stores."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
from datetime import date

import asyncpg
import httpx
import pytest
from conftest import MONTH, PUBLISHED, SECRET
from test_attacks import DAYS, start, township, uneven_county
from tortoise import Tortoise

from server.app import create_app
from server.config import ConfigError, Settings
from server.domain import pseudonyms
from server.models import TimeEntry, User
from server.store import release, snapshot

COUNT_ENTRIES = "SELECT COUNT(*) AS n FROM time_entry"


async def planted(store: str) -> Settings:
    """The uneven county of the attacks: entries, tasks, outcomes, rosters and quotas."""
    settings = Settings(database_url=store, secret=SECRET)
    app = create_app(settings, manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as client:
        await uneven_county(await start(client), settings.k)
    return settings


INSERT_ENTRY = (
    "INSERT INTO time_entry (reporter_key, client_id, date, minutes, activity, received_on, body_hash) "
    "VALUES ($1, $2, $3, 45, 'data_entry', $4, $5)"
)


async def commit_entry(store: str, key: str, client_id: str | None = None) -> bool:
    """A cadre's entry of the month, received before its cutoff, committed from a connection of
    its own (as another server process would); False when the store refused it for a lock."""
    values = [key, client_id or f"c-{key}", DAYS[3], date(2026, 4, 1), "0" * 64]
    if store.startswith("sqlite://"):
        with contextlib.closing(sqlite3.connect(store.removeprefix("sqlite://"), timeout=0.05)) as other:
            try:
                with other:
                    other.execute(INSERT_ENTRY, [v.isoformat() if isinstance(v, date) else v for v in values])
            except sqlite3.OperationalError as refused:
                assert "locked" in str(refused)
                return False
        return True
    other = await asyncpg.connect(store)
    try:
        await other.execute(INSERT_ENTRY, *values)
    finally:
        await other.close()
    return True


async def entries_seen(readers: list) -> list[int]:
    return [int((await reader.execute_query_dict(COUNT_ENTRIES))[0]["n"]) for reader in readers]


async def test_the_month_read_by_one_two_or_four_connections_is_the_same(store, during_month):
    settings = await planted(store)
    read = {
        n: await release.read_month_facts(MONTH, dataclasses.replace(settings, release_readers=n), PUBLISHED)
        for n in (1, 2, 4)
    }
    assert read[1].reporters and read[1].tasks and read[1].outcomes and read[1].apps and read[1].quotas
    assert read[2] == read[1]
    assert read[4] == read[1]


async def test_readers_share_one_snapshot_whatever_commits_while_they_start(store, during_month, monkeypatch):
    """An entry committed between the first reader's start and the second's is seen by none or by
    all: the second reader starts from the first one's snapshot (PostgreSQL), or the commit waits
    until every reader has started (SQLite). Entries committed after the start are seen by none."""
    await planted(store)
    before = await TimeEntry.all().count()
    started = []
    committed = []

    # Another process commits an entry each time a reader has started.
    original = snapshot.start_reader

    async def start_with_a_commit_after(*args, **kwargs):
        reader = await original(*args, **kwargs)
        started.append(reader)
        if await commit_entry(store, f"between-{len(started)}"):
            committed.append(len(started))
        return reader

    monkeypatch.setattr(snapshot, "start_reader", start_with_a_commit_after)
    async with snapshot.shared_snapshot(3) as readers:
        monkeypatch.setattr(snapshot, "start_reader", original)
        assert await commit_entry(store, "after-start")
        seen = await entries_seen(readers)
    assert len(started) == 3
    if store.startswith("sqlite://"):
        # The write lock is held until every reader has started: the other process waits.
        assert committed == []
        assert seen == [before] * 3
    else:
        # The first reader's snapshot is taken when it is exported, after the first commit; the
        # others start from it and see neither of the later two.
        assert committed == [1, 2, 3]
        assert seen == [before + 1] * 3
    assert await TimeEntry.all().count() == before + len(committed) + 1


async def test_no_measure_of_a_release_differs_from_another_by_an_entry_that_arrived_while_it_was_read(
    store, during_month, monkeypatch
):
    """The supervisor's subtraction: a region's minutes minus its minutes by activity, by complaint
    category, by evidence or by task. Were the readers to see different moments, the difference
    would be exactly the entries that arrived between them, the target's own. The target commits
    one from another process each time a reader starts; every breakdown of every region still adds
    up to its whole, and so do the reporters who logged."""
    settings = await planted(store)
    key = pseudonyms.reporter_key(SECRET, (await User.get(username="target")).id)
    original = snapshot.start_reader
    arrived = []

    async def start_while_the_target_logs(*args, **kwargs):
        reader = await original(*args, **kwargs)
        arrived.append(await commit_entry(store, key, f"late-{len(arrived)}"))
        return reader

    monkeypatch.setattr(snapshot, "start_reader", start_while_the_target_logs)
    facts = await release.read_month_facts(MONTH, dataclasses.replace(settings, release_readers=3), PUBLISHED)
    assert len(arrived) == 3
    for code, whole in facts.minutes.items():
        for breakdown in (facts.activities, facts.categories, facts.evidence, facts.tasks):
            assert sum(part.value for part in breakdown.get(code, {}).values()) == whole.value, code
    assert facts.minutes[township(3)].value  # the target's township logged: the check above had something to add


async def test_a_release_waits_for_a_commit_under_way_and_counts_it(store, during_month):
    """A cadre's batch being written when the publication starts is in the release or not, whole:
    on SQLite the readers wait for its commit, then all see it."""
    settings = await planted(store)
    if not store.startswith("sqlite://"):
        pytest.skip("PostgreSQL readers share an exported snapshot; no lock is taken")
    path = store.removeprefix("sqlite://")
    writer = sqlite3.connect(path, timeout=5, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(INSERT_ENTRY, ["batch", "b1", DAYS[2].isoformat(), "2026-04-01", "0" * 64])
    before = await TimeEntry.all().count()

    async def commit_soon() -> None:
        await asyncio.sleep(0.3)
        writer.execute("COMMIT")

    committing = asyncio.create_task(commit_soon())
    async with snapshot.shared_snapshot(settings.release_readers) as readers:
        seen = await entries_seen(readers)
    await committing
    writer.close()
    assert seen == [before + 1] * settings.release_readers


def test_the_number_of_readers_is_a_setting_within_the_pool():
    assert Settings.from_env({"JIANFU_SECRET": "s" * 32, "JIANFU_RELEASE_READERS": "3"}).release_readers == 3
    for wrong in ("0", "5"):
        with pytest.raises(ConfigError, match="JIANFU_RELEASE_READERS"):
            Settings.from_env({"JIANFU_SECRET": "s" * 32, "JIANFU_RELEASE_READERS": wrong})


async def test_readers_leave_a_pooled_connection_to_the_app(store, monkeypatch):
    """On PostgreSQL each reader holds a pooled connection for the whole read: as many readers as
    the pool holds would leave requests (and the readers' own start) waiting for ever."""
    if store.startswith("sqlite://"):
        pytest.skip("SQLite's readers are connections of their own, outside any pool")
    base = Tortoise.get_connection("default")
    monkeypatch.setattr(base, "pool_maxsize", 3)
    async with snapshot.shared_snapshot(4) as readers:
        assert len(readers) == 2
        await asyncio.wait_for(TimeEntry.all().count(), timeout=5)  # a request still gets a connection
    monkeypatch.setattr(base, "pool_maxsize", 1)
    async with snapshot.shared_snapshot(4) as readers:
        assert len(readers) == 1
