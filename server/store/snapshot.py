"""Several connections that read one snapshot of the store, side by side.

A release's reads are a dozen GROUP BYs over the month, and each keeps one core busy: the store's,
or on SQLite this process's (each connection runs its queries in a thread of its own, without the
GIL). Spread over several connections they take the time of the longest share instead of the sum,
but only if every connection sees the same data: a release must never count an entry in one table
and miss it in another. PostgreSQL shares a snapshot between transactions (`pg_export_snapshot`,
`SET TRANSACTION SNAPSHOT`). SQLite has no such call, so each reader starts its read while one more
connection holds the write lock (`BEGIN IMMEDIATE`): no commit can fall between the readers' starts,
and the lock is let go before any of the reading begins, so cadres' posts wait milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient

# How long the lock holder waits for a writer of SQLite to commit before the publication gives up
# (and is tried again on the next round): a region import of the nation writes for about a minute.
BUSY_MS = 300_000
# PostgreSQL's memory for each sort or hash of a reader's query (the server's default is 4 MB): a
# province's month groups half a million rows per reporter and source, which spilled to disk in
# merge sorts (2.7 s for the activities' read of Guangdong, 2.0 s with this). Only for the
# release's own transactions.
READER_WORK_MEM = "64MB"
SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


@asynccontextmanager
async def shared_snapshot(count: int) -> AsyncIterator[list[BaseDBAsyncClient]]:
    """Up to `count` clients in transactions that all see the store as it was at one moment; call it
    outside any transaction. An in-memory SQLite store (one connection holds it) gets one, and a
    PostgreSQL pool of n connections at most n - 1."""
    base = Tortoise.get_connection("default")
    if isinstance(base, SqliteClient):
        if base.filename == ":memory:" or count == 1:
            async with AsyncExitStack() as stack:
                yield [await start_reader(stack, base)]
        else:
            async with _sqlite_readers(base, count) as readers:
                yield readers
    else:
        # Readers take pooled connections; at least one is left for the app's requests and for what
        # the publication reads beside them (the pool's size is the store URL's `maxsize`, 5 unless set).
        pool = getattr(base, "pool_maxsize", count + 1)
        async with _postgres_readers(base, max(1, min(count, pool - 1))) as readers:
            yield readers


async def start_reader(
    stack: AsyncExitStack, client: BaseDBAsyncClient, snapshot: str | None = None
) -> BaseDBAsyncClient:
    """Open one reader's transaction on `client` (closed with `stack`) and fix what it sees: on
    PostgreSQL the exported `snapshot` when given, on SQLite the store as it is now."""
    reader = await stack.enter_async_context(client._in_transaction())  # noqa: SLF001 -- as in_transaction()
    if reader.capabilities.dialect == "sqlite":
        # The first read of the main database is what fixes a reader's snapshot.
        await reader.execute_query("SELECT COUNT(*) FROM sqlite_master")
    else:
        await reader.execute_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if snapshot is not None:
            await reader.execute_query(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        await reader.execute_query(f"SET LOCAL work_mem = '{READER_WORK_MEM}'")
    return reader


@asynccontextmanager
async def _postgres_readers(base: BaseDBAsyncClient, count: int) -> AsyncIterator[list[BaseDBAsyncClient]]:
    async with AsyncExitStack() as stack:
        readers = [await start_reader(stack, base)]  # a pooled connection each
        if count > 1:
            snapshot = (await readers[0].execute_query_dict("SELECT pg_export_snapshot() AS id"))[0]["id"]
            if not SNAPSHOT_ID.fullmatch(snapshot):  # it goes into the statement's text
                raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
            for _ in range(count - 1):
                readers.append(await start_reader(stack, base, snapshot))
        yield readers


@asynccontextmanager
async def _sqlite_readers(base: SqliteClient, count: int) -> AsyncIterator[list[BaseDBAsyncClient]]:
    pragmas = {**base.pragmas, "busy_timeout": BUSY_MS}
    clients = [type(base)(base.filename, connection_name=f"snapshot_{i}", **pragmas) for i in range(count + 1)]
    holder = clients[0]
    try:
        for client in clients:
            await client.create_connection(with_db=True)
        async with AsyncExitStack() as stack:
            # No commit can fall between the readers' starts while the holder has the write lock.
            await holder.execute_query("BEGIN IMMEDIATE")
            try:
                readers = [await start_reader(stack, client) for client in clients[1:]]
            finally:
                await holder.execute_query("ROLLBACK")
            yield readers
    finally:
        for client in clients:
            await client.close()
