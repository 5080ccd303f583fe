"""Keeping the region_ancestor closure in step with region paths (raw SQL, so migrations can use it)."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from server.db import placeholders, row_placeholders
from server.domain.regions import ancestor_codes, closure_rows

CHUNK = 500
INSERT_ROWS = 1000


async def _regions(client: BaseDBAsyncClient, codes: list[str]) -> list[dict]:
    found = []
    for i in range(0, len(codes), CHUNK):
        part = codes[i : i + CHUNK]
        found += await client.execute_query_dict(
            f"SELECT code, path, level FROM region WHERE code IN ({placeholders(len(part))})", part
        )
    return found


async def rebuild_ancestors(
    codes: Iterable[str] | None = None, client: BaseDBAsyncClient | None = None, replace: bool = True
) -> int:
    """Rewrite the closure rows of exactly `codes` (all regions when None). A caller that moved a
    region passes its descendants too: their ancestors changed with it. `replace=False` for regions
    just created, which have no rows to delete (on PostgreSQL each delete of a freshly filled,
    not yet analysed table could scan it whole)."""
    client = client or Tortoise.get_connection("default")
    if codes is None:
        regions = await client.execute_query_dict("SELECT code, path, level FROM region")
    else:
        regions = await _regions(client, sorted(set(codes)))
    paths = {r["code"]: r["path"] for r in regions}
    wanted = {a for path in paths.values() for a in ancestor_codes(path)}
    levels = {r["code"]: r["level"] for r in await _regions(client, sorted(wanted))}
    targets = sorted(paths)
    rows = closure_rows(paths, levels, targets)
    if replace:
        await _delete_rows(client, targets)
    await _insert_rows(client, rows)
    return len(rows)


async def _delete_rows(client: BaseDBAsyncClient, targets: list[str]) -> None:
    """Delete the closure rows of these regions, a chunk of codes at a time."""
    for i in range(0, len(targets), CHUNK):
        part = targets[i : i + CHUNK]
        await client.execute_query(f"DELETE FROM region_ancestor WHERE region_id IN ({placeholders(len(part))})", part)


async def _insert_rows(client: BaseDBAsyncClient, rows: list[tuple[str, str, str]]) -> None:
    """Write closure rows the fastest way each store offers."""
    if rows and client.capabilities.dialect == "postgres":
        # COPY: a province's half a million closure rows in one stream.
        async with client.acquire_connection() as connection:
            await connection.copy_records_to_table(
                "region_ancestor", records=[tuple(r) for r in rows], columns=["region_id", "ancestor_id", "level"]
            )
        return
    # Multi-row INSERTs: a province's half a million closure rows in a few hundred statements.
    for i in range(0, len(rows), INSERT_ROWS):
        part = rows[i : i + INSERT_ROWS]
        await client.execute_query(
            f"INSERT INTO region_ancestor (region_id, ancestor_id, level) VALUES {row_placeholders(len(part), 3)}",
            [v for row in part for v in row],
        )
