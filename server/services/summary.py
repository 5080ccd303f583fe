"""The burden summary of a region and its children in a published month (DESIGN.md §3, §4).

Everything here reads a stored release (`release.published_month`) and renders it with the settings
that release was made under: a hidden figure reads as suppressed (null), nothing below the lowest
published level is listed, and the flags are the ones frozen with the release. Nothing computes.
A place's cell comes from `place_figures`, its sources and change from `hours_sources`, the flags
from `reader_flags`; `dashboards` ranks the report for a dashboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.config import Settings
from server.domain.messages import Name
from server.domain.periods import Period, publication_day
from server.domain.quota_rules import Flag
from server.models import Region
from server.services.hours_sources import sources_and_change
from server.services.place_figures import cell_summary
from server.services.reader_flags import reader_flags
from server.store.release import PublishedMonth, published_month
from server.web.errors import InvalidInput, NotFound, NotPublished
from server.web.i18n import current_locale
from server.web.i18n import gettext as _
from server.web.messages import rendered_tree
from server.web.paging import Paging

EVERY_PLACE = Paging()


async def published(code: str, period: Period, settings: Settings) -> PublishedMonth:
    """The stored release of a month that holds the region: 409 before its publication, 404 else."""
    if period.kind != "month":
        raise InvalidInput({"period": _("Published figures are monthly: give a month such as 2024-03.")})
    found = await published_month(period)
    if found is None:
        raise NotPublished(publication_day(period, settings.publish_days))
    if code not in found.regions:
        raise NotFound("region")
    return found


async def burden_summary(
    place: Region | str, period: Period, settings: Settings, places: Paging = EVERY_PLACE
) -> dict[str, Any]:
    summary, _flags = await region_report(place, period, settings, places)
    return summary


async def region_report(
    place: Region | str, period: Period, settings: Settings, places: Paging = EVERY_PLACE, ranked: bool = False
) -> tuple[dict[str, Any], list[Flag]]:
    """The summary of a region and one page of its children (in code order, or by burden index
    when `ranked`), and the release's flags it counts, in the reader's language. A paged report
    says how many children there are in `children_total`. `place` is the region as the caller
    read it (its name is not read again) or its code."""
    tag = current_locale()
    return (await region_reports(place, period, settings, (tag,), places, ranked))[tag]


async def region_reports(
    place: Region | str,
    period: Period,
    settings: Settings,
    tags: Sequence[str],
    places: Paging = EVERY_PLACE,
    ranked: bool = False,
) -> dict[str, tuple[dict[str, Any], list[Flag]]]:
    """The report built once and said in each language of `tags`: names in each script, and the
    release's flags as it stored them in each language."""
    code = place if isinstance(place, str) else place.code
    month = await published(code, period, settings)
    flags = {tag: await reader_flags(month, code, tag) for tag in tags}
    counted, counts = flags[tags[0]]
    children = [cell_summary(month, child, counts.get(child, 0)) for child in month.children(code)]
    if ranked:
        children.sort(key=_burden_order)
    if places.size:
        places.check(len(children))
    root = cell_summary(month, code, len(counted))
    root["children"] = places.cut(children)
    if places.size:
        root["children_total"] = len(children)
    if isinstance(place, str):
        await _name([root, *root["children"]])
    else:
        root["region"]["name"] = Name(place.name, place.name_hant)
        await _name(root["children"])
    root.update(await sources_and_change(month, code))
    return {tag: (rendered_tree(root, tag), flags[tag][0]) for tag in tags}


def _burden_order(cell: dict[str, Any]) -> tuple[bool, float, str]:
    """Highest burden index first; places whose index is withheld or not known after them."""
    index = cell["indices"]["burden_index"]
    return (index is None, -(index or 0.0), cell["region"]["code"])


async def region_flags(code: str, period: Period, settings: Settings) -> list[Flag]:
    month = await published(code, period, settings)
    flags, _counts = await reader_flags(month, code, current_locale())
    return flags


async def _name(cells: list[dict[str, Any]]) -> None:
    """Names to say in each reader's script, read for the listed cells only (a page, not thousands)."""
    if not cells:
        return
    rows = await Region.filter(code__in=[c["region"]["code"] for c in cells]).values("code", "name", "name_hant")
    names = {r["code"]: Name(r["name"], r["name_hant"]) for r in rows}
    for cell in cells:
        cell["region"]["name"] = names.get(cell["region"]["code"], cell["region"]["code"])


async def release_k(period: Period) -> int:
    """The k a release was made under (pages say "fewer than k" with the k that applied)."""
    month = await published_month(period)
    return int(month.settings.get("k", 10)) if month else 10
