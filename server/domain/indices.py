"""Burden indices of a region and period (DESIGN.md §3) as plain arithmetic over plain numbers."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from server.domain.rules import DEFAULT_RULES, Rules

# Which complaint channel (线索征集 category) each activity's time belongs to.
CATEGORY_OF_ACTIVITY = {
    "registration_drive": "promotion",
    "data_entry": "duplicate_reporting",
    "duplicate_reporting": "duplicate_reporting",
    "check_in": "check_in",
    "evidence": "evidence",
    "study": "evaluation",
    "meeting": "other",
    "other": "other",
}
# DESIGN.md §3: evidence_share is the share of minutes on these activities.
EVIDENCE_ACTIVITIES = frozenset({"evidence", "duplicate_reporting"})
CATEGORIES = ("promotion", "evaluation", "check_in", "evidence", "duplicate_reporting", "hollow_apps", "other")


def scaled(value: float | None, low: float, high: float) -> float:
    """s(x, lo..hi) = clamp((x - lo) / (hi - lo), 0, 1); a missing value counts as no burden."""
    if value is None:
        return 0.0
    return min(1.0, max(0.0, (value - low) / (high - low)))


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def hours_per_reporter_week(minutes: float, reporters: int, weeks: float) -> float | None:
    """Logged minutes / 60 / reporters / weeks in the period."""
    if not reporters or weeks <= 0:
        return None
    return minutes / 60 / reporters / weeks


def cost_yuan(minutes: float, paid_yuan: float, wage: float) -> float:
    """The Standard Cost Model's price x quantity: hours x wage, plus yuan paid for services."""
    return minutes / 60 * wage + paid_yuan


@dataclass(frozen=True)
class IndexInputs:
    hours: float | None
    apps: float | None
    quota_pressure: float | None
    ranking_share: float | None
    evidence_share: float | None
    fabrication_share: float | None


def burden_index(inputs: IndexInputs, rules: Rules = DEFAULT_RULES) -> float:
    """0..100: the weighted sum of the scaled hours, apps and quota pressure and three shares."""
    w = rules.weights
    parts = (
        w["hours"] * scaled(inputs.hours, *rules.hours_range),
        w["apps"] * scaled(inputs.apps, *rules.apps_range),
        w["quota_pressure"] * scaled(inputs.quota_pressure, *rules.pressure_range),
        w["ranking_share"] * scaled(inputs.ranking_share, 0, 1),
        w["evidence_share"] * scaled(inputs.evidence_share, 0, 1),
        w["fabrication_share"] * scaled(inputs.fabrication_share, 0, 1),
    )
    return round(100 * sum(parts), 1)


def change(previous: tuple[int, float], current: tuple[int, float]) -> dict[str, float]:
    """Total hours now minus before, split exactly into "more reporters" and "more hours per reporter".

    H = R x h, so H2 - H1 = (R2 - R1) x h1 + R2 x (h2 - h1).
    """
    (r1, m1), (r2, m2) = previous, current
    h1 = m1 / 60 / r1 if r1 else 0.0
    h2 = m2 / 60 / r2 if r2 else 0.0
    return {
        "hours": round((m2 - m1) / 60, 2),
        "from_reporters": round((r2 - r1) * h1, 2),
        "from_hours_per_reporter": round(r2 * (h2 - h1), 2),
    }


def top_sources(
    hours_by_source: dict[Any, float], total_hours: float, limit: int = 10
) -> list[tuple[Any, float, float | None]]:
    """(source, hours, share of all hours), largest first (burden concentrates in a few obligations)."""
    ranked = sorted(hours_by_source.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
    return [(source, round(hours, 2), share(hours, total_hours)) for source, hours in ranked]
