"""Finding a place by name or code under a region, in a published month: a province supervisor
needs any of thousands of townships one search away, not at the end of one long table."""

from __future__ import annotations

import functools
from typing import Any

import opencc
from tortoise.expressions import Q

from server.models import Region
from server.store.release import PublishedMonth, published_levels
from server.web.i18n import localized_name
from server.web.paging import Paging


@functools.cache
def _simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


async def find_places(
    month: PublishedMonth, root: Region, text: str, paging: Paging
) -> tuple[list[dict[str, Any]], int]:
    """One page of the published places under `root` whose name (as typed, or in Simplified
    characters) or code matches, in tree order, each with its parent's name; and how many match."""
    levels = published_levels(month.settings.get("min_level", "township"))
    matches = (
        Q(name__icontains=text)
        | Q(name_hant__icontains=text)
        | Q(name__icontains=_simplified().convert(text))
        | Q(code__startswith=text)
    )
    query = Region.filter(matches, path__startswith=root.path, level__in=levels).exclude(code=root.code)
    total = await query.count()
    paging.check(total)
    rows = (
        await query.order_by("path")
        .offset(paging.offset)
        .limit(paging.size or total or 1)
        .values("code", "name", "name_hant", "level", "parent_id")
    )
    return await _listed(rows, month), total


async def _listed(rows: list[dict[str, Any]], month: PublishedMonth) -> list[dict[str, Any]]:
    """The places as a search lists them: names in the reader's script, each with its parent's name
    (read for this page only), and whether the month publishes the place itself."""
    parents = await Region.filter(code__in={r["parent_id"] for r in rows if r["parent_id"]}).values(
        "code", "name", "name_hant"
    )
    parent_names = {p["code"]: localized_name(p["name"], p["name_hant"]) for p in parents}
    return [
        {
            "code": r["code"],
            "name": localized_name(r["name"], r["name_hant"]),
            "level": r["level"],
            "parent": parent_names.get(r["parent_id"]),
            "published": r["code"] in month.regions,
        }
        for r in rows
    ]
