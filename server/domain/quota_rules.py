"""Flags a quota earns on its own (DESIGN.md §3): no other quota or entry is needed to decide them,
so a cadre sees them the moment the quota is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from server.domain.messages import Message, Name, Number
from server.domain.messages import message as _
from server.domain.rules import DEFAULT_RULES, Rules
from server.domain.vocab import ONE_PER_PERSON_METRICS, VANITY_METRICS

PRESSING_RANKINGS = frozenset({"daily", "weekly"})
TRACE_EVIDENCE = frozenset({"gps_trace", "photos"})


@dataclass(frozen=True)
class Flag:
    """A flag as a rule raises it, its message and basis as Messages for the edge to render
    (server.web.messages); as a release stores it and readers read it, already in words."""

    kind: str
    severity: str
    region: str
    message: Message | str
    basis: Message | str
    task: int | None = None
    app: int | None = None
    ratio: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The flag as JSON values. Shallow (`detail` is shared, never changed after a rule made
        it): a release turns about 100,000 flags into rows, and asdict's deep copy cost seconds."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class TaskFacts:
    id: int | None
    metric: str
    issued_by: str
    ranking: str
    penalty: str
    evidence: str
    frequency: str
    app: int | None = None


@dataclass(frozen=True)
class QuotaFacts:
    region: str
    region_name: Name | str
    target: int
    base: str
    population: int | None
    households: int | None
    eligible: int | None = None
    base_count: int | None = None


def base_size(quota: QuotaFacts) -> int | None:
    """The count the target is measured against, or None when the base has no count."""
    return {
        "population": quota.population,
        "households": quota.households,
        "accounts": quota.base_count,
        "eligible": quota.eligible,
    }.get(quota.base)


def exceeds_base(task: TaskFacts, quota: QuotaFacts, rules: Rules = DEFAULT_RULES) -> Flag | None:
    """A one-per-person target near or above the people (or households, accounts) it counts."""
    size = base_size(quota)
    if quota.base not in ("population", "households", "accounts") or task.metric not in ONE_PER_PERSON_METRICS:
        return None
    if not size:
        return None
    coverage = quota.target / size
    if coverage <= rules.coverage_warning:
        return None
    return Flag(
        kind="exceeds_base",
        severity="critical" if coverage > rules.coverage_critical else "warning",
        region=quota.region,
        task=task.id,
        app=task.app,
        ratio=round(coverage, 2),
        message=_coverage_message(quota, size, coverage, rules),
        basis=_(
            "One person counts once: a target above the population can only be met by fabrication. Burden-reduction "
            "rules forbid quotas that force false figures."
        ),
        detail={"target": quota.target, "base": quota.base, "base_size": size, "coverage": round(coverage, 4)},
    )


def _coverage_message(quota: QuotaFacts, size: int, coverage: float, rules: Rules) -> Message:
    """The target against its base, said as times the base, as above it, or as a percentage of it."""
    values = {
        "region": quota.region_name,
        "target": Number(quota.target),
        "size": Number(size),
        "base": _base_noun(quota.base),
    }
    if coverage >= rules.times_wording_from:
        return _(
            "This target is %(ratio)s times %(region)s's %(base)s (%(target)s against %(size)s).",
            ratio=Number(coverage, 2),
            **values,
        )
    if coverage > rules.coverage_critical:
        return _(
            "This target exceeds %(region)s's %(base)s (%(target)s against %(size)s): it cannot be met honestly.",
            **values,
        )
    return _(
        "This target is %(percent)s%% of %(region)s's %(base)s (%(target)s against %(size)s): hardly anyone may be "
        "missed.",
        percent=round(coverage * 100),
        **values,
    )


def exceeds_eligible(task: TaskFacts, quota: QuotaFacts, rules: Rules = DEFAULT_RULES) -> Flag | None:
    """A target for eligible people (children in difficulty, say) above how many there are."""
    if quota.base != "eligible" or not quota.eligible:
        return None
    ratio = quota.target / quota.eligible
    if ratio <= rules.eligible_critical:
        return None
    return Flag(
        kind="exceeds_eligible",
        severity="critical",
        region=quota.region,
        task=task.id,
        app=task.app,
        ratio=round(ratio, 2),
        message=_(
            "This target asks for %(target)s eligible people where %(region)s has %(eligible)s: %(ratio)s times as "
            "many.",
            target=Number(quota.target),
            region=quota.region_name,
            eligible=Number(quota.eligible),
            ratio=Number(ratio, 2),
        ),
        basis=_(
            "Only people who meet the criteria may be entered: a target above their number forces ineligible entries."
        ),
        detail={"target": quota.target, "eligible": quota.eligible},
    )


def vanity_metric(task: TaskFacts) -> Flag | None:
    """The quota counts installs, activity, clicks or records: measures not allowed in evaluation."""
    if task.metric not in VANITY_METRICS:
        return None
    return Flag(
        kind="vanity_metric",
        severity="warning",
        region=task.issued_by,
        task=task.id,
        app=task.app,
        message=_(
            "This task measures activity on an app (installs, registrations, logins, reposts, study time or record "
            "updates) rather than work done for residents."
        ),
        basis=_(
            "Burden-reduction rules forbid using app downloads, registrations, activity, check-ins or online time as "
            "evaluation criteria."
        ),
        detail={"metric": task.metric},
    )


def ranking_pressure(task: TaskFacts) -> Flag | None:
    """A daily or weekly ranking, or a penalty for the last: pressure that breeds fabrication."""
    if task.ranking not in PRESSING_RANKINGS and task.penalty == "none":
        return None
    return Flag(
        kind="ranking_pressure",
        severity="warning",
        region=task.issued_by,
        task=task.id,
        app=task.app,
        message=_("This task ranks the regions that carry it or punishes the last ones."),
        basis=_("Burden-reduction rules forbid frequent rankings and penalties tied to app use and reporting."),
        detail={"ranking": task.ranking, "penalty": task.penalty},
    )


def trace_requirement(task: TaskFacts) -> Flag | None:
    """GPS traces, photos or timed check-ins demanded as proof of work."""
    if task.evidence not in TRACE_EVIDENCE and task.metric != "check_ins":
        return None
    return Flag(
        kind="trace_requirement",
        severity="warning",
        region=task.issued_by,
        task=task.id,
        app=task.app,
        message=_("This task demands GPS traces, photos or timed check-ins as proof."),
        basis=_("Burden-reduction rules forbid excessive evidence-keeping (过度留痕) and mechanical check-ins."),
        detail={"evidence": task.evidence, "metric": task.metric},
    )


def task_flags(task: TaskFacts) -> list[Flag]:
    """The flags a task earns from its own terms."""
    return [f for f in (vanity_metric(task), ranking_pressure(task), trace_requirement(task)) if f]


def target_flags(task: TaskFacts, quota: QuotaFacts, rules: Rules = DEFAULT_RULES) -> list[Flag]:
    """The flags of a quota's target against what it counts (not its task's terms)."""
    return [f for f in (exceeds_base(task, quota, rules), exceeds_eligible(task, quota, rules)) if f]


def quota_flags(task: TaskFacts, quota: QuotaFacts, rules: Rules = DEFAULT_RULES) -> list[Flag]:
    """The flags a saved quota answers with at once: its base, then its task's terms."""
    return target_flags(task, quota, rules) + task_flags(task)


def _base_noun(base: str) -> Message:
    return {
        "population": _("registered population"),
        "households": _("number of households"),
        "accounts": _("number of accounts"),
    }[base]
