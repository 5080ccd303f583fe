"""`release_reporter`, the temporary table every rollup query places reporters through: reporter key,
home region, and whether the account is established for the month (DESIGN.md §2). Filled from the
accounts and the secret inside each reading transaction of a release (store/snapshot.py), it never
outlives that transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from server.db import day_param
from server.domain import pseudonyms
from server.domain.periods import Period
from server.store.rollup import Window

ACCOUNTS_BEFORE = """
SELECT id, region_id, CASE WHEN created_on < $1 THEN 1 ELSE 0 END AS old_enough
FROM app_user
WHERE role = 'cadre' AND region_id IS NOT NULL AND created_on < $2
"""


async def reporter_rows(month: Period, cutoff: date, secret: str) -> list[tuple[str, str, bool]]:
    """Every cadre account that could have sent data before the cutoff (accounts made before it
    are stable): its reporter key (through the secret, the only way from a person to their rows),
    home region, and whether it existed before the month began. Plain rows, not model objects:
    a province has a hundred thousand cadres."""
    client = Tortoise.get_connection("default")
    rows = await client.execute_query(ACCOUNTS_BEFORE, [day_param(client, month.first), day_param(client, cutoff)])
    return [(pseudonyms.reporter_key(secret, r[0]), r[1], bool(r[2])) for r in rows[1]]


async def prepare_reporters(client: BaseDBAsyncClient, rows: Sequence[tuple[str, str, bool]], window: Window) -> None:
    """Fill `release_reporter` with (reporter key, home region, account old enough), then mark as
    established those old enough who logged on at least two distinct days of the month (DESIGN.md §2)."""
    # Single statements only: sqlite3's executescript would commit the transaction under way.
    columns = (
        "(reporter_key VARCHAR(64) PRIMARY KEY, region_id VARCHAR(20) NOT NULL, old_enough INT NOT NULL, "
        "established INT NOT NULL DEFAULT 0)"
    )
    if client.capabilities.dialect == "sqlite":
        await client.execute_query("DROP TABLE IF EXISTS temp.release_reporter")
        await client.execute_query(f"CREATE TEMP TABLE release_reporter {columns}")
        # One statement prepared once (sqlite3's executemany inside the reader's transaction).
        await client.execute_many(
            "INSERT INTO release_reporter (reporter_key, region_id, old_enough) VALUES (?, ?, ?)",
            [[key, region, int(old)] for key, region, old in rows],
        )
        await client.execute_query(
            MARK_ESTABLISHED.format(established=ESTABLISHED.format(month="$1", cutoff="$2")), window.sums_params(client)
        )
    else:
        await client.execute_query(f"CREATE TEMP TABLE release_reporter {columns} ON COMMIT DROP")
        # Three arrays, one statement: no parameter per row (asyncpg allows 32,767 in all). Who is
        # established is known as the rows go in: updating 80,000 rows of a temporary table
        # afterwards took 0.8 s on PostgreSQL (a new version of each, through temp buffers).
        await client.execute_query(
            ADD_REPORTERS.format(established=ESTABLISHED.format(month="$4", cutoff="$5")),
            [
                [key for key, _, _ in rows],
                [region for _, region, _ in rows],
                [int(old) for _, _, old in rows],
                *window.sums_params(client),
            ],
        )


async def drop_reporters(client: BaseDBAsyncClient) -> None:
    if client.capabilities.dialect == "sqlite":
        await client.execute_query("DROP TABLE IF EXISTS temp.release_reporter")


# Two distinct days logged (DESIGN.md §2): the first and last day differ (store/entry_months.py
# keeps both per reporter; another number of days would need the month's distinct days kept).
ESTABLISHED = """
SELECT e.reporter_key FROM entry_month e
WHERE e.month = {month} AND e.received_by < {cutoff}
GROUP BY e.reporter_key HAVING MIN(e.first_date) < MAX(e.last_date)
"""
MARK_ESTABLISHED = (
    "UPDATE release_reporter SET established = 1 WHERE old_enough = 1 AND reporter_key IN ({established})"
)
ADD_REPORTERS = """
INSERT INTO release_reporter (reporter_key, region_id, old_enough, established)
SELECT u.reporter_key, u.region_id, u.old_enough,
       CASE WHEN u.old_enough = 1 AND s.reporter_key IS NOT NULL THEN 1 ELSE 0 END
FROM unnest($1::varchar[], $2::varchar[], $3::int[]) AS u (reporter_key, region_id, old_enough)
LEFT JOIN ({established}) s ON s.reporter_key = u.reporter_key
"""
