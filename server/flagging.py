"""All flags of a region's subtree in a period: each quota's own, escalation down each task's tree,
counters growing like machines, pace, duplicate and zombie apps, and busy outliers among children.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from server.burden.attribution import attributed_to_issuers
from server.burden.cross_rules import QuotaNode, RequiredApp, duplicate_app_flags, escalation_flags, pace_flag, zombie_app_flag
from server.burden.periods import Period
from server.burden.quota_rules import Flag, quota_flags, task_flags
from server.burden.regions import in_subtree
from server.burden.rules import Rules
from server.directory import task_facts
from server.i18n import localized_name
from server.ledger import quota_facts, uniform_growth_flag
from server.models import App, ProgressPoint, Quota, Region

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


async def quota_flags_in(root: Region, period: Period, rules: Rules) -> list[Flag]:
    """Flags of the quotas (and their tasks) running in the period in the subtree of `root`."""
    quotas = await Quota.filter(region__path__startswith=root.path, task__period_start__lte=period.last, task__period_end__gte=period.first).select_related("task", "region")
    flags: list[Flag] = []
    tasks = {}
    for quota in quotas:
        facts = task_facts(quota.task)
        flags += [f for f in quota_flags(facts, quota_facts(quota, quota.region), rules) if f.kind in ("exceeds_base", "exceeds_eligible")]
        tasks[quota.task_id] = quota.task
    for task in tasks.values():
        flags += task_flags(task_facts(task))
        flags += await _escalation(task, root)
    flags += await _progress_flags(quotas, period, rules)
    return attributed_to_issuers(flags, await _setters(quotas))


async def _setters(quotas: list[Quota]) -> dict[str, tuple[str, str]]:
    """Each receiving region's parent, the region that set its target: (code, name)."""
    parents = {r.code: r for r in await Region.filter(code__in={q.region.parent_id for q in quotas if q.region.parent_id})}
    return {q.region_id: (p.code, localized_name(p.name, p.name_hant)) for q in quotas if (p := parents.get(q.region.parent_id))}


async def _escalation(task, root: Region) -> list[Flag]:
    quotas = await Quota.filter(task_id=task.id).select_related("region")
    children = defaultdict(int)
    for parent in await Region.filter(parent_id__in=[q.region_id for q in quotas]).values_list("parent_id", flat=True):
        children[parent] += 1
    nodes = [QuotaNode(q.region_id, localized_name(q.region.name, q.region.name_hant), q.region.parent_id, q.target, q.region.population, children[q.region_id]) for q in quotas]
    paths = {q.region_id: q.region.path for q in quotas}
    return [f for f in escalation_flags(nodes, task.issued_by_id, task.id, task.app_id) if in_subtree(paths[f.region], root.path)]


async def _progress_flags(quotas: list[Quota], period: Period, rules: Rules) -> list[Flag]:
    points = defaultdict(list)
    for point in await ProgressPoint.filter(quota_id__in=[q.id for q in quotas]).order_by("at").values("quota_id", "at", "value"):
        points[point["quota_id"]].append((point["at"], point["value"]))
    flags = []
    for quota in quotas:
        series = points.get(quota.id)
        if not series:
            continue
        growth = uniform_growth_flag(series, quota.region_id, quota.task_id, rules)
        flags += [growth] if growth else []
        by_day = [((at - datetime.combine(period.first, datetime.min.time(), at.tzinfo)).total_seconds() / 86400, value) for at, value in series]
        name = localized_name(quota.region.name, quota.region.name_hant)
        pace = pace_flag(quota.region_id, name, quota.task_id, quota.target, by_day, (quota.task.period_end - period.last).days, 0, rules)
        flags += [pace] if pace else []
    return flags


async def app_flags(code: str, cells: list[dict[str, int]], rules: Rules) -> list[Flag]:
    """Duplicate and zombie apps among those the region's reporters must use, from the frozen
    release (`cells`: apps named by k reporters or more, for a shown cell only)."""
    apps = {a.id: a for a in await App.filter(id__in=[c["app"] for c in cells])}
    required = [RequiredApp(a.id, localized_name(a.name, a.name_hant), a.function, (a.owner_level, a.owner_region_id)) for a in apps.values()]
    flags = duplicate_app_flags(code, required)
    for cell in cells:
        app = next(r for r in required if r.id == cell["app"])
        zombie = zombie_app_flag(code, app, cell["reporters"], cell["saying_none"], rules)
        flags += [zombie] if zombie else []
    return flags


def ordered(flags: list[Flag]) -> list[Flag]:
    unique = {(f.kind, f.region, f.task, f.app): f for f in flags}
    return sorted(unique.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.region, f.task or 0, f.app or 0))
