"""Regions from the administrator's side (issue 12): a preview of an uploaded file before anything
is written, the tree a page at a time with population and cadre accounts, editing one region."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise import Tortoise

from server.db import placeholders
from server.models import Region, User
from server.services.region_csv import RegionFileError
from server.services.region_import import RowChecker, plan_errors, plan_rows, read_file_rows
from server.services.spoofing import shown_text
from server.store import audit
from server.web.errors import InvalidInput, NotFound
from server.web.parse import Reader

SHOWN_ERRORS = 20
PAGE_SIZE = 50
_ROW_FIELD = re.compile(r"regions\[(\d+)\]\.(\w+)")


@dataclass(frozen=True)
class Preview:
    """What importing a file would do; counts are None when the file's rows cannot be planned."""

    rows: int
    created: int | None
    updated: int | None
    moved: int | None
    errors: list[tuple[int | None, str, str]]  # (line of the file, column, message), the first ones
    error_count: int
    unchanged: int | None = None  # already stored as the file gives them: not written again

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _located(fields: dict[str, str], lines: Sequence[int]) -> list[tuple[int | None, str, str]]:
    """The API's per-row fields ("regions[3].level") as (line of the file, column, message)."""
    found = []
    for name, message in fields.items():
        match = _ROW_FIELD.fullmatch(name)
        found.append((lines[int(match[1])], match[2], message) if match else (None, name, message))
    return sorted(found, key=lambda e: (e[0] or 0, e[1]))


def _failed(errors: list[tuple[int | None, str, str]], rows: int = 0) -> Preview:
    return Preview(rows, None, None, None, errors[:SHOWN_ERRORS], len(errors))


async def preview(raw: bytes) -> Preview:
    """Read and check the whole file as the import would, and write nothing."""
    checker = RowChecker()
    try:
        rows = read_file_rows(raw, checker)
    except RegionFileError as error:
        return _failed([(None, "file", error.message)])
    except InvalidInput as error:
        return _failed(_located(error.fields, checker.lines), len(checker.lines))
    plan, _known = await plan_rows(rows)
    errors = _located(plan_errors(plan), checker.lines)
    return Preview(
        len(rows), plan.created, plan.updated, plan.moved, errors[:SHOWN_ERRORS], len(errors), plan.unchanged
    )


async def region_or_404(code: str) -> Region:
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound("region")
    return region


async def children_page(code: str | None, page: int) -> tuple[list[Region], int]:
    """One page of a region's children by code (the top of the tree for None), and how many in all."""
    children = Region.filter(parent_id=code) if code else Region.filter(parent_id__isnull=True)
    total = await children.count()
    return await children.order_by("code").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE), total


CADRES_UNDER = """
SELECT a.ancestor_id AS code, COUNT(u.id) AS cadres FROM region_ancestor a JOIN app_user u ON u.region_id = a.region_id
WHERE u.role = 'cadre' AND a.ancestor_id IN ({codes}) GROUP BY a.ancestor_id
"""


async def cadre_accounts(codes: list[str]) -> dict[str, int]:
    """The cadre accounts whose home lies in each region's subtree (accounts, never anything they logged)."""
    if not codes:
        return {}
    rows = await Tortoise.get_connection("default").execute_query_dict(
        CADRES_UNDER.format(codes=placeholders(len(codes))), codes
    )
    return {row["code"]: int(row["cadres"]) for row in rows}


async def edit_region(user: User, code: str, data: Any, today: date) -> Region:
    """A region's name (Simplified and Traditional) and population corrected; the tree is untouched."""
    region = await region_or_404(code)
    r = Reader(data)
    name = shown_text(r, "name", r.text("name", max_length=100))
    name_hant = shown_text(r, "name_hant", r.text("name_hant", required=False, max_length=100))
    population = r.integer("population", low=0, high=2_000_000_000)
    r.done()
    await Region.filter(code=code).update(name=name, name_hant=name_hant, population=population)
    await audit.record(user, "region_edited", code, today)
    region.name, region.name_hant, region.population = name, name_hant, population
    return region
