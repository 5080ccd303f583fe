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
from server.store.rollup import Window, levels_clause

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
    clause, values = levels_clause(levels, 4)
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
    clause, values = levels_clause(levels, 4)
    rows = await client.execute_query_dict(
        SOURCE_CELLS.format(source=SOURCES[kind], levels=clause), [*window.params(client), *values]
    )
    cells: dict[str, dict[Any, Part]] = {}
    for r in rows:
        cells.setdefault(r["code"], {})[r["source"]] = Part(int(r["minutes"]), int(r["established"] or 0))
    return cells
