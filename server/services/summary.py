"""The burden summary of a region and its children in a published month (DESIGN.md §3, §4).

Everything here reads a stored release (`release.published_month`) and renders it with the settings
that release was made under: a hidden figure reads as suppressed (null), nothing below the lowest
published level is listed, and the flags are the ones frozen with the release. Nothing computes.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from server.config import Settings
from server.domain import indices
from server.domain.messages import Name
from server.domain.periods import Period, publication_day, recent_periods
from server.domain.quota_rules import Flag
from server.domain.rules import Rules
from server.models import App, Region, Task
from server.services import place_search
from server.store.release import PublishedMonth, month_flags, published_keys, published_month
from server.web.errors import InvalidInput, NotFound, NotPublished
from server.web.i18n import current_locale
from server.web.i18n import gettext as _
from server.web.messages import rendered_tree
from server.web.paging import Paging

# Flags about one place's own apps and about busy children read only on that place's own page.
LOCAL_KINDS = frozenset({"duplicate_app", "zombie_app"})
EVERY_PLACE = Paging()
SPARK_PERIODS = 12  # months a dashboard's sparklines span


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
    flags = {tag: await _reader_flags(month, code, tag) for tag in tags}
    counted, counts = flags[tags[0]]
    children = [_cell_summary(month, child, counts.get(child, 0)) for child in month.children(code)]
    if ranked:
        children.sort(key=_burden_order)
    if places.size:
        places.check(len(children))
    root = _cell_summary(month, code, len(counted))
    root["children"] = places.cut(children)
    if places.size:
        root["children_total"] = len(children)
    if isinstance(place, str):
        await _name([root, *root["children"]])
    else:
        root["region"]["name"] = Name(place.name, place.name_hant)
        await _name(root["children"])
    root.update(await _sources_and_change(month, code))
    return {tag: (rendered_tree(root, tag), flags[tag][0]) for tag in tags}


def _burden_order(cell: dict[str, Any]) -> tuple[bool, float, str]:
    """Highest burden index first; places whose index is withheld or not known after them."""
    index = cell["indices"]["burden_index"]
    return (index is None, -(index or 0.0), cell["region"]["code"])


async def region_flags(code: str, period: Period, settings: Settings) -> list[Flag]:
    month = await published(code, period, settings)
    flags, _counts = await _reader_flags(month, code, current_locale())
    return flags


# The flags a reader sees under a region and how many lie under each child, per release object (a
# release never changes; dropped with the release when `release.forget_months` lets it go).
# Bounded by the flags it holds: a province's are thousands, and reading, decoding and counting
# them per request cost most of a province's dashboard (1.7 s a request on the bench province).
# The lists are shared between requests: nothing may change them.
_flag_cache: dict[tuple[int, str, str], tuple[list[Flag], dict[str, int]]] = {}
_FLAGS_KEPT = 200_000


async def _reader_flags(month: PublishedMonth, code: str, tag: str) -> tuple[list[Flag], dict[str, int]]:
    """The flags in one language, and how many of them lie under each child."""
    key = (id(month), tag, code)
    if key not in _flag_cache:
        found = await _read_flags(month, code, tag)
        while _flag_cache and sum(len(f) for f, _c in _flag_cache.values()) + len(found) > _FLAGS_KEPT:
            _flag_cache.pop(next(iter(_flag_cache)))
        if not any(k[0] == key[0] for k in _flag_cache):
            weakref.finalize(month, _forget_flags, key[0])
        _flag_cache[key] = ([flag for _path, flag in found], _flag_counts(month, code, found))
    return _flag_cache[key]


def _forget_flags(ident: int) -> None:
    for key in [k for k in _flag_cache if k[0] == ident]:
        del _flag_cache[key]


async def _read_flags(month: PublishedMonth, code: str, tag: str) -> list[tuple[str, Flag]]:
    """Quota flags of the subtree; app flags of the region itself; busy outliers among its children."""
    path = month.regions[code]["path"]
    kept, seen = [], set()
    for flag_path, flag in await month_flags(month.month, path, tag):
        if flag.kind in LOCAL_KINDS and flag.region != code:
            continue
        if flag.kind == "peer_outlier" and month.regions.get(flag.region, {}).get("parent") != code:
            continue
        # A task's flag is filed under each place it reaches; each reader counts it once, at the
        # highest of those places under them.
        identity = (flag.kind, flag.region, flag.task, flag.app)
        if identity not in seen:
            seen.add(identity)
            kept.append((flag_path, flag))
    return kept


def _flag_counts(month: PublishedMonth, code: str, flags: list[tuple[str, Flag]]) -> dict[str, int]:
    """How many of the region's flags lie under each of its children, in one pass over the flags."""
    root = month.regions[code]["path"]
    counts: dict[str, int] = {}
    for path, _flag in flags:
        child = path[len(root) :].split("/", 1)[0]
        if child:
            counts[child] = counts.get(child, 0) + 1
    return counts


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


def _rules(month: PublishedMonth) -> Rules:
    return Rules.from_values(month.settings.get("rules", {}))


def _cell_summary(month: PublishedMonth, code: str, flags_count: int) -> dict[str, Any]:
    region, figures = month.regions[code], month.figures[code]
    quotas = figures.get("quotas") or {}
    shown = month.shown(code)
    person = _person_indices(figures, month) if shown else dict.fromkeys(PERSON_INDICES)
    shared = {
        "quota_pressure": _round(quotas.get("quota_pressure")),
        "ranking_share": _round(quotas.get("ranking_share")),
    }
    if shown and figures["reporters"]:
        inputs = indices.IndexInputs(
            person["hours_per_reporter_week"],
            person["apps_per_reporter"],
            shared["quota_pressure"],
            shared["ranking_share"],
            person["evidence_share"],
            person["fabrication_share"],
        )
        person["burden_index"] = indices.burden_index(inputs, _rules(month))
    return {
        "region": {"code": code, "name": code, "level": region["level"]},
        "period": month.month.key,
        "reporters": figures["reporters"] if shown else None,
        "suppressed": not shown,
        "known_zero": bool(figures.get("known_zero")),
        "indices": {**person, **shared},
        "flags_count": flags_count,
        "children": [],
    }


def place_indices(month: PublishedMonth, code: str) -> dict[str, Any]:
    """One place's headline figures in a release (for a review's before and after)."""
    cell = _cell_summary(month, code, 0)
    keep = ("burden_index", "hours_per_reporter_week", "cost_yuan", "quota_pressure")
    return {
        "reporters": cell["reporters"],
        "suppressed": cell["suppressed"],
        **{name: cell["indices"][name] for name in keep},
    }


PERSON_INDICES = (
    "hours_per_reporter_week",
    "hours_per_reporter_week_median",
    "apps_per_reporter",
    "evidence_share",
    "fabrication_share",
    "paid_yuan",
    "cost_yuan",
    "burden_index",
)


def _person_indices(figures: dict[str, Any], month: PublishedMonth) -> dict[str, Any]:
    """Indices from shown figures only: each is a function of what the release shows, so none of
    them tells a reader more than the release does. Cost counts yuan paid only where shown."""
    period, minutes, reporters = month.month, figures["minutes"], figures["reporters"]
    median = (
        figures["median_minutes"] / 60 / period.weeks
        if figures.get("median_minutes") is not None and reporters
        else None
    )
    evidence, fabricated, outcomes, paid = (
        figures.get("evidence_minutes"),
        figures.get("fabricated"),
        figures.get("outcomes"),
        figures.get("paid_yuan"),
    )
    wage = float(month.settings.get("wage", 25.0))
    return {
        "hours_per_reporter_week": _round(indices.hours_per_reporter_week(minutes, reporters, period.weeks)),
        "hours_per_reporter_week_median": _round(median),
        "apps_per_reporter": _round(indices.share(figures["roster_items"], figures["roster_reporters"]))
        if figures.get("roster_reporters") and figures.get("roster_items") is not None
        else None,
        "evidence_share": _round(indices.share(evidence, minutes)) if evidence is not None else None,
        "fabrication_share": _round(indices.share(fabricated, outcomes))
        if fabricated is not None and outcomes
        else None,
        "paid_yuan": paid,
        "cost_yuan": round(indices.cost_yuan(minutes, paid or 0.0, wage)),
        "burden_index": None,
    }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


async def _sources_and_change(month: PublishedMonth, code: str) -> dict[str, Any]:
    """Where the hours went (tasks, apps, complaint categories) and the change against the previous
    month, all from stored releases: a task or category the release hid is not listed, and an
    app's hours are the sum of its listed tasks."""
    if not month.shown(code) or not month.figures[code]["reporters"]:
        return {"top_sources": None, "categories": None, "change": None}
    figures = month.figures[code]
    total = figures["minutes"] / 60
    # Plain values, not models: a province's release names a thousand tasks.
    named = [t["task"] for t in figures.get("tasks", [])]
    tasks = {t["id"]: t for t in await Task.filter(id__in=named).values("id", "title", "app_id")} if named else {}
    task_hours = {
        (ident, tasks[ident]["title"]): t["minutes"] / 60
        for t in figures.get("tasks", [])
        if (ident := t["task"]) in tasks
    }
    app_hours: dict[int, float] = {}
    for (ident, _title), hours in task_hours.items():
        if app := tasks[ident]["app_id"]:
            app_hours[app] = app_hours.get(app, 0.0) + hours
    # No query for no apps: under load every query of a read waits for the writes in front of it.
    app_names = (
        {
            a["id"]: Name(a["name"], a["name_hant"])
            for a in await App.filter(id__in=list(app_hours)).values("id", "name", "name_hant")
        }
        if app_hours
        else {}
    )
    categories = figures.get("categories", {})
    return {
        "top_sources": {
            "tasks": [
                {"id": ident, "name": Name(name), "hours": hours, "share": _round(part)}
                for (ident, name), hours, part in indices.top_sources(task_hours, total)
            ],
            "apps": [
                {"id": ident, "name": app_names[ident], "hours": hours, "share": _round(part)}
                for ident, hours, part in indices.top_sources(app_hours, total)
                if ident in app_names
            ],
        },
        "categories": {
            name: {"hours": round(minutes / 60, 2), "share": _round(indices.share(minutes / 60, total))}
            if (minutes := categories.get(name)) is not None
            else {"hours": None, "share": None}
            for name in indices.CATEGORIES
        },
        "change": await _change(month, code),
    }


async def _change(month: PublishedMonth, code: str) -> dict[str, float] | None:
    previous = await published_month(month.month.previous())
    if previous is None or not previous.shown(code) or not previous.figures[code]["reporters"]:
        return None
    before, now = previous.figures[code], month.figures[code]
    return indices.change((before["reporters"], before["minutes"]), (now["reporters"], now["minutes"]))


@dataclass(frozen=True)
class Dashboard:
    """What a region's dashboard shows of a published month."""

    report: dict[str, Any]
    flags: list[Flag]
    k: int
    series: dict[str, list[float | None]]  # hours per cadre a week over SPARK_PERIODS months, by code
    following: Period | None  # the next month, once it is published
    found: tuple[list, int] | None  # a search's page of places and how many matched


async def dashboard(
    region: Region, period: Period, settings: Settings, places: Paging, search: str | None, paging: Paging
) -> Dashboard:
    """The region's report ranked by burden, its places' recent hours, and a search's matches."""
    report, flags = await region_report(region, period, settings, places, ranked=True)
    found = (
        await place_search.find_places(await published(region.code, period, settings), region, search, paging)
        if search
        else None
    )
    keys = set(await published_keys())
    codes = [region.code] + [c["region"]["code"] for c in report["children"]]
    following = period.following()
    series = await hours_series(codes, period, keys)
    return Dashboard(
        report, flags, await release_k(period), series, following if following.key in keys else None, found
    )


async def hours_series(codes: list[str], last: Period, keys: set[str]) -> dict[str, list[float | None]]:
    """Hours per cadre a week of each region over the recent months; hidden cells and months not
    published (not in `keys`: a release that is not there is not asked for) stay gaps."""
    series: dict[str, list[float | None]] = {code: [] for code in codes}
    for period in recent_periods(last, SPARK_PERIODS):
        month = await published_month(period) if period.key in keys else None
        for code in codes:
            figures = month.figures.get(code) if month and month.shown(code) else None
            series[code].append(
                indices.hours_per_reporter_week(figures["minutes"], figures["reporters"], period.weeks)
                if figures
                else None
            )
    return series
