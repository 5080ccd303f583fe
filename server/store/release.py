"""A month's release (DESIGN.md §2): computed once, at the month's publication, from what the store
had received before that day; stored with the settings it was made under; read, never recomputed.

`compute_month` reads the store and runs the disclosure pass; `store_month` writes the cells and
flags; `published_month` and `month_flags` are what readers use. A release is immutable: later
entries, moved regions, another JIANFU_K and restarts change nothing in it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server.config import Settings
from server.domain.anonymity import published_level
from server.domain.measures import MonthFacts, Part, PlacedRegion
from server.domain.periods import Period, parse_period
from server.domain.quota_rules import Flag
from server.domain.vocab import LEVELS
from server.models import Region, Release, ReleaseCell, ReleaseFlag
from server.store import entry_rollup, outcome_roster_rollup, quota_rollup, release_reporters, rollup, snapshot


def published_levels(min_level: str) -> list[str]:
    return [level for level in LEVELS if published_level(level, min_level)]


async def placed_regions(min_level: str) -> list[PlacedRegion]:
    """The published part of the tree as it stands now (the release keeps it as it stood)."""
    rows = (
        await Region.filter(level__in=published_levels(min_level))
        .order_by("path")
        .values("code", "parent_id", "level", "path")
    )
    return [PlacedRegion(r["code"], r["parent_id"], r["level"], r["path"]) for r in rows]


async def published_names(min_level: str) -> dict[str, dict[str, str]]:
    """Code -> {"name", "name_hant"} of the published regions, read by level: the nation publishes
    44,700 regions, and a parameter apiece is past PostgreSQL's 32,767 a query."""
    rows = await Region.filter(level__in=published_levels(min_level)).values("code", "name", "name_hant")
    return {r["code"]: r for r in rows}


# The reads of a release, longest first (seconds on Guangdong's month, 1M entries, PostgreSQL):
# each reader takes the next one left, so the longest start first and the short ones fill the gaps.
READS = ("task", "activities", "quotas", "entries", "apps", "outcomes", "rosters", "accounts")


async def read_month_facts(
    month: Period, settings: Settings, cutoff: date, regions: list[PlacedRegion] | None = None
) -> MonthFacts:
    """Everything the store received about the month before `cutoff`, per published region (the
    `placed_regions` given, or read now), read by `settings.release_readers` connections that share
    one snapshot of the store."""
    levels = published_levels(settings.min_level)
    window = rollup.Window(month, cutoff)
    regions = regions if regions is not None else await placed_regions(settings.min_level)
    reporters = await release_reporters.reporter_rows(month, cutoff, settings.secret, levels)
    reads: dict[str, Callable[[BaseDBAsyncClient], Awaitable[Any]]] = {
        "accounts": lambda client: rollup.accounts(client, levels),
        "entries": lambda client: entry_rollup.entry_cells(client, window, levels),
        "task": lambda client: entry_rollup.task_cells(client, window, levels),
        "activities": lambda client: entry_rollup.activity_cells(client, window, levels),
        "outcomes": lambda client: outcome_roster_rollup.outcome_cells(client, window, levels),
        "rosters": lambda client: outcome_roster_rollup.roster_cells(client, window, levels),
        "apps": lambda client: outcome_roster_rollup.roster_apps(client, window, levels),
        "quotas": lambda client: quota_rollup.quota_cells(client, month, levels),
    }
    left = list(READS)
    found: dict[str, Any] = {}

    async def read_with(client: BaseDBAsyncClient) -> None:
        await release_reporters.prepare_reporters(client, reporters, window)
        while left:
            name = left.pop(0)
            found[name] = await reads[name](client)
        await release_reporters.drop_reporters(client)

    async with snapshot.shared_snapshot(settings.release_readers) as clients, asyncio.TaskGroup() as group:
        for client in clients:  # a reader that fails stops the others before their transactions end
            group.create_task(read_with(client))
    entries = found["entries"]
    return MonthFacts(
        regions=regions,
        accounts=found["accounts"],
        reporters={code: Part(e.reporters, e.established) for code, e in entries.items()},
        minutes={code: Part(e.minutes, e.established) for code, e in entries.items()},
        median_minutes={code: e.median_minutes for code, e in entries.items()},
        tasks=found["task"],
        activities=found["activities"]["activity"],
        categories=found["activities"]["category"],
        evidence=found["activities"]["evidence"],
        outcomes=found["outcomes"],
        rosters=found["rosters"],
        apps=found["apps"],
        quotas=found["quotas"],
    )


def release_settings(settings: Settings) -> dict[str, Any]:
    """What a release records of the settings it was made under (shown on /method)."""
    return {
        "k": settings.k,
        "min_level": settings.min_level,
        "wage": settings.wage,
        "publish_days": settings.publish_days,
        "rules": settings.rules.as_json(),
    }


async def store_month(
    month: Period,
    facts: MonthFacts,
    figures: dict[str, dict[str, Any]],
    flags: dict[str, list[tuple[str, Flag]]],
    settings: Settings,
    published_on: date,
) -> None:
    """Write the cells and flags and mark the release published, all at once."""
    cells = [
        ReleaseCell(month=month.key, code=r.code, parent=r.parent, level=r.level, path=r.path, figures=figures[r.code])
        for r in facts.regions
    ]
    # Tens of thousands of flags: rows of values, not model objects, and each flag's JSON made once
    # however many places it is filed under (a task's flag sits under every place it reaches).
    as_stored = ReleaseFlag._meta.fields_map["flag"].to_db_value  # noqa: SLF001 -- the field's own JSON encoding
    encoded: dict[int, str] = {}
    rows = []
    for tag, found in flags.items():
        for i, (path, flag) in enumerate(found):
            if id(flag) not in encoded:
                encoded[id(flag)] = as_stored(flag.as_json(), None)
            rows.append([month.key, tag, path, i, encoded[id(flag)]])
    async with in_transaction() as client:
        await ReleaseCell.bulk_create(cells, batch_size=1000)
        if rows:
            await client.execute_many(INSERT_FLAG[client.capabilities.dialect], rows)
        await Release.filter(month=month.key).update(
            status="published", lease_until=None, published_on=published_on, settings=release_settings(settings)
        )


# By dialect: sqlite3 binds a sequence to `?` (to `$n` only with a deprecation), asyncpg to `$n`.
INSERT_FLAG = {
    dialect: f"INSERT INTO release_flag (month, locale, path, position, flag) VALUES ({marks})"
    for dialect, marks in (("postgres", "$1, $2, $3, $4, $5"), ("sqlite", "?, ?, ?, ?, ?"))
}


@dataclass
class PublishedMonth:
    """A stored release as readers see it."""

    month: Period
    published_on: date
    settings: dict[str, Any]
    regions: dict[str, dict[str, Any]]
    figures: dict[str, dict[str, Any]]

    def shown(self, code: str) -> bool:
        return self.figures.get(code, {}).get("reporters") is not None

    def children(self, code: str) -> list[str]:
        return sorted(c for c, r in self.regions.items() if r["parent"] == code)


_months: dict[str, PublishedMonth] = {}
MONTHS_KEPT = 64


async def published_month(month: Period) -> PublishedMonth | None:
    """The stored release of the month, or None before its publication. Releases never change, so
    each process keeps the ones it read."""
    if month.key in _months:
        return _months[month.key]
    release = await Release.get_or_none(month=month.key, status="published")
    if release is None:
        return None
    cells = await ReleaseCell.filter(month=month.key).values("code", "parent", "level", "path", "figures")
    found = PublishedMonth(
        month,
        release.published_on,
        release.settings,
        {c["code"]: {"parent": c["parent"], "level": c["level"], "path": c["path"]} for c in cells},
        {c["code"]: c["figures"] for c in cells},
    )
    if len(_months) >= MONTHS_KEPT:
        _months.pop(next(iter(_months)))
    _months[month.key] = found
    return found


def forget_months() -> None:
    """Tests clear the store under a running process."""
    _months.clear()


async def published_keys() -> list[str]:
    """The months published so far, oldest first."""
    return sorted(await Release.filter(status="published").values_list("month", flat=True))


async def month_flags(month: Period, path: str, locale: str) -> list[tuple[str, Flag]]:
    """The release's flags at or under the region with this path, in one language, as stored."""
    rows = (
        await ReleaseFlag.filter(month=month.key, locale=locale, path__startswith=path)
        .order_by("position")
        .values("path", "flag")
    )
    return [(r["path"], Flag(**r["flag"])) for r in rows]


def months_of(keys: Iterable[str]) -> list[Period]:
    return [parse_period(key) for key in keys]


async def drop_unfinished(month: Period) -> None:
    """A process that died while computing leaves rows of its own: the next one starts clean."""
    await ReleaseCell.filter(month=month.key).delete()
    await ReleaseFlag.filter(month=month.key).delete()
