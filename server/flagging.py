"""All flags of a region's subtree in a period: each quota's own, escalation down each task's tree,
counters growing like machines, pace, duplicate and zombie apps, and busy outliers among children.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from tortoise import Tortoise
from tortoise.expressions import Subquery

from server.burden.attribution import attributed_to_issuers
from server.burden.cross_rules import QuotaNode, RequiredApp, duplicate_app_flags, escalation_flags, pace_flag, zombie_app_flag
from server.burden.periods import Period
from server.burden.quota_rules import Flag, quota_flags, task_flags
from server.burden.regions import in_subtree
from server.burden.rules import Rules
from server.db import day_param
from server.directory import task_facts
from server.i18n import localized_name
from server.ledger import quota_facts, uniform_growth_flag
from server.models import App, ProgressPoint, Quota, Region, Task

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


async def quota_flags_in(root: Region, period: Period, rules: Rules) -> list[Flag]:
    """Flags of the quotas (and their tasks) running in the period in the subtree of `root`.

    A fixed number of queries whatever the size of the tree: no query carries a parameter per
    quota or region (a province has 100,000 quotas; PostgreSQL takes 32,767 parameters)."""
    running = Quota.filter(task__period_start__lte=period.last, task__period_end__gte=period.first)
    quotas = await running.filter(region__path__startswith=root.path).select_related("task", "region", "region__parent")
    flags: list[Flag] = []
    tasks = {}
    for quota in quotas:
        facts = task_facts(quota.task)
        flags += [f for f in quota_flags(facts, quota_facts(quota, quota.region), rules) if f.kind in ("exceeds_base", "exceeds_eligible")]
        tasks[quota.task_id] = quota.task
    by_task: dict[int, list[Quota]] = defaultdict(list)
    in_subtree_tasks = Subquery(running.filter(region__path__startswith=root.path).values("task_id"))
    for quota in await running.filter(task_id__in=in_subtree_tasks).select_related("region"):
        by_task[quota.task_id].append(quota)
    children = await _child_counts(period)
    for task in tasks.values():
        flags += task_flags(task_facts(task))
        flags += _escalation(task, by_task[task.id], children, root, rules)
    flags += await _progress_flags(root, quotas, period, rules)
    return attributed_to_issuers(flags, _setters(quotas))


def _setters(quotas: list[Quota]) -> dict[str, tuple[str, str]]:
    """Each receiving region's parent, the region that set its target: (code, name)."""
    return {q.region_id: (p.code, localized_name(p.name, p.name_hant)) for q in quotas if (p := q.region.parent)}


CHILD_COUNTS = """
SELECT r.parent_id AS code, COUNT(*) AS children FROM region r
WHERE r.parent_id IN (SELECT q.region_id FROM quota q JOIN task t ON t.id = q.task_id WHERE t.period_start <= $2 AND t.period_end >= $1)
GROUP BY r.parent_id
"""


async def _child_counts(period: Period) -> dict[str, int]:
    """How many places lie under each region that received a quota running in the period."""
    client = Tortoise.get_connection("default")
    rows = await client.execute_query_dict(CHILD_COUNTS, [day_param(client, period.first), day_param(client, period.last)])
    return {r["code"]: int(r["children"]) for r in rows}


def _escalation(task: Task, quotas: list[Quota], children: dict[str, int], root: Region, rules: Rules) -> list[Flag]:
    nodes = [QuotaNode(q.region_id, localized_name(q.region.name, q.region.name_hant), q.region.parent_id, q.target, q.region.population, children.get(q.region_id, 0)) for q in quotas]
    paths = {q.region_id: q.region.path for q in quotas}
    return [f for f in escalation_flags(nodes, task.issued_by_id, task.id, task.app_id, rules) if in_subtree(paths[f.region], root.path)]


async def _progress_flags(root: Region, quotas: list[Quota], period: Period, rules: Rules) -> list[Flag]:
    points = defaultdict(list)
    subtree = ProgressPoint.filter(quota__region__path__startswith=root.path, quota__task__period_start__lte=period.last, quota__task__period_end__gte=period.first)
    for point in await subtree.order_by("at").values("quota_id", "at", "value"):
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
