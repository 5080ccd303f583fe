"""`backup FILE` and `restore FILE`: a consistent copy of the store, in one format for both backends.

The copy is gzip'd JSON lines: a header, then each table's rows in foreign-key order, read in one
snapshot (a REPEATABLE READ transaction on PostgreSQL, one read transaction on SQLite in WAL mode),
so entries acknowledged while it runs are either all in it or not. Because rows go through the
models, a SQLite backup restores into PostgreSQL and back: the way from the embedded store to
scale-out. Restore fills an empty store (migrated first) in one transaction, then moves each id
sequence past the highest id, so new rows never collide with restored ones.

The reporter keys in the copy are HMACs: the copy links no row to a person without JIANFU_SECRET,
which is configuration and not in it. Restore under the same secret, or cadres lose their rows.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server import models

FORMAT = 1
CHUNK = 5000
# Parents before children; region_ancestor is rebuilt data but copied as is (cheaper than a rebuild).
ORDER: tuple[type[Model], ...] = (
    models.Region,
    models.RegionAncestor,
    models.User,
    models.Token,
    models.Invite,
    models.App,
    models.Task,
    models.Quota,
    models.QuotaRevision,
    models.ProgressPoint,
    models.Outcome,
    models.TimeEntry,
    models.RosterItem,
    models.Release,
    models.ReleaseCell,
    models.ReleaseFlag,
    models.Review,
    models.ReviewDecision,
    models.FeedMessage,
    models.OneTimeCode,
    models.AuditEvent,
)


class BackupError(Exception):
    """The file is not a Jianfu backup, or the store is not empty."""


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return date.fromisoformat(value["$d"])
        if "$dec" in value:
            return Decimal(value["$dec"])
    return value


def _columns(model: type[Model]) -> list[str]:
    """The stored columns by model field name (a foreign key as its `_id` source field)."""
    names = []
    for name, field in model._meta.fields_map.items():
        if isinstance(field, (fields.relational.BackwardFKRelation, fields.relational.ManyToManyFieldInstance)):
            continue
        if isinstance(field, fields.relational.ForeignKeyFieldInstance):
            continue  # its `_id` source field is listed on its own
        names.append(name)
    return names


async def _rows(model: type[Model], connection: BaseDBAsyncClient) -> AsyncIterator[list[Any]]:
    columns = _columns(model)
    pk = model._meta.pk_attr
    last = None
    while True:
        query = model.all().using_db(connection).order_by(pk).limit(CHUNK)
        if last is not None:
            query = query.filter(**{f"{pk}__gt": last})
        batch = await query.values_list(*columns)
        if not batch:
            return
        for row in batch:
            yield [_encode(v) for v in row]
        last = batch[-1][columns.index(pk)]


async def backup(target: Path, progress: Callable[[str, int], None] = lambda table, rows: None) -> dict[str, int]:
    """Write the store to `target` (gzip'd JSON lines); returns rows per table."""
    counts: dict[str, int] = {}
    partial = target.with_name(target.name + ".partial")
    async with in_transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            out.write(json.dumps({"jianfu_backup": FORMAT, "tables": [m._meta.db_table for m in ORDER]}) + "\n")
            for model in ORDER:
                table = model._meta.db_table
                out.write(json.dumps({"table": table, "columns": _columns(model)}) + "\n")
                count = 0
                async for row in _rows(model, connection):
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
                counts[table] = count
                progress(table, count)
    partial.replace(target)  # a half-written file never carries the final name
    return counts


def _read(source: Path) -> Iterator[dict[str, Any] | list[Any]]:
    try:
        with gzip.open(source, "rt", encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
    except (OSError, EOFError, ValueError) as error:
        raise BackupError(f"{source} is not a readable Jianfu backup ({error})") from None


async def restore(source: Path, progress: Callable[[str, int], None] = lambda table, rows: None) -> dict[str, int]:
    """Load a backup into an empty, migrated store, all or nothing."""
    if await models.Region.exists() or await models.User.exists():
        raise BackupError(
            "the store is not empty: restore only into a new store (run `migrate` on an empty database first)"
        )
    lines = _read(source)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("jianfu_backup") != FORMAT:
        raise BackupError(f"{source} is not a Jianfu backup of format {FORMAT}")
    by_table = {m._meta.db_table: m for m in ORDER}
    counts: dict[str, int] = {}
    async with in_transaction() as connection:
        model, columns, batch = None, [], []
        for line in lines:
            if isinstance(line, dict):
                await _flush(model, batch, connection, counts, progress)
                model, columns, batch = by_table[line["table"]], line["columns"], []
                counts[line["table"]] = 0
                continue
            assert model is not None
            batch.append(model(**{name: _decode(value) for name, value in zip(columns, line, strict=True)}))
            if len(batch) >= CHUNK and model is not models.Region:
                await _flush(model, batch, connection, counts, progress)
                batch = []
        await _flush(model, batch, connection, counts, progress)
        await _advance_sequences(connection)
    return counts


async def _flush(
    model: type[Model] | None,
    batch: list[Model],
    connection: BaseDBAsyncClient,
    counts: dict[str, int],
    progress: Callable[[str, int], None],
) -> None:
    if model is None or not batch:
        return
    if model is models.Region:  # parents first: a region refers to its parent
        batch.sort(key=lambda region: len(region.path))
    await model.bulk_create(batch, batch_size=1000, using_db=connection)
    counts[model._meta.db_table] += len(batch)
    progress(model._meta.db_table, counts[model._meta.db_table])


async def _advance_sequences(connection: BaseDBAsyncClient) -> None:
    """PostgreSQL hands out ids from sequences that explicit inserts do not move."""
    if connection.capabilities.dialect != "postgres":
        return
    for model in ORDER:
        if isinstance(model._meta.fields_map[model._meta.pk_attr], fields.IntField):
            table = model._meta.db_table
            await connection.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
