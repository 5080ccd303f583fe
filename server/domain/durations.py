"""Durations typed the way people type them: 90, 1.5h, 1:30, 2h27m, 147m, 1小时30分.

The patterns are plain regular expressions that mean the same in Python and in JavaScript: the
phone checks a duration with these very patterns (`duration_syntax`) before it queues an entry.
"""

from __future__ import annotations

import re
import unicodedata

HOUR_WORDS = r"(?:h|hr|hrs|hour|hours|小时|小時|钟头|鐘頭)"
MINUTE_WORDS = r"(?:m|min|mins|minute|minutes|分钟|分鐘|分)"
# ASCII digits after NFKC: full-width ２０ is 20, on the server and on the phone alike.
_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"
NUMBER_PATTERN = rf"^{_NUMBER}$"
HOURS_MINUTES_PATTERN = rf"^(?:{_NUMBER}\s*{HOUR_WORDS})?\s*(?:{_NUMBER}\s*{MINUTE_WORDS})?$"
CLOCK_PATTERN = r"^([0-9]{1,2})[:：]([0-9]{2})$"
HALF_HOUR = ("半小时", "半小時", "半个小时", "半個小時")
_HOURS_MINUTES = re.compile(HOURS_MINUTES_PATTERN)
_CLOCK = re.compile(CLOCK_PATTERN)


class DurationError(ValueError):
    """The text is not a duration this parser knows."""


def duration_syntax() -> dict[str, object]:
    """The parser's rules as data, for the phone's copy of `parse_minutes` (static/app.js)."""
    return {
        "number": NUMBER_PATTERN,
        "hours_minutes": HOURS_MINUTES_PATTERN,
        "clock": CLOCK_PATTERN,
        "half_hour": list(HALF_HOUR),
    }


def normal_text(text: str) -> str:
    """What was typed, in the form both parsers read: NFKC (full-width digits and letters to
    ASCII), trimmed, lower case, without spaces."""
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


def parse_minutes(text: str | int | float) -> int:
    """Whole minutes in a typed duration; a bare number is minutes. Raises DurationError."""
    if isinstance(text, bool):
        raise DurationError(text)
    if isinstance(text, (int, float)):
        return _whole(float(text))
    cleaned = normal_text(text)
    if cleaned in HALF_HOUR:
        return 30
    if re.fullmatch(NUMBER_PATTERN, cleaned):
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
