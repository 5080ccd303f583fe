"""Rollups in SQL: each query reads a period's facts once, pre-aggregates them per reporter and region,
and spreads them over every ancestor through region_ancestor, so every level comes out of one
GROUP BY (DHIS2's analytics tables). The same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from server.burden.anonymity import SourceCount
from server.db import day_param
from server.burden.periods import Period
from server.burden.vocab import FABRICATION_MEANS


@dataclass(frozen=True)
class Cell:
    """Person-derived totals of one region (with everything below it) in one period."""

    code: str
    level: str
    reporters: int
    minutes: float
    evidence_minutes: float
    median_minutes: float | None


def connection() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


def _in_list(codes: Sequence[str] | None, start: int, levels: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """"AND ra.ancestor_id IN ($3, ...) AND ra.level IN (...)": only these cells, or all cells of these levels."""
    clause, values = "", []
    if codes is not None:
        clause += " AND ra.ancestor_id IN (" + ", ".join(f"${i}" for i in range(start, start + len(codes))) + ")"
        values += list(codes)
    if levels is not None:
        first = start + len(values)
        clause += " AND ra.level IN (" + ", ".join(f"${i}" for i in range(first, first + len(levels))) + ")"
        values += list(levels)
    return clause, values


# Reporters who logged in one region only (nearly all) reach each ancestor once, so their rows need
# no regrouping per (ancestor, reporter); only movers do, which keeps the distinct count exact.
ENTRY_CELLS = """
WITH per AS (
    SELECT e.reporter_key, e.region_id, SUM(e.minutes) AS minutes,
           SUM(CASE WHEN e.activity IN ('evidence', 'duplicate_reporting') THEN e.minutes ELSE 0 END) AS evidence_minutes
    FROM time_entry e
    WHERE e.date >= $1 AND e.date <= $2
    GROUP BY e.reporter_key, e.region_id
), movers AS (
    SELECT reporter_key FROM per GROUP BY reporter_key HAVING COUNT(*) > 1
), cell AS (
    SELECT ra.ancestor_id AS code, ra.level AS level, per.minutes, per.evidence_minutes
    FROM per JOIN region_ancestor ra ON ra.region_id = per.region_id
    WHERE per.reporter_key NOT IN (SELECT reporter_key FROM movers) {restrict}
    UNION ALL
    SELECT ra.ancestor_id, ra.level, SUM(per.minutes), SUM(per.evidence_minutes)
    FROM per JOIN region_ancestor ra ON ra.region_id = per.region_id
    WHERE per.reporter_key IN (SELECT reporter_key FROM movers) {restrict}
    GROUP BY ra.ancestor_id, ra.level, per.reporter_key
), ranked AS (
    -- One window (one sort) serves the position, the count and the sums; only the middle rows go on.
    SELECT code, level, minutes,
           ROW_NUMBER() OVER whole AS position,
           COUNT(*) OVER whole AS reporters,
           SUM(minutes) OVER whole AS total_minutes,
           SUM(evidence_minutes) OVER whole AS total_evidence
    FROM cell
    WINDOW whole AS (PARTITION BY code ORDER BY minutes ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT code, level, MAX(reporters) AS reporters, MAX(total_minutes) AS minutes, MAX(total_evidence) AS evidence_minutes,
       AVG(minutes) AS median_minutes
FROM ranked
WHERE position IN ((reporters + 1) / 2, (reporters + 2) / 2)
GROUP BY code, level
"""


async def entry_cells(period: Period, codes: Sequence[str] | None = None, levels: Sequence[str] | None = None) -> dict[str, Cell]:
    """Reporters, minutes and the median reporter's minutes of each region (only `codes`, `levels` when given)."""
    client = connection()
    restrict, values = _in_list(codes, 3, levels)
    rows = await client.execute_query_dict(ENTRY_CELLS.format(restrict=restrict), [day_param(client, period.first), day_param(client, period.last), *values])
    return {
        r["code"]: Cell(r["code"], r["level"], int(r["reporters"]), float(r["minutes"]), float(r["evidence_minutes"]), float(r["median_minutes"]) if r["median_minutes"] is not None else None)
        for r in rows
    }


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
    WHERE t.period_start <= $2 AND t.period_end >= $1 {restrict}
), based AS (
    SELECT code, coverage,
           ROW_NUMBER() OVER whole AS position,
           COUNT(*) OVER whole AS quotas,
           SUM(ranked) OVER whole AS ranked
    FROM q WHERE coverage IS NOT NULL
    WINDOW whole AS (PARTITION BY code ORDER BY coverage ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT code, MAX(quotas) AS quotas, MAX(CAST(ranked AS DOUBLE PRECISION)) / MAX(quotas) AS ranking_share, AVG(coverage) AS quota_pressure
FROM based
WHERE position IN ((quotas + 1) / 2, (quotas + 2) / 2)
GROUP BY code
"""


async def quota_cells(period: Period, codes: Sequence[str] | None = None, levels: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """Median coverage (target / base) and the share that ranks or penalizes, of quotas running in the period."""
    client = connection()
    restrict, values = _in_list(codes, 3, levels)
    rows = await client.execute_query_dict(QUOTA_CELLS.format(restrict=restrict), [day_param(client, period.first), day_param(client, period.last), *values])
    return {r["code"]: {"quotas": int(r["quotas"]), "ranking_share": float(r["ranking_share"]), "quota_pressure": float(r["quota_pressure"])} for r in rows}


_FABRICATED = " OR ".join(f"o.means LIKE '%{means}%'" for means in sorted(FABRICATION_MEANS))
OUTCOME_CELLS = f"""
SELECT ra.ancestor_id AS code, COUNT(*) AS outcomes, COUNT(DISTINCT o.reporter_key) AS reporters,
       SUM(CASE WHEN {_FABRICATED} THEN 1 ELSE 0 END) AS fabricated,
       COUNT(DISTINCT CASE WHEN {_FABRICATED} THEN o.reporter_key END) AS reporters_fabricating,
       SUM(CASE WHEN o.means LIKE '%paid_service%' THEN CAST(COALESCE(o.cost_yuan, 0) AS DOUBLE PRECISION) ELSE 0 END) AS paid_yuan
FROM outcome o
JOIN quota qu ON qu.id = o.quota_id
JOIN task t ON t.id = qu.task_id
JOIN region_ancestor ra ON ra.region_id = qu.region_id
WHERE t.period_start <= $2 AND t.period_end >= $1 {{restrict}}
GROUP BY ra.ancestor_id
"""


async def outcome_cells(period: Period, codes: Sequence[str] | None = None, levels: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """How the period's quotas were met: outcomes, those met with fabricated means, yuan paid."""
    client = connection()
    restrict, values = _in_list(codes, 3, levels)
    rows = await client.execute_query_dict(OUTCOME_CELLS.format(restrict=restrict), [day_param(client, period.first), day_param(client, period.last), *values])
    keys = ("outcomes", "reporters", "fabricated", "reporters_fabricating")
    return {r["code"]: {**{k: int(r[k]) for k in keys}, "paid_yuan": float(r["paid_yuan"] or 0)} for r in rows}


ROSTER_CELLS = """
WITH per AS (
    SELECT reporter_key, region_id, COUNT(*) AS items FROM roster_item GROUP BY reporter_key, region_id
)
SELECT ra.ancestor_id AS code, COUNT(DISTINCT per.reporter_key) AS reporters, SUM(per.items) AS items
FROM per JOIN region_ancestor ra ON ra.region_id = per.region_id
WHERE 1 = 1 {restrict}
GROUP BY ra.ancestor_id
"""


async def roster_cells(codes: Sequence[str] | None = None, levels: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """Reporters with a roster and the apps they listed (rosters are current, not per period)."""
    client = connection()
    restrict, values = _in_list(codes, 1, levels)
    rows = await client.execute_query_dict(ROSTER_CELLS.format(restrict=restrict), values)
    return {r["code"]: {"reporters": int(r["reporters"]), "items": int(r["items"])} for r in rows}


SOURCE_CELLS = """
SELECT ra.ancestor_id AS code, e.{column} AS source, SUM(e.minutes) AS minutes, COUNT(DISTINCT e.reporter_key) AS reporters
FROM time_entry e JOIN region_ancestor ra ON ra.region_id = e.region_id
WHERE e.date >= $1 AND e.date <= $2 {{restrict}}
GROUP BY ra.ancestor_id, e.{column}
"""


async def _source_cells(column: str, period: Period, levels: Sequence[str]) -> dict[str, dict[Any, SourceCount]]:
    client = connection()
    restrict, values = _in_list(None, 3, levels)
    rows = await client.execute_query_dict(SOURCE_CELLS.format(column=column).format(restrict=restrict), [day_param(client, period.first), day_param(client, period.last), *values])
    cells: dict[str, dict[Any, SourceCount]] = {}
    for r in rows:
        cells.setdefault(r["code"], {})[r["source"]] = SourceCount(float(r["minutes"]), int(r["reporters"]))
    return cells


async def source_cells(period: Period, levels: Sequence[str]) -> dict[str, dict[int | None, SourceCount]]:
    """Per region, the minutes and reporters of each task (None: time logged under no task)."""
    return await _source_cells("task_id", period, levels)


async def activity_cells(period: Period, levels: Sequence[str]) -> dict[str, dict[str, SourceCount]]:
    """Per region, the minutes and reporters of each activity."""
    return await _source_cells("activity", period, levels)


REPORTERS_ON_DAYS = """
SELECT ra.ancestor_id AS code, COUNT(DISTINCT e.reporter_key) AS reporters
FROM time_entry e JOIN region_ancestor ra ON ra.region_id = e.region_id
WHERE ({days}) {restrict}
GROUP BY ra.ancestor_id
"""


async def reporters_on_days(ranges: Sequence[tuple[date, date]], codes: Sequence[str]) -> dict[str, int]:
    """Distinct reporters of each region (with its subtree) over the given day ranges."""
    client = connection()
    days = " OR ".join(f"(e.date >= ${2 * i + 1} AND e.date <= ${2 * i + 2})" for i in range(len(ranges)))
    bounds = [day_param(client, day) for pair in ranges for day in pair]
    restrict, values = _in_list(codes, len(bounds) + 1)
    rows = await client.execute_query_dict(REPORTERS_ON_DAYS.format(days=days, restrict=restrict), [*bounds, *values])
    return {r["code"]: int(r["reporters"]) for r in rows}


ROSTER_APPS = """
SELECT ra.ancestor_id AS code, ri.app_id AS app, COUNT(DISTINCT ri.reporter_key) AS reporters,
       COUNT(DISTINCT CASE WHEN ri.resident_use = 'none' THEN ri.reporter_key END) AS saying_none
FROM roster_item ri JOIN region_ancestor ra ON ra.region_id = ri.region_id
WHERE 1 = 1 {restrict}
GROUP BY ra.ancestor_id, ri.app_id
"""


async def roster_apps(codes: Sequence[str] | None = None, levels: Sequence[str] | None = None) -> dict[str, list[dict[str, int]]]:
    """Per region: each required app, how many reporters must use it, how many say residents never do."""
    client = connection()
    restrict, values = _in_list(codes, 1, levels)
    cells: dict[str, list[dict[str, int]]] = {}
    for r in await client.execute_query_dict(ROSTER_APPS.format(restrict=restrict), values):
        cells.setdefault(r["code"], []).append({"app": int(r["app"]), "reporters": int(r["reporters"]), "saying_none": int(r["saying_none"])})
    return cells
