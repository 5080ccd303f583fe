"""The time logged in a release's month, spread over every published ancestor: per region the
reporters, established ones, minutes and the median, and the minutes of each source (task,
activity, complaint category, evidence or not)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.indices import CATEGORY_OF_ACTIVITY, EVIDENCE_ACTIVITIES
from server.domain.measures import Part
from server.domain.vocab import ACTIVITIES
from server.store import entry_months
from server.store.rollup import Window, levels_clause

# One window (one sort) per cell serves the median's position, the count and the sums.
ENTRY_CELLS = """
WITH per AS (
    SELECT e.reporter_key, SUM(e.minutes) AS minutes
    FROM entry_month e
    WHERE e.month = $1 AND e.received_by < $2
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
    clause, values = levels_clause(levels, 3)
    rows = await client.execute_query_dict(ENTRY_CELLS.format(levels=clause), [*window.sums_params(client), *values])
    return {
        r["code"]: EntryCell(
            int(r["reporters"]), int(r["established"] or 0), int(r["minutes"]), float(r["median_minutes"])
        )
        for r in rows
    }


# Tasks: sums first per reporter and task (to count each reporter once per task), then per home
# region, and only then over the ancestors: the counts and minutes of reporters add up across home
# regions, so the spread over every published level joins a few thousand rows per task instead of
# one per reporter and task.
TASK_CELLS = """
WITH per AS (
    SELECT e.reporter_key, NULLIF(e.task_id, 0) AS source, SUM(e.minutes) AS minutes
    FROM entry_month_task e
    WHERE e.month = $1 AND e.received_by < $2
    GROUP BY e.reporter_key, e.task_id
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


async def task_cells(client: BaseDBAsyncClient, window: Window, levels: Sequence[str]) -> dict[str, dict[Any, Part]]:
    """Per region, the minutes of each task (None: under no task)."""
    clause, values = levels_clause(levels, 3)
    rows = await client.execute_query_dict(TASK_CELLS.format(levels=clause), [*window.sums_params(client), *values])
    cells: dict[str, dict[Any, Part]] = {}
    for r in rows:
        cells.setdefault(r["code"], {})[r["source"]] = Part(int(r["minutes"]), int(r["established"] or 0))
    return cells


def _activity_sources() -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, source, the activities whose time it sums): each activity, each complaint category,
    and evidence against the rest."""
    kinds: dict[str, dict[str, list[str]]] = {"activity": {}, "category": {}, "evidence": {}}
    for activity in ACTIVITIES:
        kinds["activity"][activity] = [activity]
        kinds["category"].setdefault(CATEGORY_OF_ACTIVITY.get(activity, "other"), []).append(activity)
        kinds["evidence"].setdefault("evidence" if activity in EVIDENCE_ACTIVITIES else "rest", []).append(activity)
    return [(kind, source, tuple(acts)) for kind, sources in kinds.items() for source, acts in sorted(sources.items())]


ACTIVITY_SOURCES = _activity_sources()


def _activity_cells_sql() -> str:
    """One pass over the month's row per reporter (its time per activity in columns) gives every
    activity, category and evidence cell. Per reporter and source: the minutes, and whether the
    reporter logged any entry of it (then counted once, as established or not); per home region
    the sums; then over the ancestors."""
    # A reporter's month fits an INT (a day holds at most 24 hours): kept INT, the home regions'
    # sums of it are BIGINT, not the NUMERIC that PostgreSQL's SUM of BIGINT makes.
    per = ", ".join(
        f"CAST(SUM(e.{m}) AS INT) AS {m}, CAST(SUM(e.{n}) AS INT) AS {n}"
        for m, n in (entry_months.ACTIVITY_COLUMNS[a] for a in ACTIVITIES)
    )
    home, spread = [], []
    for i, (_kind, _source, acts) in enumerate(ACTIVITY_SOURCES):
        minutes = " + ".join(f"per.{entry_months.ACTIVITY_COLUMNS[a][0]}" for a in acts)
        logged = " + ".join(f"per.{entry_months.ACTIVITY_COLUMNS[a][1]}" for a in acts)
        home += [
            f"SUM({minutes}) AS m{i}",
            f"SUM(CASE WHEN {logged} > 0 THEN rr.established ELSE 0 END) AS e{i}",
            f"SUM(CASE WHEN {logged} > 0 THEN 1 ELSE 0 END) AS r{i}",
        ]
        spread += [f"SUM(home.{c}{i}) AS {c}{i}" for c in "mer"]
    return f"""
WITH per AS (
    SELECT e.reporter_key, {per}
    FROM entry_month e
    WHERE e.month = $1 AND e.received_by < $2
    GROUP BY e.reporter_key
), home AS (
    SELECT rr.region_id, {", ".join(home)}
    FROM per JOIN release_reporter rr ON rr.reporter_key = per.reporter_key
    GROUP BY rr.region_id
)
SELECT ra.ancestor_id AS code, {", ".join(spread)}
FROM home JOIN region_ancestor ra ON ra.region_id = home.region_id
WHERE 1 = 1 {{levels}}
GROUP BY ra.ancestor_id
"""


ACTIVITY_CELLS = _activity_cells_sql()


async def activity_cells(
    client: BaseDBAsyncClient, window: Window, levels: Sequence[str]
) -> dict[str, dict[str, dict[Any, Part]]]:
    """Per kind (activity, category, evidence), per region, the minutes of each source with someone
    behind it."""
    clause, values = levels_clause(levels, 3)
    rows = await client.execute_query_dict(ACTIVITY_CELLS.format(levels=clause), [*window.sums_params(client), *values])
    cells: dict[str, dict[str, dict[Any, Part]]] = {kind: {} for kind, _, _ in ACTIVITY_SOURCES}
    for r in rows:
        for i, (kind, source, _acts) in enumerate(ACTIVITY_SOURCES):
            if int(r[f"r{i}"] or 0) > 0:
                cells[kind].setdefault(r["code"], {})[source] = Part(int(r[f"m{i}"]), int(r[f"e{i}"] or 0))
    return cells
