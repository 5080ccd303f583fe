"""The quotas running in a release's month, per region and every published ancestor: their median
coverage and the share that ranks or penalizes."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.backends.base.client import BaseDBAsyncClient

from server.db import day_param
from server.domain.periods import Period
from server.store.rollup import levels_clause

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
    clause, values = levels_clause(levels, 3)
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
