"""What cadres said in a release's month, spread over every published ancestor: how quotas were met
(outcomes, fabricated means, yuan paid) and the apps on their rosters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.vocab import FABRICATION_MEANS
from server.store.rollup import Window, levels_clause

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
    clause, values = levels_clause(levels, 4)
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
    clause, values = levels_clause(levels, 4)
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
    clause, values = levels_clause(levels, 4)
    cells: dict[str, dict[int, dict[str, int]]] = {}
    for r in await client.execute_query_dict(ROSTER_APPS.format(levels=clause), [*window.params(client), *values]):
        cells.setdefault(r["code"], {})[int(r["app"])] = {
            "reporters": int(r["reporters"]),
            "saying_none": int(r["saying_none"]),
            "established": int(r["established"] or 0),
        }
    return cells
