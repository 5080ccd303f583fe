"""The burden summary of a region and its children for a published period (DESIGN.md §3, §4).

Person-derived figures come from one place, the frozen release (`release.published_tree`): cells
under k reporters, and cells whose figures would reveal them, read as suppressed (null), nothing
below the lowest published level is listed, and each figure has passed its own k rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from server import flagging, rollup
from server.burden import indices
from server.burden.periods import Period
from server.burden.regions import in_subtree
from server.config import Settings
from server.errors import NotFound, NotPublished
from server.i18n import localized_name
from server.models import App, Region, Task
from server.release import PublishedTree, forget_trees, published_tree

__all__ = ["burden_summary", "region_report", "region_flags", "place_indices", "published_tree", "forget_trees"]


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
    flags = await subtree_flags(tree, code, period, settings)
    flag_paths = list((await _flag_paths(flags)).values())
    root = _cell_summary(tree, code, period, settings, flag_paths)
    root["children"] = [_cell_summary(tree, child, period, settings, flag_paths) for child in children]
    root.update(await _sources_and_change(tree, code, period, settings))
    return root, flags


async def subtree_flags(tree: PublishedTree, code: str, period: Period, settings: Settings) -> list:
    """Quota flags of the subtree; app flags of the region when its cell is shown; busy outliers among shown children."""
    root = await Region.get(code=code)
    flags = await flagging.quota_flags_in(root, period, settings.rules)
    if tree.shown(code):
        flags += await flagging.app_flags(code, tree.figures_of(code).get("apps", []), settings.rules)
    hours = {c: h for c, r in tree.regions.items() if r["parent_id"] == code and (h := _hours(tree.shown(c), period)) is not None}
    names = {c: localized_name(tree.regions[c]["name"], tree.regions[c]["name_hant"]) for c in hours}
    return flagging.ordered(flags + flagging.peer_outlier_flags(hours, names, settings.rules))


def _hours(cell: rollup.Cell | None, period: Period) -> float | None:
    return indices.hours_per_reporter_week(cell.minutes, cell.reporters, period.weeks) if cell else None


async def _flag_paths(flags: list) -> dict[int, str]:
    paths = dict(await Region.filter(code__in={f.region for f in flags}).values_list("code", "path"))
    return {i: paths.get(f.region, "") for i, f in enumerate(flags)}


def _cell_summary(tree: PublishedTree, code: str, period: Period, settings: Settings, flag_paths: list[str]) -> dict[str, Any]:
    region, cell, figures = tree.regions[code], tree.shown(code), tree.figures_of(code)
    quotas = figures.get("quotas") or {}
    person = _person_indices(cell, figures, period, settings) if cell else dict.fromkeys(PERSON_INDICES)
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
        "flags_count": sum(1 for path in flag_paths if in_subtree(path, region["path"])),
        "children": [],
    }


def place_indices(tree: PublishedTree, code: str, period: Period, settings: Settings) -> dict[str, Any]:
    """One place's headline figures in a release (for a review's before and after)."""
    cell = _cell_summary(tree, code, period, settings, [])
    keep = ("burden_index", "hours_per_reporter_week", "cost_yuan", "quota_pressure")
    return {"reporters": cell["reporters"], "suppressed": cell["suppressed"], **{name: cell["indices"][name] for name in keep}}


PERSON_INDICES = ("hours_per_reporter_week", "hours_per_reporter_week_median", "apps_per_reporter", "evidence_share", "fabrication_share", "cost_yuan", "burden_index")


def _person_indices(cell: rollup.Cell, figures: dict[str, Any], period: Period, settings: Settings) -> dict[str, Any]:
    median = cell.median_minutes / 60 / period.weeks if cell.median_minutes is not None else None
    evidence = figures.get("evidence_minutes")
    fabricated, outcomes = figures.get("fabricated"), figures.get("outcomes")
    return {
        "hours_per_reporter_week": _round(_hours(cell, period)),
        "hours_per_reporter_week_median": _round(median),
        "apps_per_reporter": _round(indices.share(figures["roster_items"], figures["roster_reporters"])) if figures.get("roster_reporters") else None,
        "evidence_share": _round(indices.share(evidence, cell.minutes)) if evidence is not None else None,
        "fabrication_share": _round(indices.share(fabricated, outcomes)) if fabricated is not None and outcomes else None,
        "cost_yuan": round(indices.cost_yuan(cell.minutes, figures.get("paid_yuan", 0.0), settings.wage)),
        "burden_index": None,
    }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


async def _sources_and_change(tree: PublishedTree, code: str, period: Period, settings: Settings) -> dict[str, Any]:
    """Where the hours went (tasks, apps, complaint categories) and the change against the previous
    period, all from the frozen release: a task or category carried by fewer than k reporters is
    not listed, and an app's hours are the sum of its listed tasks."""
    cell = tree.shown(code)
    if cell is None:
        return {"top_sources": None, "categories": None, "change": None}
    total = cell.minutes / 60
    figures = tree.figures_of(code)
    tasks = {t.id: t for t in await Task.filter(id__in=[t["task"] for t in figures.get("tasks", [])])}
    task_hours = {(ident, tasks[ident].title): t["minutes"] / 60 for t in figures.get("tasks", []) if (ident := t["task"]) in tasks}
    app_hours: dict[int, float] = {}
    for (ident, _title), hours in task_hours.items():
        if tasks[ident].app_id:
            app_hours[tasks[ident].app_id] = app_hours.get(tasks[ident].app_id, 0.0) + hours
    app_names = {a.id: localized_name(a.name, a.name_hant) for a in await App.filter(id__in=list(app_hours))}
    categories = figures.get("categories", {})
    previous = (await published_tree(period.previous(), settings)).shown(code)
    return {
        "top_sources": {
            "tasks": [{"id": ident, "name": localized_name(name, None), "hours": hours, "share": _round(part)} for (ident, name), hours, part in indices.top_sources(task_hours, total)],
            "apps": [{"id": ident, "name": app_names[ident], "hours": hours, "share": _round(part)} for ident, hours, part in indices.top_sources(app_hours, total) if ident in app_names],
        },
        "categories": {
            name: {"hours": round(minutes / 60, 2), "share": _round(indices.share(minutes / 60, total))} if (minutes := categories.get(name, 0.0)) is not None else {"hours": None, "share": None}
            for name in indices.CATEGORIES
        },
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
