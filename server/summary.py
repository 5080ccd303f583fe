"""The burden summary of a region and its children for a published period (DESIGN.md §3, §4).

Person-derived figures pass through one gate, `published_tree`: cells under k reporters, and
cells whose figures would reveal them, read as suppressed (null), and nothing below the lowest
published level is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from server import flagging, rollup
from server.burden import indices
from server.burden.anonymity import CellCount, published_level, suppressed_cells
from server.burden.periods import Period
from server.burden.regions import in_subtree
from server.burden.vocab import LEVELS
from server.config import Settings
from server.errors import NotFound, NotPublished
from server.i18n import localized_name
from server.models import App, PublishedCell, Region


@dataclass
class PublishedTree:
    regions: dict[str, dict[str, Any]]
    cells: dict[str, rollup.Cell]
    hidden: set[str]

    def shown(self, code: str) -> rollup.Cell | None:
        return None if code in self.hidden else self.cells.get(code)


_trees: dict[tuple, PublishedTree] = {}
TREES_KEPT = 32


async def published_tree(period: Period, settings: Settings) -> PublishedTree:
    """The period's published tree, frozen the first time it is asked for: later entries, restarts
    and other processes answer the same, so two answers can never be subtracted from each other."""
    key = (period.key, settings.k, settings.min_level)
    if key not in _trees:
        if len(_trees) >= TREES_KEPT:
            _trees.pop(next(iter(_trees)))
        _trees[key] = await _frozen_tree(period, settings)
    return _trees[key]


async def _frozen_tree(period: Period, settings: Settings) -> PublishedTree:
    release = {"period": period.key, "k": settings.k, "min_level": settings.min_level}
    stored = await PublishedCell.filter(**release)
    if not stored:
        fresh = await _compute_tree(period, settings)
        rows = [PublishedCell(**release, code=code, level=r["level"], hidden=code in fresh.hidden, **_cell_values(fresh.cells.get(code))) for code, r in fresh.regions.items()]
        await PublishedCell.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        stored = await PublishedCell.filter(**release)  # whoever froze it first decides
    regions = await _published_regions(settings)
    frozen = {c.code: c for c in stored}
    cells = {c.code: rollup.Cell(c.code, c.level, c.reporters, c.minutes, c.evidence_minutes, c.median_minutes) for c in stored if c.reporters}
    # A region added after the freeze has no published figure.
    hidden = {c.code for c in stored if c.hidden} | {code for code in regions if code not in frozen}
    return PublishedTree(regions, cells, hidden)


def _cell_values(cell: rollup.Cell | None) -> dict[str, Any]:
    if cell is None:
        return {"reporters": 0, "minutes": 0.0, "evidence_minutes": 0.0, "median_minutes": None}
    return {"reporters": cell.reporters, "minutes": cell.minutes, "evidence_minutes": cell.evidence_minutes, "median_minutes": cell.median_minutes}


async def _published_regions(settings: Settings) -> dict[str, dict[str, Any]]:
    levels = [level for level in LEVELS if published_level(level, settings.min_level)]
    return {r["code"]: r for r in await Region.filter(level__in=levels).values("code", "parent_id", "level", "name", "name_hant", "path", "population")}


def forget_trees() -> None:
    """Tests and the demo loader change the store under a running process."""
    _trees.clear()


async def _compute_tree(period: Period, settings: Settings) -> PublishedTree:
    levels = [level for level in LEVELS if published_level(level, settings.min_level)]
    regions = await _published_regions(settings)
    cells = await rollup.entry_cells(period, levels=levels)
    counts = [CellCount(code, r["parent_id"], r["level"], cells[code].reporters if code in cells else 0) for code, r in regions.items()]
    return PublishedTree(regions, cells, suppressed_cells(counts, settings.k))


def check_published(period: Period, today: date) -> None:
    if period.published_on > today:
        raise NotPublished(period.published_on)


async def burden_summary(code: str, period: Period, settings: Settings, today: date) -> dict[str, Any]:
    summary, _flags = await region_report(code, period, settings, today)
    return summary


async def region_report(code: str, period: Period, settings: Settings, today: date) -> tuple[dict[str, Any], list]:
    """The summary of a region and its children, and the flags of its subtree it counts."""
    tree = await _tree_for(code, period, settings, today)
    children = sorted(c for c, r in tree.regions.items() if r["parent_id"] == code)
    codes = [code, *children]
    context = {
        "quotas": await rollup.quota_cells(period, codes),
        "outcomes": await rollup.outcome_cells(period, codes),
        "rosters": await rollup.roster_cells(codes),
    }
    flags = await subtree_flags(tree, code, period, settings)
    context["flag_paths"] = [path for path in (await _flag_paths(flags)).values()]
    root = await _cell_summary(tree, code, period, settings, context)
    root["children"] = [await _cell_summary(tree, child, period, settings, context) for child in children]
    root.update(await _sources_and_change(tree, code, period, settings))
    return root, flags


async def subtree_flags(tree: PublishedTree, code: str, period: Period, settings: Settings) -> list:
    """Quota flags of the subtree; app flags of the region when its cell is shown; busy outliers among shown children."""
    root = await Region.get(code=code)
    flags = await flagging.quota_flags_in(root, period, settings.rules)
    if tree.shown(code):
        flags += await flagging.app_flags(code, settings.rules)
    hours = {c: h for c, r in tree.regions.items() if r["parent_id"] == code and (h := _hours(tree.shown(c), period)) is not None}
    names = {c: localized_name(tree.regions[c]["name"], tree.regions[c]["name_hant"]) for c in hours}
    return flagging.ordered(flags + flagging.peer_outlier_flags(hours, names, settings.rules))


def _hours(cell: rollup.Cell | None, period: Period) -> float | None:
    return indices.hours_per_reporter_week(cell.minutes, cell.reporters, period.weeks) if cell else None


async def _flag_paths(flags: list) -> dict[int, str]:
    paths = dict(await Region.filter(code__in={f.region for f in flags}).values_list("code", "path"))
    return {i: paths.get(f.region, "") for i, f in enumerate(flags)}


async def _cell_summary(tree: PublishedTree, code: str, period: Period, settings: Settings, context: dict) -> dict[str, Any]:
    region, cell = tree.regions[code], tree.shown(code)
    quotas = context["quotas"].get(code, {})
    person = _person_indices(cell, period, settings, context, code) if cell else dict.fromkeys(PERSON_INDICES)
    shared = {"quota_pressure": _round(quotas.get("quota_pressure")), "ranking_share": _round(quotas.get("ranking_share"))}
    if cell:
        inputs = indices.IndexInputs(person["hours_per_reporter_week"], person["apps_per_reporter"], shared["quota_pressure"], shared["ranking_share"], person["evidence_share"], person["fabrication_share"])
        person["burden_index"] = indices.burden_index(inputs, settings.rules)
    return {
        "region": {"code": code, "name": localized_name(region["name"], region["name_hant"]), "level": region["level"]},
        "period": period.key,
        "reporters": cell.reporters if cell else None,
        "suppressed": cell is None,
        "indices": {**person, **shared},
        "flags_count": sum(1 for path in context["flag_paths"] if in_subtree(path, region["path"])),
        "children": [],
    }


PERSON_INDICES = ("hours_per_reporter_week", "hours_per_reporter_week_median", "apps_per_reporter", "evidence_share", "fabrication_share", "cost_yuan", "burden_index")


def _person_indices(cell: rollup.Cell, period: Period, settings: Settings, context: dict, code: str) -> dict[str, Any]:
    outcomes, roster = context["outcomes"].get(code, {}), context["rosters"].get(code, {})
    median = cell.median_minutes / 60 / period.weeks if cell.median_minutes is not None else None
    # DESIGN.md §2: a sensitive share needs 3 reporters saying yes and 3 saying no.
    yes, said = outcomes.get("reporters_fabricating", 0), outcomes.get("reporters", 0)
    fabrication = indices.share(outcomes.get("fabricated", 0), outcomes.get("outcomes", 0)) if yes >= 3 and said - yes >= 3 else None
    return {
        "hours_per_reporter_week": _round(_hours(cell, period)),
        "hours_per_reporter_week_median": _round(median),
        "apps_per_reporter": _round(indices.share(roster.get("items", 0), roster.get("reporters", 0))),
        "evidence_share": _round(indices.share(cell.evidence_minutes, cell.minutes)),
        "fabrication_share": _round(fabrication),
        "cost_yuan": round(indices.cost_yuan(cell.minutes, outcomes.get("paid_yuan", 0.0), settings.wage)),
        "burden_index": None,
    }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


async def _sources_and_change(tree: PublishedTree, code: str, period: Period, settings: Settings) -> dict[str, Any]:
    """Where the hours went (tasks, apps, complaint categories) and the change against the previous period."""
    cell = tree.shown(code)
    if cell is None:
        return {"top_sources": None, "categories": None, "change": None}
    total = cell.minutes / 60
    by_task = await rollup.task_minutes(period, code)
    task_hours = {(t["task"], localized_name(t["title"], None)): t["minutes"] / 60 for t in by_task}
    app_hours: dict[int, float] = {}
    for t in by_task:
        if t["app"]:
            app_hours[t["app"]] = app_hours.get(t["app"], 0.0) + t["minutes"] / 60
    app_names = {a.id: localized_name(a.name, a.name_hant) for a in await App.filter(id__in=list(app_hours))}
    categories: dict[str, float] = dict.fromkeys(indices.CATEGORIES, 0.0)
    for activity, minutes in (await rollup.activity_minutes(period, code)).items():
        categories[indices.CATEGORY_OF_ACTIVITY.get(activity, "other")] += minutes / 60
    previous = (await published_tree(period.previous(), settings)).shown(code)
    return {
        "top_sources": {
            "tasks": [{"id": ident, "name": name, "hours": hours, "share": _round(part)} for (ident, name), hours, part in indices.top_sources(task_hours, total)],
            "apps": [{"id": ident, "name": app_names[ident], "hours": hours, "share": _round(part)} for ident, hours, part in indices.top_sources(app_hours, total)],
        },
        "categories": {name: {"hours": round(hours, 2), "share": _round(indices.share(hours, total))} for name, hours in categories.items()},
        "change": indices.change((previous.reporters, previous.minutes), (cell.reporters, cell.minutes)) if previous else None,
    }


async def region_flags(code: str, period: Period, settings: Settings, today: date) -> list:
    return await subtree_flags(await _tree_for(code, period, settings, today), code, period, settings)


async def _tree_for(code: str, period: Period, settings: Settings, today: date) -> PublishedTree:
    """The published tree of a period that is open to readers and holds the region (else 409, 404)."""
    check_published(period, today)
    tree = await published_tree(period, settings)
    if code not in tree.regions:
        raise NotFound("region")
    return tree
