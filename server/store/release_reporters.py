"""`release_reporter`, the temporary table every rollup query places reporters through: reporter key,
home region, and whether the account is established for the month (DESIGN.md §2). Filled from the
accounts and the secret inside each reading transaction of a release (store/snapshot.py), it never
outlives that transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from server.db import day_param, placeholders
from server.domain import pseudonyms
from server.domain.periods import Period
from server.domain.vocab import LEVELS
from server.store.rollup import Window

# Each account with the deepest published region at or above its home: a village's township when
# townships are the deepest published level. Every read spreads a reporter over the published
# ancestors of the region it is placed in, and those are the same for the home and for this
# region; but the reads first group by that region, and the nation has 620,000 villages and
# 44,700 published regions (on the nation's month, one reader: the roster apps' read went from
# 39 to 13 s, the activities' from 24 to 14 s, all reads together from 125 to 79 s, for 5 s more
# here). An account with no published region above it counts nowhere, placed or not.
ACCOUNTS_BEFORE = """
WITH homes AS (
    SELECT DISTINCT region_id FROM app_user
    WHERE role = 'cadre' AND region_id IS NOT NULL AND created_on < $1
),
placed AS (
    SELECT ra.region_id, ra.ancestor_id,
           ROW_NUMBER() OVER (PARTITION BY ra.region_id ORDER BY {depth} DESC) AS deepest
    FROM region_ancestor ra JOIN homes h ON h.region_id = ra.region_id
    WHERE ra.level IN ({levels})
)
SELECT u.id, p.ancestor_id, CASE WHEN u.created_on < {month_first} THEN 1 ELSE 0 END AS old_enough
FROM app_user u JOIN placed p ON p.region_id = u.region_id AND p.deepest = 1
WHERE u.role = 'cadre' AND u.created_on < $1
"""
# (Parameters are numbered in the order they first appear: SQLite binds "$n" by appearance.)


async def reporter_rows(month: Period, cutoff: date, secret: str, levels: Sequence[str]) -> list[tuple[str, str, bool]]:
    """Every cadre account that could have sent data before the cutoff (accounts made before it
    are stable): its reporter key (through the secret, the only way from a person to their rows),
    the deepest published region at or above its home (`levels`: the published ones), and whether
    it existed before the month began. Plain rows, not model objects: the nation has 1.9M cadres."""
    client = Tortoise.get_connection("default")
    depth = "CASE ra.level " + " ".join(f"WHEN '{level}' THEN {i}" for i, level in enumerate(LEVELS)) + " END"
    query = ACCOUNTS_BEFORE.format(depth=depth, levels=placeholders(len(levels), 2), month_first=f"${len(levels) + 2}")
    rows = await client.execute_query(query, [day_param(client, cutoff), *levels, day_param(client, month.first)])
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
        # No primary key: the keys are distinct by construction (one per account), the reads join
        # them by hash, and keeping a b-tree of 1.9M keys took 13 of the 20 s of the nation's
        # INSERT, in every reader.
        await client.execute_query(f"CREATE TEMP TABLE release_reporter {UNKEYED} ON COMMIT DROP")
        await client.execute_query(f"CREATE TEMP TABLE release_reporter_in {INCOMING} ON COMMIT DROP")
        # COPY in, no parameter per row; who is established is known as the rows move across:
        # updating the rows afterwards made a new version of each, through temp buffers.
        async with client.acquire_connection() as connection:
            await connection.copy_records_to_table(
                "release_reporter_in", records=[(key, region, int(old)) for key, region, old in rows]
            )
        await client.execute_query(
            ADD_REPORTERS.format(established=ESTABLISHED.format(month="$1", cutoff="$2")), window.sums_params(client)
        )
        await client.execute_query("DROP TABLE release_reporter_in")
        # Autovacuum never analyzes a temporary table: without this the planner guesses its size.
        await client.execute_query("ANALYZE release_reporter")


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
INCOMING = "(reporter_key VARCHAR(64) NOT NULL, region_id VARCHAR(20) NOT NULL, old_enough INT NOT NULL)"
UNKEYED = INCOMING.removesuffix(")") + ", established INT NOT NULL)"
ADD_REPORTERS = """
INSERT INTO release_reporter (reporter_key, region_id, old_enough, established)
SELECT u.reporter_key, u.region_id, u.old_enough,
       CASE WHEN u.old_enough = 1 AND s.reporter_key IS NOT NULL THEN 1 ELSE 0 END
FROM release_reporter_in u
LEFT JOIN ({established}) s ON s.reporter_key = u.reporter_key
"""
