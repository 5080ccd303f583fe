"""The shared scenarios (`../shared/scenarios/*.json`) the demo county is built around."""

from __future__ import annotations

import json
from typing import Any

from server.config import PROJECT_ROOT

SCENARIOS = PROJECT_ROOT.parent / "shared" / "scenarios"


def scenario(name: str) -> dict[str, Any]:
    path = SCENARIOS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def scenario_cases() -> list[dict[str, Any]]:
    """The scenarios that describe regions (the vote counter is a series only)."""
    cases = [scenario(p.stem) for p in sorted(SCENARIOS.glob("*.json"))] if SCENARIOS.exists() else []
    return [case for case in cases if "regions" in case]
