"""A period's release: every person-derived figure supervisors may see, computed once when the period
is first asked for after its grace delay, then frozen in `published_cell` (DESIGN.md §2).

Freezing the whole release, not only the entry cells, is what makes "two releases cannot be
subtracted" true: hours by task, fabrication shares and rosters would otherwise move with every
late entry and point at whoever sent it. Each figure passes its own k rule here, before it is
stored, so readers never see a figure that was not cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server import rollup
from server.burden import indices
from server.burden.anonymity import K_FLOOR, CellCount, SourceCount, publishable_sources, published_level, suppressed_cells
from server.burden.periods import Period, weeks_overlapping
from server.burden.vocab import LEVELS
from server.config import Settings
from server.models import PublishedCell, Region

EVIDENCE_ACTIVITIES = frozenset({"evidence", "duplicate_reporting"})
SENSITIVE_SHARE_FLOOR = 3  # DESIGN.md §2: 3 reporters saying yes and 3 saying no


@dataclass
class PublishedTree:
    regions: dict[str, dict[str, Any]]
    cells: dict[str, rollup.Cell]
    hidden: set[str]
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def shown(self, code: str) -> rollup.Cell | None:
        return None if code in self.hidden else self.cells.get(code)

    def figures_of(self, code: str) -> dict[str, Any]:
        return self.figures.get(code) or {}


_trees: dict[tuple, PublishedTree] = {}
TREES_KEPT = 32


async def published_tree(period: Period, settings: Settings) -> PublishedTree:
    """The period's release, frozen the first time it is asked for: later entries, restarts and
    other processes answer the same, so two answers can never be subtracted from each other."""
    key = (period.key, settings.k, settings.min_level)
    if key not in _trees:
        if len(_trees) >= TREES_KEPT:
            _trees.pop(next(iter(_trees)))
        _trees[key] = await _frozen_tree(period, settings)
    return _trees[key]


def forget_trees() -> None:
    """Tests and the demo loader change the store under a running process."""
    _trees.clear()


async def _frozen_tree(period: Period, settings: Settings) -> PublishedTree:
    release = {"period": period.key, "k": settings.k, "min_level": settings.min_level}
    stored = await PublishedCell.filter(**release)
    if not stored:
        fresh = await _compute_tree(period, settings)
        rows = [
            PublishedCell(**release, code=code, level=r["level"], hidden=code in fresh.hidden, figures=fresh.figures.get(code), **_cell_values(fresh.cells.get(code)))
            for code, r in fresh.regions.items()
        ]
        await PublishedCell.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        stored = await PublishedCell.filter(**release)  # whoever froze it first decides
    regions = await published_regions(settings)
    frozen = {c.code: c for c in stored}
    cells = {c.code: rollup.Cell(c.code, c.level, c.reporters, c.minutes, c.evidence_minutes, c.median_minutes) for c in stored if c.reporters}
    # A region added after the freeze has no published figure.
    hidden = {c.code for c in stored if c.hidden} | {code for code in regions if code not in frozen}
    return PublishedTree(regions, cells, hidden, {c.code: c.figures or {} for c in stored})


def _cell_values(cell: rollup.Cell | None) -> dict[str, Any]:
    if cell is None:
        return {"reporters": 0, "minutes": 0.0, "evidence_minutes": 0.0, "median_minutes": None}
    return {"reporters": cell.reporters, "minutes": cell.minutes, "evidence_minutes": cell.evidence_minutes, "median_minutes": cell.median_minutes}


async def published_regions(settings: Settings) -> dict[str, dict[str, Any]]:
    levels = [level for level in LEVELS if published_level(level, settings.min_level)]
    return {r["code"]: r for r in await Region.filter(level__in=levels).values("code", "parent_id", "level", "name", "name_hant", "path", "population")}


async def _compute_tree(period: Period, settings: Settings) -> PublishedTree:
    levels = [level for level in LEVELS if published_level(level, settings.min_level)]
    regions = await published_regions(settings)
    cells = await rollup.entry_cells(period, levels=levels)
    counts = [CellCount(code, r["parent_id"], r["level"], cells[code].reporters if code in cells else 0) for code, r in regions.items()]
    hidden = suppressed_cells(counts, settings.k)
    if period.kind == "month":
        forced = await _hidden_by_weeks(period, cells, hidden, settings)
        hidden = suppressed_cells(counts, settings.k, forced)
    tree = PublishedTree(regions, cells, hidden)
    tree.figures = await _release_figures(tree, period, levels, settings.k)
    return tree


async def _hidden_by_weeks(month: Period, cells: dict[str, rollup.Cell], hidden: set[str], settings: Settings) -> set[str]:
    """Regions whose month would give away a week they are hidden in (DESIGN.md §2, across periods).

    A month minus the weeks it shows of a region is what the region logged on the month's days of
    its hidden weeks. That remainder must rest on k reporters or more, or on none at all. The weeks
    are frozen first (a month is published only after its last week is).
    """
    weeks = [(week, await published_tree(week, settings)) for week in weeks_overlapping(month)]
    hidden_weeks: dict[frozenset[str], list[str]] = {}
    for code in cells:
        if code in hidden:
            continue
        missing = frozenset(week.key for week, tree in weeks if tree.shown(code) is None)
        if missing:
            hidden_weeks.setdefault(missing, []).append(code)
    forced = set()
    for missing, codes in hidden_weeks.items():
        ranges = [(max(week.first, month.first), min(week.last, month.last)) for week, _tree in weeks if week.key in missing]
        for code, reporters in (await rollup.reporters_on_days(ranges, codes)).items():
            if 0 < reporters < max(settings.k, K_FLOOR):
                forced.add(code)
    return forced


async def _release_figures(tree: PublishedTree, period: Period, levels: list[str], k: int) -> dict[str, dict[str, Any]]:
    """Everything beyond the entry cells, per region: quota pressure (not person-derived, kept for
    every region) and, for shown cells only, the figures that passed their own k rules."""
    quotas = await rollup.quota_cells(period, levels=levels)
    outcomes = await rollup.outcome_cells(period, levels=levels)
    rosters = await rollup.roster_cells(levels=levels)
    roster_apps = await rollup.roster_apps(levels=levels)
    sources = await rollup.source_cells(period, levels)
    activities = await rollup.activity_cells(period, levels)
    figures: dict[str, dict[str, Any]] = {}
    for code in tree.regions:
        figures[code] = {"quotas": quotas.get(code)}
        if tree.shown(code) is not None:
            figures[code].update(_person_figures(outcomes.get(code, {}), rosters.get(code, {}), roster_apps.get(code, []), sources.get(code, {}), activities.get(code, {}), k))
    return figures


def _person_figures(outcomes: dict, roster: dict, apps: list[dict], sources: dict, activities: dict, k: int) -> dict[str, Any]:
    yes, said = outcomes.get("reporters_fabricating", 0), outcomes.get("reporters", 0)
    # A sensitive share, and the yuan paid behind it, need 3 reporters saying yes and 3 saying no.
    sensitive = yes >= SENSITIVE_SHARE_FLOOR and said - yes >= SENSITIVE_SHARE_FLOOR
    shown_tasks = publishable_sources(sources, k)
    by_category: dict[str, SourceCount] = {}
    for activity, count in activities.items():
        category = indices.CATEGORY_OF_ACTIVITY.get(activity, "other")
        before = by_category.get(category, SourceCount(0.0, 0))
        # Reporters overlap across activities: the largest group is a floor for the union.
        by_category[category] = SourceCount(before.minutes + count.minutes, max(before.reporters, count.reporters))
    shown_categories = publishable_sources(by_category, k)
    evidence = _grouped(activities, EVIDENCE_ACTIVITIES)
    rest = _grouped(activities, set(activities) - EVIDENCE_ACTIVITIES)
    evidence_shown = evidence.minutes == 0 or "evidence" in publishable_sources({"evidence": evidence, None: rest}, k)
    return {
        "roster_reporters": roster.get("reporters", 0) if roster.get("reporters", 0) >= k else None,
        "roster_items": roster.get("items", 0) if roster.get("reporters", 0) >= k else None,
        "apps": [a for a in apps if a["reporters"] >= k],
        "outcomes": outcomes.get("outcomes", 0) if sensitive else None,
        "fabricated": outcomes.get("fabricated", 0) if sensitive else None,
        "paid_yuan": outcomes.get("paid_yuan", 0.0) if sensitive else 0.0,
        "tasks": [{"task": task, "minutes": sources[task].minutes} for task in sorted(shown_tasks)],
        "categories": {name: (by_category[name].minutes if name in shown_categories else None) if name in by_category else 0.0 for name in indices.CATEGORIES},
        "evidence_minutes": evidence.minutes if evidence_shown else None,
    }


def _grouped(activities: dict[str, SourceCount], names: set[str] | frozenset[str]) -> SourceCount:
    members = [activities[name] for name in names if name in activities]
    return SourceCount(sum(m.minutes for m in members), max((m.reporters for m in members), default=0))
