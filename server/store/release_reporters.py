"""`release_reporter`, the temporary table every rollup query places reporters through: reporter key,
home region, and whether the account is established for the month (DESIGN.md §2). Filled inside the
publication's transaction from the accounts and the secret; it never outlives the transaction."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.backends.base.client import BaseDBAsyncClient

from server.db import row_placeholders
from server.store.rollup import Window

MIN_ACTIVE_DAYS = 2  # DESIGN.md §2: an established reporter logged on at least 2 distinct days


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
