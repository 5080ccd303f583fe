"""Durations typed the way people type them: 90, 1.5h, 1:30, 2h27m, 147m, 1小时30分."""

from __future__ import annotations

import re

HOUR_WORDS = r"(?:h|hr|hrs|hour|hours|小时|小時|钟头|鐘頭)"
MINUTE_WORDS = r"(?:m|min|mins|minute|minutes|分钟|分鐘|分)"
_NUMBER = r"(\d+(?:\.\d+)?)"
_HOURS_MINUTES = re.compile(rf"^(?:{_NUMBER}\s*{HOUR_WORDS})?\s*(?:{_NUMBER}\s*{MINUTE_WORDS})?$")
_CLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_HALF_HOUR = {"半小时", "半小時", "半个小时", "半個小時"}


class DurationError(ValueError):
    """The text is not a duration this parser knows."""


def parse_minutes(text: str | int | float) -> int:
    """Whole minutes in a typed duration; a bare number is minutes. Raises DurationError."""
    if isinstance(text, bool):
        raise DurationError(text)
    if isinstance(text, (int, float)):
        return _whole(float(text))
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned in _HALF_HOUR:
        return 30
    if re.fullmatch(_NUMBER, cleaned):
        return _whole(float(cleaned))
    clock = _CLOCK.match(cleaned)
    if clock:
        hours, minutes = int(clock[1]), int(clock[2])
        if minutes >= 60:
            raise DurationError(text)
        return hours * 60 + minutes
    parts = _HOURS_MINUTES.match(cleaned)
    if not cleaned or not parts or (parts[1] is None and parts[2] is None):
        raise DurationError(text)
    return _whole(float(parts[1] or 0) * 60 + float(parts[2] or 0))


def _whole(minutes: float) -> int:
    if minutes != minutes or minutes in (float("inf"), float("-inf")) or minutes < 0:
        raise DurationError(minutes)
    return int(round(minutes))
