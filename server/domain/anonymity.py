"""The two fixed limits of anonymity (DESIGN.md §2): k never below 5, and nothing below the lowest
published level. Suppression itself is one pass over every table of a release: see disclosure.py,
fed by measures.py."""

from __future__ import annotations

from server.domain.vocab import LEVELS

K_FLOOR = 5


def published_level(level: str, min_level: str) -> bool:
    """Nothing below the lowest published level (township by default) reaches supervisors."""
    return LEVELS.index(level) <= LEVELS.index(min_level)


def effective_k(k: int) -> int:
    """The k a release applies: the configured one, never below the floor."""
    return max(k, K_FLOOR)
