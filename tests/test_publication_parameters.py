"""No query of a publication carries a parameter per region (issue 15). The nation publishes
44,700 regions and PostgreSQL takes at most 32,767 parameters a query: a publication that named
every published region in one query failed there, after minutes of work. Here a county with a
hundred townships is published, on both stores, with every statement's parameters counted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from burden_cases import county_with_reporters
from conftest import AFTER, bearer, publish_month
from tortoise.backends.base.client import BaseDBAsyncClient

from server.store import release

TOWNSHIPS = 100


@pytest.fixture
def parameters(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, str]]]:
    """(parameters, SQL) of every statement sent while the test runs, on every connection."""
    seen: list[tuple[int, str]] = []
    for cls in _client_classes():
        for method in ("execute_query", "execute_query_dict", "execute_insert", "execute_many"):
            if method in vars(cls):
                monkeypatch.setattr(cls, method, _counting(getattr(cls, method), method, seen))
    yield seen


def _client_classes() -> list[type]:
    from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper  # noqa: PLC0415
    from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper  # noqa: PLC0415

    return [AsyncpgDBClient, TransactionWrapper, SqliteClient, SqliteTransactionWrapper]


def _counting(original: Any, method: str, seen: list[tuple[int, str]]) -> Any:
    async def counted(self: BaseDBAsyncClient, query: str, values: Any = None, *args: Any, **kwargs: Any) -> Any:
        rows = values if method == "execute_many" else [values]  # executemany: one row's parameters each
        seen.append((max((len(row or ()) for row in rows), default=0), query))
        return await original(self, query, values, *args, **kwargs)

    return counted


async def test_a_publication_names_no_region_apiece(client, settings, during_month, parameters):
    _supervisor, _ids = await county_with_reporters(client)
    admin = await bearer(client, "root")
    townships = [
        {"code": f"360721{200 + n:03d}", "parent": "360721", "level": "township", "name": f"镇{n}", "population": 100}
        for n in range(TOWNSHIPS)
    ]
    assert (await client.post("/api/regions", json={"regions": townships}, headers=admin)).status_code in (200, 201)
    published = len(await release.placed_regions(settings.min_level))
    assert published > TOWNSHIPS
    parameters.clear()
    await publish_month(settings)
    during_month.move_to(AFTER)
    most, query = max(parameters)
    assert len(parameters) > 10, "the publication's statements were counted"
    assert most < TOWNSHIPS, f"{most} parameters in one statement: {query[:200]}"
