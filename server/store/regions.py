"""The SQL of a region import (server.services.region_import), in one place. A set of codes travels as one
parameter (a PostgreSQL array, a JSON list on SQLite), never a parameter per row: a national
import names 665,276 regions and PostgreSQL takes at most 32,767 parameters a query."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

REGION_COLUMNS = ("code", "parent_id", "level", "name", "name_hant", "population", "households", "path")
# SQLite binds at most 32,766 values a statement: 4,000 regions of 8 columns.
INSERT_ROWS = 4000

KNOWN = "SELECT code, path, parent_id, level, name, name_hant, population, households FROM region WHERE code {codes}"
UPDATE = (
    "UPDATE region SET parent_id = $1, level = $2, name = $3, name_hant = $4, population = $5, households = $6, "
    "path = $7 WHERE code = $8"
)
DELETE_CLOSURE = "DELETE FROM region_ancestor WHERE region_id {codes}"
# The closure rows of regions whose parents' rows are written (server.services.region_import goes a level
# at a time from the top: a parent's level is always above its child's): the region paired with
# itself, and with each of its parent's ancestors.
CLOSURE = """
INSERT INTO region_ancestor (region_id, ancestor_id, level)
SELECT r.code, r.code, r.level FROM region r WHERE r.code {codes}
UNION ALL
SELECT r.code, a.ancestor_id, a.level FROM region r JOIN region_ancestor a ON a.region_id = r.parent_id
WHERE r.code {codes}
"""
# The regions below a path (the path itself excluded), and their paths re-rooted under another.
BELOW = "SELECT code, level FROM region WHERE path LIKE $1 AND path <> $2"
REROOT = "UPDATE region SET path = $1 || substr(path, $2) WHERE path LIKE $3 AND path <> $4"


def default_client() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


def _postgres(client: BaseDBAsyncClient) -> bool:
    return client.capabilities.dialect == "postgres"


def _in_codes(client: BaseDBAsyncClient, sql: str) -> str:
    """`sql` with its `{codes}` as "is one of the codes given as $1"."""
    return sql.format(codes="= ANY($1::varchar[])" if _postgres(client) else "IN (SELECT value FROM json_each($1))")


def _codes(client: BaseDBAsyncClient, codes: list[str]) -> Any:
    return codes if _postgres(client) else json.dumps(codes)


async def known_regions(client: BaseDBAsyncClient, codes: list[str]) -> list[tuple]:
    """(code, path, parent, level, name, name_hant, population, households) of the stored regions
    among `codes`."""
    _count, rows = await client.execute_query(_in_codes(client, KNOWN), [_codes(client, codes)])
    return [tuple(row) for row in rows]


async def insert_regions(client: BaseDBAsyncClient, rows: list[tuple]) -> None:
    """New regions as REGION_COLUMNS tuples, parents first: COPY on PostgreSQL, multi-row INSERTs on SQLite."""
    if not rows:
        return
    if _postgres(client):
        async with client.acquire_connection() as connection:
            await connection.copy_records_to_table("region", records=rows, columns=list(REGION_COLUMNS))
        return
    # "?", not "$n": SQLite looks each named parameter up among those before it, which for the
    # 32,000 of a full statement took seconds a statement.
    one = "(" + ", ".join("?" * len(REGION_COLUMNS)) + ")"
    for start in range(0, len(rows), INSERT_ROWS):
        part = rows[start : start + INSERT_ROWS]
        sql = f"INSERT INTO region ({', '.join(REGION_COLUMNS)}) VALUES {', '.join([one] * len(part))}"
        await client.execute_query(sql, [value for row in part for value in row])


async def update_regions(client: BaseDBAsyncClient, rows: Iterable[tuple]) -> None:
    """Stored regions rewritten, as (parent, level, name, name_hant, population, households, path, code)."""
    rows = list(rows)
    if rows:
        await client.execute_many(UPDATE, rows)


async def delete_closure(client: BaseDBAsyncClient, codes: list[str]) -> None:
    if codes:
        await client.execute_query(_in_codes(client, DELETE_CLOSURE), [_codes(client, codes)])


async def insert_closure(client: BaseDBAsyncClient, codes: list[str]) -> None:
    """The closure rows of `codes`, whose parents' rows are all written."""
    await client.execute_query(_in_codes(client, CLOSURE), [_codes(client, codes)])


async def path_of(client: BaseDBAsyncClient, code: str) -> str:
    _count, rows = await client.execute_query("SELECT path FROM region WHERE code = $1", [code])
    return rows[0][0]


async def move_subtree(client: BaseDBAsyncClient, old_path: str, new_path: str) -> dict[str, str]:
    """Re-root the paths below a moved (or re-levelled) region; answers the regions below it
    ({code: level}), whose closure rows change with it. (Paths are digits and slashes: no LIKE
    wildcard in them.)"""
    _count, below = await client.execute_query(BELOW, [old_path + "%", old_path])
    if below and old_path != new_path:
        await client.execute_query(REROOT, [new_path, len(old_path) + 1, old_path + "%", old_path])
    return {row[0]: row[1] for row in below}


async def analyze(client: BaseDBAsyncClient) -> None:
    """Fresh statistics on PostgreSQL after a large write: it would plan the closure's joins against
    tables it believes empty (SQLite plans by its indexes)."""
    if _postgres(client):
        await client.execute_script("ANALYZE region; ANALYZE region_ancestor")
