"""Flags that compare several facts (DESIGN.md §3): pace, duplicate and zombie apps, and a region's
hours against its siblings (escalation down the tree is in `escalation`). Pure functions over plain
values.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from itertools import pairwise

from server.domain.messages import Joined, Message, Name, Number, Share
from server.domain.messages import message as _
from server.domain.quota_rules import Flag
from server.domain.rules import DEFAULT_RULES, Rules
from server.domain.vocab import app_function


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
        message=_pace_message(name, needed, days_left, usual),
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


def _pace_message(name: Name | str, needed: float, days_left: int, usual: float) -> Message:
    """The pace the target needs against the place's usual daily progress."""
    return _(
        "To reach the target %(region)s would need %(needed)s a day for %(days)s days, %(ratio)s times its usual "
        "daily progress.",
        region=name,
        needed=Number(needed),
        days=days_left,
        ratio=Number(needed / usual, 1),
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
        flags.append(
            Flag(
                kind="duplicate_app",
                severity="info",
                region=region,
                app=min(a.id for a in same),
                message=_duplicate_message(function, same),
                basis=_(
                    "Apps with the same function run by different levels are candidates to merge or close (关停并转)."
                ),
                detail={"function": function, "apps": sorted(a.id for a in same)},
            )
        )
    return flags


def _duplicate_message(function: str, same: list[RequiredApp]) -> Message:
    """How many required apps do one job, the job in words where it has a name, and the apps."""
    names = Joined(tuple(a.name for a in sorted(same, key=lambda a: a.id)))
    job = app_function(function)
    return (
        _(
            "%(count)s required apps do the same job (%(function)s): %(names)s.",
            count=len(same),
            function=job,
            names=names,
        )
        if job
        else _("%(count)s required apps do the same job: %(names)s.", count=len(same), names=names)
    )


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
            flags.append(_outlier_flag(region, names.get(region, region), value, middle, mad, z))
    return flags


def _outlier_flag(region: str, name: Name | str, value: float, middle: float, mad: float, z: float) -> Flag:
    """The flag of one sibling far busier than the others (z: its modified z-score)."""
    return Flag(
        kind="peer_outlier",
        severity="info",
        region=region,
        ratio=round(z, 2),
        message=_(
            "%(region)s logs %(hours)s hours per cadre a week, far above its neighbours' %(median)s.",
            region=name,
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
