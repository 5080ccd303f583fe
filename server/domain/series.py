"""Is a progress counter more regular than any real crowd? (DESIGN.md §3 `uniform_growth`)

Arrivals of real people are at least as variable as a Poisson process: the increments x_i over
intervals t_i have a dispersion statistic X2 = sum((x_i - r t_i)^2 / (r t_i)) near n - 1. A script
adding ~1000 every 2 minutes gives X2 far below that; the lower chi-square tail says how unlikely.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from server.domain.messages import message as _
from server.domain.quota_rules import Flag
from server.domain.rules import DEFAULT_RULES, Rules


@dataclass(frozen=True)
class SeriesVerdict:
    uniform: bool | None  # None: too few points (or no growth) for a verdict
    dispersion: float | None
    p_value: float | None
    rate_per_minute: float | None
    intervals: int


def check_series(points: list[tuple[datetime, float]], rules: Rules = DEFAULT_RULES) -> SeriesVerdict:
    """The dispersion test over a counter's readings; a rate without a verdict when points are few."""
    ordered = sorted(points)
    increments = [(b[1] - a[1], (b[0] - a[0]).total_seconds() / 60) for a, b in pairwise(ordered)]
    n = len(increments)
    total_value = sum(x for x, _ in increments)
    total_minutes = sum(t for _, t in increments)
    rate = total_value / total_minutes if total_minutes > 0 else None
    if n < rules.uniform_min_intervals or not rate or rate <= 0 or total_value / n < rules.uniform_min_mean:
        return SeriesVerdict(None, None, None, _round(rate), n)
    statistic = sum((x - rate * t) ** 2 / (rate * t) for x, t in increments if t > 0)
    dispersion = statistic / (n - 1)
    p_value = chi_square_lower_tail(statistic, n - 1)
    uniform = dispersion < rules.uniform_dispersion and p_value < rules.uniform_p
    return SeriesVerdict(uniform, round(dispersion, 4), p_value, _round(rate), n)


def uniform_growth_flag(
    points: list[tuple[datetime, float]], region: str, task: int, rules: Rules = DEFAULT_RULES
) -> Flag | None:
    """A quota's counter that grew more evenly than any crowd of real people (DESIGN.md §3)."""
    verdict = check_series(points, rules)
    if not verdict.uniform:
        return None
    return Flag(
        kind="uniform_growth",
        severity="warning",
        region=region,
        task=task,
        message=_(
            "This counter grew %(rate)s per minute with machine-like regularity over %(intervals)s intervals.",
            rate=verdict.rate_per_minute,
            intervals=verdict.intervals,
        ),
        basis=_(
            "Real people arrive irregularly: growth far more even than a Poisson process points to scripted or bought "
            "activity."
        ),
        detail={"dispersion": verdict.dispersion, "p_value": verdict.p_value, "intervals": verdict.intervals},
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def chi_square_lower_tail(statistic: float, degrees: int) -> float:
    """P(X <= statistic) for X ~ chi-square(degrees): the regularized lower incomplete gamma."""
    return regularized_gamma_lower(degrees / 2, statistic / 2)


def regularized_gamma_lower(a: float, x: float) -> float:
    """P(a, x) by its series below a + 1 and by Lentz's continued fraction above (Numerical Recipes)."""
    if x <= 0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        denominator = a
        while abs(term) > abs(total) * 1e-15:
            denominator += 1
            term *= x / denominator
            total += term
        return min(1.0, total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    fraction = d
    for i in range(1, 10_000):
        step = -i * (i - a)
        b += 2
        d = step * d + b
        d = tiny if abs(d) < tiny else d
        c = b + step / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        fraction *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return max(0.0, 1.0 - math.exp(log_front) * fraction)
