"""Flags that compare several facts (DESIGN.md §3): escalation down the tree, pace, duplicate and
zombie apps, and a region's hours against its siblings. Pure functions over plain values.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from itertools import pairwise

from server.domain.messages import Joined, Name, Number, Share
from server.domain.messages import message as _
from server.domain.quota_rules import Flag
from server.domain.rules import DEFAULT_RULES, Rules
from server.domain.vocab import app_function


@dataclass(frozen=True)
class QuotaNode:
    """One region's quota for a task, placed in the region tree."""

    region: str
    name: Name | str
    parent: str | None
    target: int
    population: int
    children_count: int  # direct child regions in the tree, with or without a quota


def escalation_ratio(parent: QuotaNode, children: list[QuotaNode]) -> tuple[float, bool] | None:
    """sum(q_i)/q when every child reports; the per-capita ratio (sum q_i/sum pop_i)/(q/pop) when some do.

    Answers (ratio, per_capita) or None when no child reports or a population is missing.
    """
    if not children or parent.target <= 0:
        return None
    if len(children) >= parent.children_count:
        return sum(c.target for c in children) / parent.target, False
    child_population = sum(c.population for c in children)
    if not child_population or not parent.population:
        return None
    return (sum(c.target for c in children) / child_population) / (parent.target / parent.population), True


def _severity(value: float, warning: float, critical: float, strict_warning: bool = True) -> int:
    """0 none, 1 warning, 2 critical."""
    if value >= critical:
        return 2
    return 1 if (value > warning if strict_warning else value >= warning) else 0


def escalation_flags(
    nodes: list[QuotaNode], issuer: str, task: int, app: int | None, rules: Rules = DEFAULT_RULES
) -> list[Flag]:
    """One flag per region that raised what it passed down; each carries the chain from the issuer."""
    by_region = {n.region: n for n in nodes}
    children: dict[str, list[QuotaNode]] = {}
    for node in nodes:
        if node.parent in by_region:
            children.setdefault(node.parent, []).append(node)
    ratios = {code: r for code in by_region if (r := escalation_ratio(by_region[code], children.get(code, [])))}
    flags = []
    for code, (ratio, per_capita) in sorted(ratios.items()):
        chain = _chain(code, by_region, ratios)
        product = 1.0
        for link in chain:
            product *= link["ratio"]
        level = max(
            _severity(ratio, rules.escalation_warning, rules.escalation_critical),
            _severity(product, rules.chain_warning, rules.chain_critical, strict_warning=False)
            if len(chain) > 1
            else 0,
        )
        if level == 0:
            continue
        node = by_region[code]
        total = sum(c.target for c in children[code])
        message = _(
            "%(region)s passed %(total)s down to its places against the %(target)s it received: %(ratio)s times.",
            region=node.name,
            total=Number(total),
            target=Number(node.target),
            ratio=Number(ratio, 2),
        )
        if per_capita:
            message = _(
                "%(region)s asks its places for %(ratio)s times its own target per resident (%(reported)s of "
                "%(places)s places reported).",
                region=node.name,
                ratio=Number(ratio, 2),
                reported=len(children[code]),
                places=node.children_count,
            )
        flags.append(
            Flag(
                kind="escalation",
                severity=("warning", "critical")[level - 1],
                region=code,
                task=task,
                app=app,
                ratio=round(ratio, 2),
                message=message,
                basis=_("Burden-reduction rules forbid raising a target at every level on its way down (层层加码)."),
                detail={
                    "issued_by": issuer,
                    "per_capita": per_capita,
                    "children": len(children[code]),
                    "chain": chain,
                    "product": round(product, 4),
                },
            )
        )
    return flags


def _chain(code: str, by_region: dict[str, QuotaNode], ratios: dict[str, tuple[float, bool]]) -> list[dict]:
    """{region, ratio} for the region and each quota-holding ancestor with a ratio, issuer first."""
    chain = []
    current: str | None = code
    while current in by_region:
        if current in ratios:
            chain.insert(0, {"region": current, "ratio": round(ratios[current][0], 4)})
        current = by_region[current].parent
    return chain


def daily_increments(points: list[tuple[float, float]]) -> list[float]:
    """Progress per day between consecutive readings given as (day number, value)."""
    ordered = sorted(points)
    return [(b[1] - a[1]) / (b[0] - a[0]) for a, b in pairwise(ordered) if b[0] > a[0]]


def pace_flag(
    region: str,
    name: Name | str,
    task: int,
    target: int,
    points: list[tuple[float, float]],
    days_left: int,
    reporters: int,
    rules: Rules = DEFAULT_RULES,
) -> Flag | None:
    """What is left to do per day (and per reporter) against the region's own median daily progress."""
    increments = daily_increments(points)
    if days_left <= 0 or not increments:
        return None
    usual = statistics.median(increments)
    latest = max(points)[1]
    needed = (target - latest) / days_left
    if usual <= 0 or needed <= rules.pace_factor * usual:
        return None
    per_reporter = needed / reporters if reporters else None
    return Flag(
        kind="pace",
        severity="warning",
        region=region,
        task=task,
        ratio=round(needed / usual, 2),
        message=_(
            "To reach the target %(region)s would need %(needed)s a day for %(days)s days, %(ratio)s times its usual "
            "daily progress.",
            region=name,
            needed=Number(needed),
            days=days_left,
            ratio=Number(needed / usual, 1),
        ),
        basis=_(
            "A pace far above what a place has managed so far is met by fabrication or overwork, not by residents' "
            "needs."
        ),
        detail={
            "needed_per_day": round(needed, 2),
            "needed_per_reporter_day": round(per_reporter, 2) if per_reporter else None,
            "median_daily": round(usual, 2),
            "days_left": days_left,
        },
    )


@dataclass(frozen=True)
class RequiredApp:
    id: int
    name: Name | str
    function: str
    owner: tuple[str, str | None]  # owner level and owner region


def duplicate_app_flags(region: str, apps: list[RequiredApp]) -> list[Flag]:
    """Two or more required apps with the same function, run by different levels or regions."""
    by_function: dict[str, list[RequiredApp]] = {}
    for app in apps:
        by_function.setdefault(app.function, []).append(app)
    flags = []
    for function, same in sorted(by_function.items()):
        if len(same) < 2 or len({a.owner for a in same}) < 2:
            continue
        names = Joined(tuple(a.name for a in sorted(same, key=lambda a: a.id)))
        job = app_function(function)
        message = (
            _(
                "%(count)s required apps do the same job (%(function)s): %(names)s.",
                count=len(same),
                function=job,
                names=names,
            )
            if job
            else _("%(count)s required apps do the same job: %(names)s.", count=len(same), names=names)
        )
        flags.append(
            Flag(
                kind="duplicate_app",
                severity="info",
                region=region,
                app=min(a.id for a in same),
                message=message,
                basis=_(
                    "Apps with the same function run by different levels are candidates to merge or close (关停并转)."
                ),
                detail={"function": function, "apps": sorted(a.id for a in same)},
            )
        )
    return flags


def zombie_app_flag(
    region: str, app: RequiredApp, reporters: int, saying_none: int, rules: Rules = DEFAULT_RULES
) -> Flag | None:
    """At least half of an app's reporters say residents never use it."""
    if not reporters or saying_none / reporters < rules.zombie_share:
        return None
    return Flag(
        kind="zombie_app",
        severity="warning",
        region=region,
        app=app.id,
        ratio=round(saying_none / reporters, 2),
        message=_(
            "Residents never use %(app)s, say %(share)s of the cadres required to use it.",
            app=app.name,
            share=Share(saying_none / reporters),
        ),
        basis=_("An app residents do not use only costs cadres time: a candidate to close (僵尸应用)."),
        detail={"reporters": reporters, "saying_none": saying_none},
    )


def peer_outlier_flags(
    values: dict[str, float], names: dict[str, Name | str], rules: Rules = DEFAULT_RULES
) -> list[Flag]:
    """Siblings whose hours per reporter stand far from the others': modified z = 0.6745 (x - median) / MAD."""
    if len(values) < rules.outlier_min_siblings:
        return []
    middle = statistics.median(values.values())
    mad = statistics.median(abs(v - middle) for v in values.values())
    if mad == 0:
        return []
    flags = []
    for region, value in sorted(values.items()):
        z = 0.6745 * (value - middle) / mad
        if z > rules.outlier_z:
            flags.append(
                Flag(
                    kind="peer_outlier",
                    severity="info",
                    region=region,
                    ratio=round(z, 2),
                    message=_(
                        "%(region)s logs %(hours)s hours per cadre a week, far above its neighbours' %(median)s.",
                        region=names.get(region, region),
                        hours=Number(value, 1),
                        median=Number(middle, 1),
                    ),
                    basis=_("A place far busier than its neighbours is where a review should look first."),
                    detail={
                        "hours_per_reporter_week": round(value, 2),
                        "median": round(middle, 2),
                        "mad": round(mad, 2),
                        "z": round(z, 2),
                    },
                )
            )
    return flags
