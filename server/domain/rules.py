"""Every threshold and weight of DESIGN.md §3 in one frozen object: the rules pass it around, the
"how this is computed" page prints it, and JIANFU_RULES (a JSON file) can override any field."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Rules:
    coverage_warning: float = 0.9  # exceeds_base: warning above this coverage
    coverage_critical: float = 1.0  # ... critical above this (impossible without fabrication)
    times_wording_from: float = 2.0  # ... the message says "N times the population" from here
    eligible_critical: float = 1.0  # exceeds_eligible: critical above this ratio
    escalation_warning: float = 1.05  # escalation: warning above this ratio at one level
    escalation_critical: float = 1.5  # ... critical from this ratio
    chain_warning: float = 1.5  # escalation chain: warning from this product of ratios
    chain_critical: float = 2.0  # ... critical from this product
    pace_factor: float = 3.0  # pace: required daily progress above this many times the median
    uniform_min_intervals: int = 8  # uniform_growth: fewest intervals for a verdict
    uniform_min_mean: float = 20.0  # ... smallest mean increment for a verdict
    uniform_dispersion: float = 0.2  # ... flag below this X2/(n-1)
    uniform_p: float = 0.001  # ... and below this lower-tail p-value
    zombie_share: float = 0.5  # zombie_app: share of an app's reporters saying residents never use it
    outlier_z: float = 3.5  # peer_outlier: modified z-score above this
    outlier_min_siblings: int = 5  # ... with at least this many siblings
    hours_range: tuple[float, float] = (0.0, 20.0)  # burden index: hours per reporter-week scaled over this
    apps_range: tuple[float, float] = (0.0, 15.0)  # ... apps per reporter
    pressure_range: tuple[float, float] = (0.5, 4.0)  # ... quota pressure (median coverage)
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "hours": 0.35,
            "apps": 0.15,
            "quota_pressure": 0.20,
            "ranking_share": 0.10,
            "evidence_share": 0.10,
            "fabrication_share": 0.10,
        }
    )

    @classmethod
    def from_json(cls, path: str | Path) -> Rules:
        """Defaults with the fields a JSON file names replaced; an unknown name is an error."""
        return cls.from_values(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_values(cls, overrides: dict[str, Any]) -> Rules:
        """Defaults with the named fields replaced (a release reads back the rules it was made under)."""
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown rule settings: {', '.join(sorted(unknown))}")
        converted = {k: tuple(v) if k.endswith("_range") else v for k, v in overrides.items()}
        return replace(cls(), **converted)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_RULES = Rules()
