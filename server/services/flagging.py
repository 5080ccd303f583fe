"""All flags of a region's subtree in a period: each quota's own, escalation down each task's tree,
counters growing like machines, pace, duplicate and zombie apps, and busy outliers among children.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from tortoise import Tortoise

from server.db import day_param
from server.domain.attribution import attributed_to_issuers
from server.domain.cross_rules import RequiredApp, duplicate_app_flags, pace_flag, zombie_app_flag
from server.domain.escalation import QuotaNode, escalation_flags
from server.domain.messages import Name
from server.domain.periods import Period
from server.domain.quota_rules import Flag, QuotaFacts, TaskFacts, target_flags, task_flags
from server.domain.regions import in_subtree
from server.domain.rules import Rules
from server.domain.series import uniform_growth_flag
from server.domain.vocab import severity_order
from server.models import App, ProgressPoint, Task


@dataclass(frozen=True)
class RunningQuota:
    """One quota of a task running in the period, with what its flags say of its region."""

    id: int
    task: int
    target: int
    base: str
    eligible: int | None
    base_count: int | None
    region: str
    path: str
    name: str
    name_hant: str | None
    population: int
    households: int | None
    parent: str | None
    parent_name: str | None
    parent_name_hant: str | None


@dataclass(frozen=True)
class QuotaBook:
    """Everything the quota flags of a period read, loaded once: the flags are computed once, for
    every language, without touching the store again."""

    quotas: list[RunningQuota]
    tasks: dict[int, TaskFacts]
    task_ends: dict[int, date]
    children: dict[str, int]
    points: dict[int, list[tuple[datetime, int]]]


# The running quotas as plain rows, in RunningQuota's field order: 100,000 quotas of a province
# took 1.25 s through the ORM's values() (its per-field conversion), as plain rows a fraction.
QUOTA_ROWS = """
SELECT q.id, q.task_id, q.target, q.base, q.eligible, q.base_count, q.region_id, r.path, r.name, r.name_hant,
       r.population, r.households, r.parent_id, p.name, p.name_hant
FROM quota q
JOIN task t ON t.id = q.task_id
JOIN region r ON r.code = q.region_id
LEFT JOIN region p ON p.code = r.parent_id
WHERE t.period_start <= $2 AND t.period_end >= $1
ORDER BY q.id
"""


async def load_quota_book(period: Period) -> QuotaBook:
    """The running quotas, their tasks, child counts and progress points: four queries whatever
    the size of the tree, no parameter per quota or region (a province has 100,000 quotas;
    PostgreSQL takes 32,767 parameters), plain values rather than model objects."""
    client = Tortoise.get_connection("default")
    found = await client.execute_query(QUOTA_ROWS, [day_param(client, period.first), day_param(client, period.last)])
    quotas = [RunningQuota(*row) for row in found[1]]
    task_rows = await Task.filter(period_start__lte=period.last, period_end__gte=period.first).values(
        "id", "metric", "issued_by_id", "ranking", "penalty", "evidence", "frequency", "app_id", "period_end"
    )
    tasks = {
        t["id"]: TaskFacts(
            t["id"],
            t["metric"],
            t["issued_by_id"],
            t["ranking"],
            t["penalty"],
            t["evidence"],
            t["frequency"],
            t["app_id"],
        )
        for t in task_rows
    }
    points = await _progress_points(period)
    return QuotaBook(quotas, tasks, {t["id"]: t["period_end"] for t in task_rows}, await _child_counts(period), points)


async def _progress_points(period: Period) -> dict[int, list[tuple[datetime, int]]]:
    """(time, value) readings of each running quota, oldest first, in one query."""
    points: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    subtree = ProgressPoint.filter(
        quota__task__period_start__lte=period.last, quota__task__period_end__gte=period.first
    )
    for point in await subtree.order_by("quota_id", "at").values("quota_id", "at", "value"):
        points[point["quota_id"]].append((point["at"], point["value"]))
    return dict(points)


def quota_flags_in(book: QuotaBook, root_path: str, period: Period, rules: Rules) -> list[Flag]:
    """Flags of the quotas (and their tasks) running in the period in the subtree at `root_path`."""
    inside = [q for q in book.quotas if in_subtree(q.path, root_path)]
    flags: list[Flag] = []
    for quota in inside:
        flags += target_flags(book.tasks[quota.task], _quota_facts(quota), rules)
    by_task: dict[int, list[RunningQuota]] = defaultdict(list)
    for quota in book.quotas:
        by_task[quota.task].append(quota)
    for task in dict.fromkeys(q.task for q in inside):
        facts = book.tasks[task]
        flags += task_flags(facts)
        flags += _escalation(facts, by_task[task], book.children, root_path, rules)
    flags += _progress_flags(inside, book, period, rules)
    return attributed_to_issuers(flags, _setters(inside))


def _quota_facts(quota: RunningQuota) -> QuotaFacts:
    return QuotaFacts(
        region=quota.region,
        region_name=Name(quota.name, quota.name_hant),
        target=quota.target,
        base=quota.base,
        population=quota.population,
        households=quota.households,
        eligible=quota.eligible,
        base_count=quota.base_count,
    )


def _setters(quotas: list[RunningQuota]) -> dict[str, tuple[str, Name]]:
    """Each receiving region's parent, the region that set its target: (code, name)."""
    return {q.region: (q.parent, Name(q.parent_name, q.parent_name_hant)) for q in quotas if q.parent}


CHILD_COUNTS = """
SELECT r.parent_id AS code, COUNT(*) AS children FROM region r
WHERE r.parent_id IN (
    SELECT q.region_id FROM quota q JOIN task t ON t.id = q.task_id WHERE t.period_start <= $2 AND t.period_end >= $1
)
GROUP BY r.parent_id
"""


async def _child_counts(period: Period) -> dict[str, int]:
    """How many places lie under each region that received a quota running in the period."""
    client = Tortoise.get_connection("default")
    rows = await client.execute_query_dict(
        CHILD_COUNTS, [day_param(client, period.first), day_param(client, period.last)]
    )
    return {r["code"]: int(r["children"]) for r in rows}


def _escalation(
    task: TaskFacts, quotas: list[RunningQuota], children: dict[str, int], root_path: str, rules: Rules
) -> list[Flag]:
    nodes = [
        QuotaNode(q.region, Name(q.name, q.name_hant), q.parent, q.target, q.population, children.get(q.region, 0))
        for q in quotas
    ]
    paths = {q.region: q.path for q in quotas}
    return [
        f
        for f in escalation_flags(nodes, task.issued_by, task.id, task.app, rules)
        if in_subtree(paths[f.region], root_path)
    ]


def _progress_flags(quotas: list[RunningQuota], book: QuotaBook, period: Period, rules: Rules) -> list[Flag]:
    flags = []
    start = datetime.combine(period.first, datetime.min.time())
    for quota in quotas:
        series = book.points.get(quota.id)
        if not series:
            continue
        growth = uniform_growth_flag(series, quota.region, quota.task, rules)
        flags += [growth] if growth else []
        by_day = [((at - start.replace(tzinfo=at.tzinfo)).total_seconds() / 86400, value) for at, value in series]
        pace = pace_flag(
            quota.region,
            Name(quota.name, quota.name_hant),
            quota.task,
            quota.target,
            by_day,
            (book.task_ends[quota.task] - period.last).days,
            0,
            rules,
        )
        flags += [pace] if pace else []
    return flags


async def load_apps(ids: set[int]) -> dict[int, App]:
    """The apps a release's flags may name, read once for every region and language."""
    return {a.id: a for a in await App.filter(id__in=sorted(ids))} if ids else {}


def app_flags(code: str, cells: list[dict[str, int]], apps: dict[int, App], rules: Rules) -> list[Flag]:
    """Duplicate and zombie apps among those the region's reporters must use, from the frozen
    release (`cells`: apps named by k reporters or more, for a shown cell only)."""
    named = [apps[app] for app in sorted({c["app"] for c in cells})]
    required = [
        RequiredApp(a.id, Name(a.name, a.name_hant), a.function, (a.owner_level, a.owner_region_id)) for a in named
    ]
    flags = duplicate_app_flags(code, required)
    for cell in cells:
        app = next(r for r in required if r.id == cell["app"])
        zombie = zombie_app_flag(code, app, cell["reporters"], cell["saying_none"], rules)
        flags += [zombie] if zombie else []
    return flags


def ordered(flags: list[Flag]) -> list[Flag]:
    """The flags in reading order, each once (a later flag with the same identity replaces it)."""
    unique = {identity(f): f for f in flags}
    return sorted(unique.values(), key=reading_order)


def identity(flag: Flag) -> tuple:
    return (flag.kind, flag.region, flag.task, flag.app)


def reading_order(flag: Flag) -> tuple:
    """The most severe first, then by kind, region, task and app."""
    return (severity_order(flag.severity), flag.kind, flag.region, flag.task or 0, flag.app or 0)
