"""The release's reads of the store, in SQL: each query pre-aggregates a month's facts per reporter,
places each reporter through `release_reporter`, and spreads the totals over every published
ancestor through region_ancestor, so every level comes out of one GROUP BY (DHIS2's analytics
tables). The same SQL runs on SQLite and PostgreSQL.

Sensitive rows carry no region (DESIGN.md §2). `release_reporter` is a temporary table, filled
inside the publication's transaction from the accounts and the secret: reporter key, home region,
and whether the account is established for the month. It never outlives the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.db import day_param, placeholders, row_placeholders
from server.domain.indices import CATEGORY_OF_ACTIVITY, EVIDENCE_ACTIVITIES
from server.domain.measures import Part
from server.domain.periods import Period
from server.domain.vocab import ACTIVITIES, FABRICATION_MEANS

MIN_ACTIVE_DAYS = 2  # DESIGN.md §2: an established reporter logged on at least 2 distinct days


@dataclass(frozen=True)
class Window:
    """What a month's release reads: the month's days, and only what was received before `cutoff`."""

    month: Period
    cutoff: date

    def params(self, client: BaseDBAsyncClient) -> list[Any]:
        return [day_param(client, self.month.first), day_param(client, self.month.last), day_param(client, self.cutoff)]


def _levels(levels: Sequence[str], start: int) -> tuple[str, list[str]]:
    """ " AND ra.level IN ($4, ...)": only cells of the published levels."""
    return f" AND ra.level IN ({placeholders(len(levels), start)})", list(levels)


async def prepare_reporters(client: BaseDBAsyncClient, rows: Iterable[tuple[str, str, bool]], window: Window) -> None:
    """Fill `release_reporter` with (reporter key, home region, account old enough), then mark as
    established those old enough who logged on MIN_ACTIVE_DAYS distinct days of the month."""
    # Single statements only: sqlite3's executescript would commit the transaction under way.
    columns = (
        "(reporter_key VARCHAR(64) PRIMARY KEY, region_id VARCHAR(20) NOT NULL, old_enough INT NOT NULL, "
        "established INT NOT NULL DEFAULT 0)"
    )
    if client.capabilities.dialect == "sqlite":
        await client.execute_query("DROP TABLE IF EXISTS temp.release_reporter")
        await client.execute_query(f"CREATE TEMP TABLE release_reporter {columns}")
    else:
        # Every read of the release sees one snapshot, whatever cadres send meanwhile.
        await client.execute_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        await client.execute_query(f"CREATE TEMP TABLE release_reporter {columns} ON COMMIT DROP")
    batch: list[tuple[str, str, bool]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 500:
            await _insert_reporters(client, batch)
            batch = []
    if batch:
        await _insert_reporters(client, batch)
    await client.execute_query(MARK_ESTABLISHED, window.params(client))


async def _insert_reporters(client: BaseDBAsyncClient, rows: list[tuple[str, str, bool]]) -> None:
    values = row_placeholders(len(rows), 3)
    await client.execute_query(
        f"INSERT INTO release_reporter (reporter_key, region_id, old_enough) VALUES {values}",
        [v for key, region, old in rows for v in (key, region, int(old))],
    )


async def drop_reporters(client: BaseDBAsyncClient) -> None:
    if client.capabilities.dialect == "sqlite":
        await client.execute_query("DROP TABLE IF EXISTS temp.release_reporter")


MARK_ESTABLISHED = f"""
UPDATE release_reporter SET established = 1
WHERE old_enough = 1 AND reporter_key IN (
    SELECT e.reporter_key FROM time_entry e
    WHERE e.date >= $1 AND e.date <= $2 AND e.received_on < $3
    GROUP BY e.reporter_key HAVING COUNT(DISTINCT e.date) >= {MIN_ACTIVE_DAYS}
)
"""


ACCOUNTS = """
SELECT ra.ancestor_id AS code, COUNT(*) AS accounts
FROM release_reporter rr JOIN region_ancestor ra ON ra.region_id = rr.region_id
WHERE 1 = 1 {levels}
GROUP BY ra.ancestor_id
"""


async def accounts(client: BaseDBAsyncClient, levels: Sequence[str]) -> dict[str, int]:
    """Cadre accounts under each region: a region with none is a known zero."""
    clause, values = _levels(levels, 1)
    return {
        r["code"]: int(r["accounts"]) for r in await client.execute_query_dict(ACCOUNTS.format(levels=clause), values)
    }


# One window (one sort) per cell serves the median's position, the count and the sums.
ENTRY_CELLS = """
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


@dataclass(frozen=True)
class EntryCell:
    """Everything logged under one region in the month."""

    reporters: int
    established: int
    minutes: int
    median_minutes: float


async def entry_cells(client: BaseDBAsyncClient, window: Window, levels: Sequence[str]) -> dict[str, EntryCell]:
    clause, values = _levels(levels, 4)
    rows = await client.execute_query_dict(ENTRY_CELLS.format(levels=clause), [*window.params(client), *values])
    return {
        r["code"]: EntryCell(
            int(r["reporters"]), int(r["established"] or 0), int(r["minutes"]), float(r["median_minutes"])
        )
        for r in rows
    }


# Sums first per reporter (to count each reporter once per source), then per home region, and only
# then over the ancestors: the counts and minutes of reporters add up across home regions, so the
# spread over every published level joins a few thousand rows per source instead of one per
# reporter and source (twice as fast on a province's month).
SOURCE_CELLS = """
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


def _case(mapping: dict[str, str]) -> str:
    return (
        "CASE e.activity "
        + " ".join(f"WHEN '{activity}' THEN '{group}'" for activity, group in sorted(mapping.items()))
        + " ELSE 'other' END"
    )


# What each kind of source groups time entries by. Grouping in SQL keeps each group's count of
# distinct reporters exact (a reporter with time in two activities of one category counts once).
SOURCES = {
    "task": "e.task_id",
    "activity": "e.activity",
    "category": _case(CATEGORY_OF_ACTIVITY),
    "evidence": _case(
        {activity: ("evidence" if activity in EVIDENCE_ACTIVITIES else "rest") for activity in ACTIVITIES}
    ),
}


async def source_cells(
    client: BaseDBAsyncClient, kind: str, window: Window, levels: Sequence[str]
) -> dict[str, dict[Any, Part]]:
    """Per region, the minutes of each source of one kind: tasks (None: under no task), activities,
    complaint categories, or evidence against the rest."""
    clause, values = _levels(levels, 4)
    rows = await client.execute_query_dict(
        SOURCE_CELLS.format(source=SOURCES[kind], levels=clause), [*window.params(client), *values]
    )
    cells: dict[str, dict[Any, Part]] = {}
    for r in rows:
        cells.setdefault(r["code"], {})[r["source"]] = Part(int(r["minutes"]), int(r["established"] or 0))
    return cells


_FABRICATED = " OR ".join(f"o.means LIKE '%{means}%'" for means in sorted(FABRICATION_MEANS))
OUTCOME_CELLS = f"""
WITH per AS (
    SELECT o.reporter_key, COUNT(*) AS outcomes,
           SUM(CASE WHEN {_FABRICATED} THEN 1 ELSE 0 END) AS fabricated,
           SUM(CASE WHEN o.means LIKE '%paid_service%' THEN CAST(COALESCE(o.cost_yuan, 0) AS DOUBLE PRECISION)
                    ELSE 0 END) AS paid_yuan
    FROM outcome o
    WHERE o.reported_on >= $1 AND o.reported_on <= $2 AND o.reported_on < $3
    GROUP BY o.reporter_key
)
SELECT ra.ancestor_id AS code, SUM(per.outcomes) AS outcomes, SUM(per.fabricated) AS fabricated,
       SUM(per.paid_yuan) AS paid_yuan,
       SUM(rr.established) AS established,
       SUM(CASE WHEN per.fabricated > 0 THEN rr.established ELSE 0 END) AS saying_yes,
       SUM(CASE WHEN per.fabricated = 0 THEN rr.established ELSE 0 END) AS saying_no
FROM per
JOIN release_reporter rr ON rr.reporter_key = per.reporter_key
JOIN region_ancestor ra ON ra.region_id = rr.region_id
WHERE 1 = 1 {{levels}}
GROUP BY ra.ancestor_id
"""


async def outcome_cells(client: BaseDBAsyncClient, window: Window, levels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """How quotas were met, as said in the month: outcomes, those met with fabricated means, yuan
    paid, and the established reporters behind them (all, saying yes, saying no)."""
    clause, values = _levels(levels, 4)
    rows = await client.execute_query_dict(OUTCOME_CELLS.format(levels=clause), [*window.params(client), *values])
    counts = ("outcomes", "fabricated", "established", "saying_yes", "saying_no")
    return {
        r["code"]: {**{k: int(r[k] or 0) for k in counts}, "paid_yuan": round(float(r["paid_yuan"] or 0), 2)}
        for r in rows
    }


ROSTER_CELLS = """
WITH per AS (
    SELECT reporter_key, COUNT(*) AS items FROM roster_item
    WHERE received_on >= $1 AND received_on <= $2 AND received_on < $3
    GROUP BY reporter_key
), home AS (
    SELECT rr.region_id, COUNT(*) AS reporters, SUM(per.items) AS items, SUM(rr.established) AS established
    FROM per JOIN release_reporter rr ON rr.reporter_key = per.reporter_key
    GROUP BY rr.region_id
)
SELECT ra.ancestor_id AS code, SUM(home.reporters) AS reporters, SUM(home.items) AS items,
       SUM(home.established) AS established
FROM home JOIN region_ancestor ra ON ra.region_id = home.region_id
WHERE 1 = 1 {levels}
GROUP BY ra.ancestor_id
"""


async def roster_cells(client: BaseDBAsyncClient, window: Window, levels: Sequence[str]) -> dict[str, dict[str, int]]:
    """Reporters who confirmed their roster in the month, and the apps they listed."""
    clause, values = _levels(levels, 4)
    rows = await client.execute_query_dict(ROSTER_CELLS.format(levels=clause), [*window.params(client), *values])
    return {
        r["code"]: {
            "reporters": int(r["reporters"]),
            "items": int(r["items"]),
            "established": int(r["established"] or 0),
        }
        for r in rows
    }


ROSTER_APPS = """
WITH home AS (
    SELECT rr.region_id, ri.app_id, COUNT(*) AS reporters,
           SUM(CASE WHEN ri.resident_use = 'none' THEN 1 ELSE 0 END) AS saying_none,
           SUM(rr.established) AS established
    FROM roster_item ri
    JOIN release_reporter rr ON rr.reporter_key = ri.reporter_key
    WHERE ri.received_on >= $1 AND ri.received_on <= $2 AND ri.received_on < $3
    GROUP BY rr.region_id, ri.app_id
)
SELECT ra.ancestor_id AS code, home.app_id AS app, SUM(home.reporters) AS reporters,
       SUM(home.saying_none) AS saying_none,
       SUM(home.established) AS established
FROM home JOIN region_ancestor ra ON ra.region_id = home.region_id
WHERE 1 = 1 {levels}
GROUP BY ra.ancestor_id, home.app_id
"""


async def roster_apps(
    client: BaseDBAsyncClient, window: Window, levels: Sequence[str]
) -> dict[str, dict[int, dict[str, int]]]:
    """Per region and app: reporters who must use it, those saying residents never do, established ones."""
    clause, values = _levels(levels, 4)
    cells: dict[str, dict[int, dict[str, int]]] = {}
    for r in await client.execute_query_dict(ROSTER_APPS.format(levels=clause), [*window.params(client), *values]):
        cells.setdefault(r["code"], {})[int(r["app"])] = {
            "reporters": int(r["reporters"]),
            "saying_none": int(r["saying_none"]),
            "established": int(r["established"] or 0),
        }
    return cells


QUOTA_CELLS = """
WITH q AS (
    SELECT ra.ancestor_id AS code,
           CAST(qu.target AS DOUBLE PRECISION) / NULLIF(CASE qu.base
               WHEN 'population' THEN r.population WHEN 'households' THEN r.households
               WHEN 'accounts' THEN qu.base_count WHEN 'eligible' THEN qu.eligible END, 0) AS coverage,
           CASE WHEN t.ranking <> 'none' OR t.penalty <> 'none' THEN 1 ELSE 0 END AS ranked
    FROM quota qu
    JOIN task t ON t.id = qu.task_id
    JOIN region r ON r.code = qu.region_id
    JOIN region_ancestor ra ON ra.region_id = qu.region_id
    WHERE t.period_start <= $2 AND t.period_end >= $1 {levels}
), based AS (
    SELECT code, coverage,
           ROW_NUMBER() OVER whole AS position,
           COUNT(*) OVER whole AS quotas,
           SUM(ranked) OVER whole AS ranked
    FROM q WHERE coverage IS NOT NULL
    WINDOW whole AS (PARTITION BY code ORDER BY coverage ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT code, MAX(quotas) AS quotas, MAX(CAST(ranked AS DOUBLE PRECISION)) / MAX(quotas) AS ranking_share,
       AVG(coverage) AS quota_pressure
FROM based
WHERE position IN ((quotas + 1) / 2, (quotas + 2) / 2)
GROUP BY code
"""


async def quota_cells(client: BaseDBAsyncClient, month: Period, levels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Median coverage (target / base) and the share that ranks or penalizes, of quotas running in
    the month. Quotas are demands on places, not person data: no k rule applies."""
    clause, values = _levels(levels, 3)
    rows = await client.execute_query_dict(
        QUOTA_CELLS.format(levels=clause), [day_param(client, month.first), day_param(client, month.last), *values]
    )
    return {
        r["code"]: {
            "quotas": int(r["quotas"]),
            "ranking_share": float(r["ranking_share"]),
            "quota_pressure": float(r["quota_pressure"]),
        }
        for r in rows
    }
