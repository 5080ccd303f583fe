"""Importing regions: POST /api/regions, `jianfu import-regions` and the administrator's upload
(server.services.import_jobs, its preview in server.services.region_admin) all come here.

Every row is checked, the batch is planned against the store (server.domain.regions.plan_batch),
then the new and changed regions and their closure rows are written in one transaction: all or
nothing. A national file (665,276 regions) streams through: each row of the file becomes a compact
RegionRow as it is read (codes shared with the parents that name them), never a dict; regions
go to the store in bulk (COPY on PostgreSQL) and the closure is built in SQL a level at a time
from the parents' rows (server.store.regions holds the SQL)."""

from __future__ import annotations

import re
from array import array
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server.domain.regions import BatchPlan, KnownRegion, RegionRow, plan_batch
from server.domain.vocab import LEVELS
from server.services.region_csv import region_items
from server.services.spoofing import shown_text
from server.store import regions as region_sql
from server.web import labels
from server.web.errors import InvalidInput
from server.web.i18n import gettext as _
from server.web.parse import Reader

MAX_REGIONS_PER_BATCH = 100_000
# Progress of a long import: (steps done, steps in all).
Progress = Callable[[int, int], Awaitable[None]]
WRITE_ROWS = 20_000  # regions written between two reports of progress
READ_STEP = 100_000  # rows of a file read between two reports
KNOWN_CODES = 50_000  # codes asked of the store at once (one parameter)
ANALYZE_AFTER = 10_000  # regions placed in the tree before fresh statistics are worth taking
_LEVEL = {level: level for level in LEVELS}  # one string per level for 665,276 rows
ROW_FIELDS = ("code", "parent", "level", "name", "name_hant", "population", "households")


@dataclass
class RowChecker:
    """Checks regions one at a time in the order given, so a file is never held as rows. Problems
    are kept as the API's per-row fields ("regions[3].code") until `rows()`. `lines` is the file's
    line of each row, where a message points at another row (by default its place, from 1)."""

    lines: array | list[int] | None = None
    checked: list[RegionRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    _first: dict[str, int] = field(default_factory=dict)  # each code's row

    def add(self, item: Any) -> None:
        row = _plain_row(item)
        if row is None or row.code in self._first:
            row = self._read(item)
        else:
            self._first[row.code] = len(self.checked)
        self.checked.append(RegionRow(row.code, self._shared(row.parent), row.level, row.values))

    def _read(self, item: Any) -> RegionRow:
        """The row through a Reader, which names every problem."""
        r = Reader(item, prefix=f"regions[{len(self.checked)}].")
        code = self._code(r)
        parent = r.text("parent", required=False, max_length=20)
        level = r.choice("level", LEVELS)
        values = (
            shown_text(r, "name", r.text("name", max_length=100)),
            shown_text(r, "name_hant", r.text("name_hant", required=False, max_length=100)),
            r.integer("population", low=0, high=2_000_000_000),
            r.integer("households", low=0, high=1_000_000_000, required=False),
        )
        self.errors.update(r.errors)
        return RegionRow(code, parent, _LEVEL.get(level, level), values)

    def _code(self, r: Reader) -> str | None:
        code, i = r.text("code", max_length=20), len(self.checked)
        if code and not re.fullmatch("[0-9]+", code):  # "²" is a digit to str.isdigit
            r.fail("code", _("Must be digits only."))
        elif code in self._first:
            first = self._first[code]
            where = self.lines[first] if self.lines is not None else first + 1
            r.fail("code", _("%(code)s appears twice: it is already on line %(line)s.", code=code, line=where))
        else:
            self._first[code] = i
        return code

    def _shared(self, parent: str | None) -> str | None:
        """The parent's code as the same string as its own row's (one string for both)."""
        first = self._first.get(parent) if parent else None
        return self.checked[first].code if first is not None else parent

    def rows(self) -> list[RegionRow]:
        """The checked rows; InvalidInput with every row's problems when one is wrong."""
        if self.errors:
            raise InvalidInput(self.errors)
        self._first.clear()
        return self.checked


def _plain_row(item: Any) -> RegionRow | None:
    """A row that every check of RowChecker._read passes unchanged, read without a Reader (nearly
    all of a national file); None for any other, which the Reader reads."""
    if type(item) is not dict:
        return None
    code, parent, level, name, name_hant, people, households = (item.get(k) for k in ROW_FIELDS)
    if not (_digits(code) and (parent is None or _digits(parent)) and type(level) is str and level in _LEVEL):
        return None
    if not (_plain_name(name) and (name_hant is None or _plain_name(name_hant))):
        return None
    if not (_count(people, 2_000_000_000) and (households is None or _count(households, 1_000_000_000))):
        return None
    return RegionRow(code, parent, _LEVEL[level], (name, name_hant, people, households))


def _digits(text: Any) -> bool:
    return type(text) is str and 0 < len(text) <= 20 and text.isascii() and text.isdigit()


def _plain_name(text: Any) -> bool:
    """Text the Reader keeps as it is, and shown_text lets through: printable (no control, format,
    private-use, unassigned, surrogate or separator character but the space), not padded."""
    return (
        type(text) is str
        and 0 < len(text) <= 100
        and text.isprintable()
        and not text[0].isspace()
        and not text[-1].isspace()
    )


def _count(value: Any, high: int) -> bool:
    return type(value) is int and 0 <= value <= high  # bool is no count


def too_many(limit: int | None) -> InvalidInput:
    return InvalidInput({"regions": _("Must be a list of 1 to %(count)s regions.", count=limit)})


def read_region_rows(items: Any, limit: int | None = MAX_REGIONS_PER_BATCH) -> list[RegionRow]:
    """Validate a batch of regions (the API's JSON list) field by field; one bad row rejects the
    batch (422, per-row fields)."""
    if not isinstance(items, list) or not items or (limit is not None and len(items) > limit):
        raise too_many(limit)
    checker = RowChecker()
    for item in items:
        checker.add(item)
    return checker.rows()


def read_file_rows(
    raw: bytes,
    checker: RowChecker,
    limit: int | None = MAX_REGIONS_PER_BATCH,
    read: Callable[[int], None] | None = None,
) -> list[RegionRow]:
    """A region CSV (server.services.region_csv) checked as it is read, its lines kept in `checker.lines`
    for messages: RegionFileError for a file that is no region list, InvalidInput for bad rows.
    `read` hears the count of rows every READ_STEP rows."""
    checker.lines = array("I")
    for line, item in region_items(raw):
        checker.lines.append(line)
        if limit is None or len(checker.lines) <= limit:
            checker.add(item)
        if read and len(checker.lines) % READ_STEP == 0:
            read(len(checker.lines))
    if not checker.lines or (limit is not None and len(checker.lines) > limit):
        raise too_many(limit)
    return checker.rows()


async def upsert_regions(
    items: Any, progress: Progress | None = None, limit: int | None = MAX_REGIONS_PER_BATCH
) -> dict[str, int]:
    """Create or update regions by code, parents before children, all or nothing. Regions the
    batch gives as they are stored are not written: a repeated import writes nothing."""
    return await import_rows(read_region_rows(items, limit), progress)


async def import_rows(rows: list[RegionRow], progress: Progress | None = None) -> dict[str, int]:
    """upsert_regions for rows already checked (a file read by read_file_rows)."""
    plan, known = await plan_rows(rows)
    if plan.problems:
        raise InvalidInput(plan_errors(plan))
    if plan.changed:
        await _save(plan, known, progress)
    return {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged}


async def plan_rows(
    rows: list[RegionRow], client: BaseDBAsyncClient | None = None
) -> tuple[BatchPlan, dict[str, KnownRegion]]:
    """What saving these checked rows would do, and the stored regions they name."""
    by_code = {row.code: row for row in rows}
    codes = sorted(by_code.keys() | {row.parent for row in rows if row.parent})
    known = await known_regions(codes, by_code, client)
    del by_code, codes
    return plan_batch(rows, known), known


async def known_regions(
    codes: list[str], rows: dict[str, RegionRow], client: BaseDBAsyncClient | None = None
) -> dict[str, KnownRegion]:
    """The stored regions among `codes`, as plain values (a re-import of the nation reads all).
    What a stored region shares with its row (code, parent, values) is kept as the row's own
    objects: an unchanged national file costs the store's paths, not a second copy of the file."""
    client = client or region_sql.default_client()
    found: dict[str, KnownRegion] = {}
    for start in range(0, len(codes), KNOWN_CODES):
        for code, path, parent, level, *values in await region_sql.known_regions(
            client, codes[start : start + KNOWN_CODES]
        ):
            row = rows.get(code)
            if row is not None:
                code, parent = row.code, row.parent if row.parent == parent else parent
            values = row.values if row is not None and row.values == tuple(values) else tuple(values)
            found[code] = KnownRegion(path, parent, _LEVEL.get(level, level), values)
    return found


def plan_errors(plan: BatchPlan) -> dict[str, str]:
    """A plan's problems as the API's per-row fields, in the reader's language."""
    errors: dict[str, str] = {}
    for i, name, kind, level in plan.problems:
        message = (
            _("Unknown parent region, or the parents form a loop.")
            if kind == "parent"
            else _("Must be a level below its parent's (%(level)s).", level=labels.levels()[level])
        )
        errors.setdefault(f"regions[{i}].{name}", message)
    return errors


async def _save(plan: BatchPlan, known: dict[str, KnownRegion], progress: Progress | None) -> None:
    """Write the new and changed regions, then the closure of the new ones and of those whose place
    in the tree (path or level) changed, with everything below them. Half the progress each."""
    written = [row for row in plan.ordered if row.code in plan.changed]
    steps = 2 * len(written)
    async with in_transaction() as connection:
        moved: dict[str, str] = {}
        for start in range(0, len(written), WRITE_ROWS):
            part = written[start : start + WRITE_ROWS]
            moved.update(await _write_regions(connection, part, plan.paths, known))
            if progress:
                await progress(start + len(part), steps)
        await region_sql.delete_closure(connection, list(moved))
        placed = {row.code: row.level for row in written if row.code not in known} | moved
        await _write_closure(connection, placed, len(written), progress, steps)


async def _write_regions(
    connection: BaseDBAsyncClient, part: list[RegionRow], paths: dict[str, str], known: dict[str, KnownRegion]
) -> dict[str, str]:
    """One part of the written rows (parents first): new regions, then changed ones. Answers the
    regions moved or re-levelled, with everything below them ({code: level}): their closure changes."""
    fresh = [(row.code, row.parent, row.level, *row.values, paths[row.code]) for row in part if row.code not in known]
    await region_sql.insert_regions(connection, fresh)
    updated = [row for row in part if row.code in known]
    same_place = [
        row for row in updated if (known[row.code].path, known[row.code].level) == (paths[row.code], row.level)
    ]
    await region_sql.update_regions(
        connection, [(row.parent, row.level, *row.values, paths[row.code], row.code) for row in same_place]
    )
    moved: dict[str, str] = {}
    for row in updated:
        old, path = known[row.code], paths[row.code]
        if (old.path, old.level) != (path, row.level):
            # Its path as stored now: a move above it in this batch may have re-rooted it already.
            stored = await region_sql.path_of(connection, row.code)
            await region_sql.update_regions(connection, [(row.parent, row.level, *row.values, path, row.code)])
            moved[row.code] = row.level
            moved.update(await region_sql.move_subtree(connection, stored, path))
    return moved


async def _write_closure(
    connection: BaseDBAsyncClient, placed: dict[str, str], done: int, progress: Progress | None, steps: int
) -> None:
    """The closure rows of `placed` ({code: level}, none stored), built a level at a time from the
    top: each level's from its parents', written before."""
    for i, level in enumerate(LEVELS, 1):
        codes = [code for code, at in placed.items() if at == level]
        if codes:
            if len(placed) >= ANALYZE_AFTER:
                await region_sql.analyze(connection)
            await region_sql.insert_closure(connection, codes)
        if progress:
            await progress(done + (steps - done) * i // len(LEVELS), steps)
