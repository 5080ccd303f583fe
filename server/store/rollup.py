"""The release's reads of the store, in SQL: each query pre-aggregates a month's facts per reporter,
places each reporter through `release_reporter`, and spreads the totals over every published
ancestor through region_ancestor, so every level comes out of one GROUP BY (DHIS2's analytics
tables). The same SQL runs on SQLite and PostgreSQL.

Sensitive rows carry no region (DESIGN.md §2). `release_reporter` is a temporary table, filled
inside the publication's transaction from the accounts and the secret: reporter key, home region,
and whether the account is established for the month. It never outlives the transaction.

Here: the window a release reads and the level filter every query shares, and the accounts under
each region. `release_reporters` fills the reporter table; `entry_rollup` spreads the time
logged, `outcome_roster_rollup` what cadres said of quotas and apps, `quota_rollup` the quotas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.db import day_param, placeholders
from server.domain.periods import Period


@dataclass(frozen=True)
class Window:
    """What a month's release reads: the month's days, and only what was received before `cutoff`."""

    month: Period
    cutoff: date

    def __post_init__(self) -> None:
        # The entries' month sums (store/entry_months.py) keep the month's in-time entries in one
        # row: exact only for a cutoff after the month, as every publication day is.
        if self.cutoff <= self.month.last:
            raise ValueError(f"the cutoff of {self.month.key} falls after the month, not on {self.cutoff}")

    def params(self, client: BaseDBAsyncClient) -> list[Any]:
        return [day_param(client, self.month.first), day_param(client, self.month.last), day_param(client, self.cutoff)]

    def sums_params(self, client: BaseDBAsyncClient) -> list[Any]:
        """($1, $2) of the reads of the entries' month sums: the month's key and the cutoff."""
        return [self.month.key, day_param(client, self.cutoff)]


def levels_clause(levels: Sequence[str], start: int) -> tuple[str, list[str]]:
    """ " AND ra.level IN ($4, ...)": only cells of the published levels."""
    return f" AND ra.level IN ({placeholders(len(levels), start)})", list(levels)


ACCOUNTS = """
SELECT ra.ancestor_id AS code, COUNT(*) AS accounts
FROM release_reporter rr JOIN region_ancestor ra ON ra.region_id = rr.region_id
WHERE 1 = 1 {levels}
GROUP BY ra.ancestor_id
"""


async def accounts(client: BaseDBAsyncClient, levels: Sequence[str]) -> dict[str, int]:
    """Cadre accounts under each region: a region with none is a known zero."""
    clause, values = levels_clause(levels, 1)
    return {
        r["code"]: int(r["accounts"]) for r in await client.execute_query_dict(ACCOUNTS.format(levels=clause), values)
    }
