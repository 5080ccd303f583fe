"""A month's release as measures over the region tree (DESIGN.md §2, one disclosure-control pass).

Each published figure belongs to a table: one measure (minutes, reporters, one task's minutes,
outcomes saying yes and no, yuan paid, an app's reporters...) over the published regions, with the
distinct established reporters behind each cell. What a reader knows besides the tables is written
down as relations (the categories add up to the minutes, the tasks and the time under no task too,
the apps listed add up to the roster items), so that the auditor solves with everything a reader
could. `release_figures` then keeps, per region, only what the pass left shown.

Plain data in, plain data out: the release service reads the store and stores the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from server.domain import disclosure
from server.domain.anonymity import effective_k
from server.domain.indices import CATEGORIES, CATEGORY_OF_ACTIVITY, EVIDENCE_ACTIVITIES
from server.domain.vocab import ACTIVITIES

# Categories no activity maps to (hollow apps, reported through rosters) are 0 by construction.
LOGGED_CATEGORIES = tuple(c for c in CATEGORIES if c in set(CATEGORY_OF_ACTIVITY.values()))
SENSITIVE_FLOOR = 3  # DESIGN.md §2: a sensitive share needs 3 reporters saying yes and 3 saying no


@dataclass(frozen=True)
class PlacedRegion:
    code: str
    parent: str | None
    level: str
    path: str


@dataclass(frozen=True)
class Part:
    """Minutes (or a count) under one region, and the established reporters behind them."""

    value: int | float
    established: int


@dataclass
class MonthFacts:
    """What the store holds about one month, per published region (a missing code is nothing)."""

    regions: list[PlacedRegion]
    accounts: dict[str, int]
    reporters: dict[str, Part] = field(default_factory=dict)
    minutes: dict[str, Part] = field(default_factory=dict)
    median_minutes: dict[str, float] = field(default_factory=dict)
    tasks: dict[str, dict[int | None, Part]] = field(default_factory=dict)
    activities: dict[str, dict[str, Part]] = field(default_factory=dict)
    categories: dict[str, dict[str, Part]] = field(default_factory=dict)
    evidence: dict[str, dict[str, Part]] = field(default_factory=dict)
    # Per region: outcomes, fabricated, paid_yuan, established, saying_yes, saying_no.
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per region: reporters, items, established.
    rosters: dict[str, dict[str, int]] = field(default_factory=dict)
    # Per region and app: reporters, saying_none, established.
    apps: dict[str, dict[int, dict[str, int]]] = field(default_factory=dict)
    quotas: dict[str, dict[str, float]] = field(default_factory=dict)


def _table(name: str, parts: dict[str, Part], k: int, **options: Any) -> disclosure.Table:
    return disclosure.Table(
        name=name,
        values={code: Fraction(str(p.value)) for code, p in parts.items()},
        contributors={code: (p.established,) for code, p in parts.items()},
        floor=(k,),
        **options,
    )


def _column(cells: dict[str, dict[Any, Part]], source: Any) -> dict[str, Part]:
    return {code: sources[source] for code, sources in cells.items() if source in sources}


def _columns(cells: dict[str, dict[Any, Part]]) -> dict[Any, dict[str, Part]]:
    """Every source's column in one pass: over the nation, a column apiece would read 3,400 tasks
    times 45,000 regions."""
    columns: dict[Any, dict[str, Part]] = {}
    for code, sources in cells.items():
        for source, part in sources.items():
            columns.setdefault(source, {})[code] = part
    return columns


def _sources(cells: dict[str, dict[Any, Part]]) -> list[Any]:
    return sorted({source for sources in cells.values() for source in sources}, key=lambda s: (s is None, str(s)))


def entry_tables(facts: MonthFacts, k: int) -> tuple[list[disclosure.Table], list[disclosure.Relation]]:
    """Reporters and minutes; minutes by task, activity, category and evidence, with the sums a reader knows."""
    one, minus = Fraction(1), Fraction(-1)
    tables = [_table("reporters", facts.reporters, k), _table("minutes", facts.minutes, k)]
    relations = []
    # Every activity has a table, logged or not: a relation with no member would tell the reader
    # that its category is zero.
    activities = list(ACTIVITIES)
    tables += [_table(f"activity:{a}", _column(facts.activities, a), k, published=False) for a in activities]
    tables += [_table(f"category:{c}", _column(facts.categories, c), k) for c in LOGGED_CATEGORIES]
    for category in LOGGED_CATEGORIES:
        members = [a for a in activities if CATEGORY_OF_ACTIVITY.get(a, "other") == category]
        relations.append(
            disclosure.Relation({f"category:{category}": one, **{f"activity:{a}": minus for a in members}})
        )
    relations.append(disclosure.Relation({"minutes": minus, **{f"category:{c}": one for c in LOGGED_CATEGORIES}}))
    tables.append(_table("evidence", _column(facts.evidence, "evidence"), k))
    relations.append(
        disclosure.Relation(
            {"evidence": one, **{f"activity:{a}": minus for a in activities if a in EVIDENCE_ACTIVITIES}}
        )
    )
    # Time under no task is never published, and always a term: the reader does not know it is none.
    tasks = [t for t in _sources(facts.tasks) if t is not None] + [None]
    by_task = _columns(facts.tasks)
    tables += [_table(_task_table(t), by_task.get(t, {}), k, published=t is not None) for t in tasks]
    relations.append(disclosure.Relation({"minutes": minus, **{_task_table(t): one for t in tasks}}))
    return tables, relations


def _task_table(task: int | None) -> str:
    return "task:none" if task is None else f"task:{task}"


def outcome_tables(facts: MonthFacts, k: int) -> list[disclosure.Table]:
    """Outcomes, those met by fabrication and the yuan paid: each needs k reporters, 3 saying yes and 3 no.

    A fourth count, the outcomes said by anyone (established or not), has no floor: it tells a figure
    that is 0 because those behind it said no (or paid nothing) from one with nobody behind it. The
    three counts above miss a reporter who is not established, and without the fourth such a
    reporter's "no" would pass for nothing at all and be shown, while their "yes" hid (DESIGN.md §2).
    """
    floor = (k, SENSITIVE_FLOOR, SENSITIVE_FLOOR, 0)
    contributors = {
        code: (o["established"], o["saying_yes"], o["saying_no"], o["outcomes"]) for code, o in facts.outcomes.items()
    }
    return [
        disclosure.Table(
            name, {code: Fraction(str(o[name])) for code, o in facts.outcomes.items()}, contributors, floor
        )
        for name in ("outcomes", "fabricated", "paid_yuan")
    ]


def roster_tables(facts: MonthFacts, k: int) -> tuple[list[disclosure.Table], list[disclosure.Relation]]:
    """Roster reporters and items; each app's reporters and those saying residents never use it."""
    reporters = {code: Part(r["reporters"], r["established"]) for code, r in facts.rosters.items()}
    items = {code: Part(r["items"], r["established"]) for code, r in facts.rosters.items()}
    tables = [_table("roster_reporters", reporters, k), _table("roster_items", items, k)]
    apps = sorted({app for per in facts.apps.values() for app in per})
    for app in apps:
        named = {
            code: Part(per[app]["reporters"], per[app]["established"]) for code, per in facts.apps.items() if app in per
        }
        none = {
            code: Part(per[app]["saying_none"], per[app]["established"])
            for code, per in facts.apps.items()
            if app in per
        }
        tables += [_table(f"app:{app}", named, k), _table(f"app:{app}:none", none, k, requires=(f"app:{app}",))]
    relations = (
        [disclosure.Relation({"roster_items": Fraction(-1), **{f"app:{app}": Fraction(1) for app in apps}})]
        if apps
        else []
    )
    return tables, relations


def protect_month(facts: MonthFacts, k: int, workers: int = 1) -> dict[str, AbstractSet[str]]:
    """The disclosure pass over every table of the month: hidden codes per table. `workers`: the
    processes that protect the provinces of a forest at once (`disclosure.protect`)."""
    k = effective_k(k)
    known_zero = {r.code for r in facts.regions if not facts.accounts.get(r.code)}
    regions = [disclosure.Region(r.code, r.parent, r.code in known_zero) for r in facts.regions]
    entry, entry_relations = entry_tables(facts, k)
    roster, roster_relations = roster_tables(facts, k)
    return disclosure.protect(
        regions, entry + outcome_tables(facts, k) + roster, entry_relations + roster_relations, workers=workers
    )


def release_figures(facts: MonthFacts, hidden: Mapping[str, AbstractSet[str]]) -> dict[str, dict[str, Any]]:
    """Per region, the figures a reader may see: a hidden figure is null (or left out of a list)."""
    known_zero = {r.code for r in facts.regions if not facts.accounts.get(r.code)}
    # Each column once, not once per region: a province has thousands of regions.
    columns = {
        "evidence": _column(facts.evidence, "evidence"),
        **{f"category:{c}": _column(facts.categories, c) for c in LOGGED_CATEGORIES},
    }
    return {r.code: _figures_of(r.code, facts, hidden, r.code in known_zero, columns) for r in facts.regions}


def _figures_of(
    code: str,
    facts: MonthFacts,
    hidden: Mapping[str, AbstractSet[str]],
    known_zero: bool,
    columns: dict[str, dict[str, Part]],
) -> dict[str, Any]:
    """One region's figures as a reader may see them: null (or left out of a list) where hidden."""

    def shown(table: str) -> bool:
        return code not in hidden.get(table, set())

    return {
        "known_zero": known_zero,
        **_logged_figures(code, facts, columns, shown),
        **_said_figures(code, facts, shown),
        "quotas": facts.quotas.get(code),
    }


def _logged_figures(
    code: str, facts: MonthFacts, columns: dict[str, dict[str, Part]], shown: Callable[[str], bool]
) -> dict[str, Any]:
    """What was logged: reporters, minutes, the median, evidence, categories and tasks."""

    def value(table: str, parts: dict[str, Part]) -> int | float | None:
        return (parts[code].value if code in parts else 0) if shown(table) else None

    # A cell is shown when its reporters and its minutes both are: hours per reporter needs both.
    cell = shown("reporters") and shown("minutes")
    return {
        "reporters": value("reporters", facts.reporters) if cell else None,
        "minutes": value("minutes", facts.minutes) if cell else None,
        "median_minutes": facts.median_minutes.get(code) if cell else None,
        "evidence_minutes": value("evidence", columns["evidence"]) if cell else None,
        "categories": {
            c: (value(f"category:{c}", columns[f"category:{c}"]) if c in LOGGED_CATEGORIES else 0) if cell else None
            for c in CATEGORIES
        },
        "tasks": [
            {"task": t, "minutes": p.value}
            for t, p in sorted((facts.tasks.get(code) or {}).items(), key=lambda i: str(i[0]))
            if t is not None and cell and shown(f"task:{t}")
        ],
    }


def _said_figures(code: str, facts: MonthFacts, shown: Callable[[str], bool]) -> dict[str, Any]:
    """What cadres said: outcomes of quotas (fabricated, yuan paid) and their rosters of apps."""
    outcome = facts.outcomes.get(code, {})
    roster = facts.rosters.get(code, {})
    return {
        "outcomes": outcome.get("outcomes", 0) if shown("outcomes") else None,
        "fabricated": outcome.get("fabricated", 0) if shown("fabricated") else None,
        "paid_yuan": outcome.get("paid_yuan", 0) if shown("paid_yuan") else None,
        "roster_reporters": roster.get("reporters", 0) if shown("roster_reporters") else None,
        "roster_items": roster.get("items", 0) if shown("roster_items") else None,
        "apps": [
            {"app": app, "reporters": a["reporters"], "saying_none": a["saying_none"]}
            for app, a in sorted((facts.apps.get(code) or {}).items())
            if shown(f"app:{app}") and shown(f"app:{app}:none")
        ],
    }
