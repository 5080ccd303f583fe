"""One place's figures in a stored release, as a summary shows them: reporters, the person indices
from shown figures only, the shared quota indices and the burden index over them."""

from __future__ import annotations

from typing import Any

from server.domain import indices
from server.domain.rules import Rules
from server.store.release import PublishedMonth


def _rules(month: PublishedMonth) -> Rules:
    return Rules.from_values(month.settings.get("rules", {}))


def cell_summary(month: PublishedMonth, code: str, flags_count: int) -> dict[str, Any]:
    """A place's cell of a summary: hidden figures as null, no children yet, `flags_count` as given."""
    region, figures = month.regions[code], month.figures[code]
    quotas = figures.get("quotas") or {}
    shown = month.shown(code)
    person = _person_indices(figures, month) if shown else dict.fromkeys(PERSON_INDICES)
    shared = {
        "quota_pressure": rounded(quotas.get("quota_pressure")),
        "ranking_share": rounded(quotas.get("ranking_share")),
    }
    if shown and figures["reporters"]:
        inputs = indices.IndexInputs(
            person["hours_per_reporter_week"],
            person["apps_per_reporter"],
            shared["quota_pressure"],
            shared["ranking_share"],
            person["evidence_share"],
            person["fabrication_share"],
        )
        person["burden_index"] = indices.burden_index(inputs, _rules(month))
    return {
        "region": {"code": code, "name": code, "level": region["level"]},
        "period": month.month.key,
        "reporters": figures["reporters"] if shown else None,
        "suppressed": not shown,
        "known_zero": bool(figures.get("known_zero")),
        "indices": {**person, **shared},
        "flags_count": flags_count,
        "children": [],
    }


def place_indices(month: PublishedMonth, code: str) -> dict[str, Any]:
    """One place's headline figures in a release (for a review's before and after)."""
    cell = cell_summary(month, code, 0)
    keep = ("burden_index", "hours_per_reporter_week", "cost_yuan", "quota_pressure")
    return {
        "reporters": cell["reporters"],
        "suppressed": cell["suppressed"],
        **{name: cell["indices"][name] for name in keep},
    }


PERSON_INDICES = (
    "hours_per_reporter_week",
    "hours_per_reporter_week_median",
    "apps_per_reporter",
    "evidence_share",
    "fabrication_share",
    "paid_yuan",
    "cost_yuan",
    "burden_index",
)


def _person_indices(figures: dict[str, Any], month: PublishedMonth) -> dict[str, Any]:
    """Indices from shown figures only: each is a function of what the release shows, so none of
    them tells a reader more than the release does. Cost counts yuan paid only where shown."""
    period, minutes, reporters = month.month, figures["minutes"], figures["reporters"]
    median = (
        figures["median_minutes"] / 60 / period.weeks
        if figures.get("median_minutes") is not None and reporters
        else None
    )
    evidence, fabricated, outcomes, paid = (
        figures.get("evidence_minutes"),
        figures.get("fabricated"),
        figures.get("outcomes"),
        figures.get("paid_yuan"),
    )
    wage = float(month.settings.get("wage", 25.0))
    return {
        "hours_per_reporter_week": rounded(indices.hours_per_reporter_week(minutes, reporters, period.weeks)),
        "hours_per_reporter_week_median": rounded(median),
        "apps_per_reporter": rounded(indices.share(figures["roster_items"], figures["roster_reporters"]))
        if figures.get("roster_reporters") and figures.get("roster_items") is not None
        else None,
        "evidence_share": rounded(indices.share(evidence, minutes)) if evidence is not None else None,
        "fabrication_share": rounded(indices.share(fabricated, outcomes))
        if fabricated is not None and outcomes
        else None,
        "paid_yuan": paid,
        "cost_yuan": round(indices.cost_yuan(minutes, paid or 0.0, wage)),
        "burden_index": None,
    }


def rounded(value: float | None, digits: int = 3) -> float | None:
    """A figure to three places, None staying None."""
    return None if value is None else round(value, digits)
