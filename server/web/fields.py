"""What one field of untrusted input may hold, checked once for every path in: the API's pydantic
models (server.web.api.bodies) use these checks as validators, and server.web.parse's Reader (the forms,
the command line, the rules that read a dict) calls the same ones.

A check takes the raw value as JSON or a form sends it and answers the parsed value, or raises a
`PydanticCustomError` whose type is a key of `message` and whose context fills its sentence: the
error is a code until it reaches the reader, and `message` says it in the request's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_core import PydanticCustomError

from server.domain.durations import DurationError, parse_minutes
from server.web.i18n import gettext as _

ID_LIMIT = 2**31 - 1  # row ids are 32-bit in both stores
# What no store keeps in text: PostgreSQL refuses U+0000, and a lone surrogate is not UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_WHOLE = re.compile(r"-?[0-9]+")
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))  # no counter reading is older
_MAX_DIGITS = 40  # longer digit strings are out of every range (and int() refuses 4,300 digits)


def message(key: str, **values: Any) -> str:
    """The sentence for one kind of bad input, in the request's language. The API, the Reader and
    the phone's checks (`server.web.form_rules`) all say it from here, so they never disagree."""
    sentences = {
        "required": lambda: _("This field is required."),
        "whole": lambda: _("Must be a whole number."),
        "number": lambda: _("Must be a number."),
        "between": lambda: _("Must be between %(low)s and %(high)s.", **values),
        "at_most": lambda: _("At most %(count)s characters.", **values),
        "at_least": lambda: _("At least %(count)s characters.", **values),
        "text": lambda: _("Must be text."),
        "unsavable": lambda: _("Contains a character that cannot be saved."),
        "object": lambda: _("Must be an object."),
        "boolean": lambda: _("Must be true or false."),
        "one_of": lambda: _("Must be one of: %(options)s.", **values),
        "list_of": lambda: _("Must be a list of: %(options)s.", **values),
        "duration": lambda: _("Type a duration like 90, 1.5h, 1:30 or 2h27m."),
        "duration_range": lambda: _("Must be between 1 minute and 24 hours."),
        "date": lambda: _("Must be a date like 2024-03-01."),
        "moment": lambda: _("Must be a date and time like 2024-03-01T20:55:00."),
        "date_between": lambda: _("Must be between %(earliest)s and %(latest)s.", **values),
        "future": lambda: _("May not be in the future."),
        "before_start": lambda: _("Must not be before the start of the period."),
        "day_full": lambda: _("This would make more than 24 hours on %(day)s.", **values),
        "eligible_needed": lambda: _("Give the number of eligible people when the base is 'eligible'."),
        "one_to": lambda: _("1 to %(count)s characters.", **values),
        "unknown_task": lambda: _("Unknown task."),
        "merge_into": lambda: _("Choose what to merge it into."),
        "invalid": lambda: _("This value is not valid."),
        "said": lambda: values["sentence"],  # a rule's own sentence, already in the reader's language
        "entries": lambda: _("Must be a list of 1 to %(count)s entries.", **values),
        "readings": lambda: _("Must be a list of 1 to %(count)s readings.", **values),
        "regions": lambda: _("Must be a list of 1 to %(count)s regions.", **values),
        "roster": lambda: _("Must be a list of at most %(count)s apps.", **values),
    }
    return sentences[key]()


def problem(key: str, **values: Any) -> PydanticCustomError:
    """An error of kind `key` (a key of `message`), carrying what its sentence names."""
    return PydanticCustomError(key, key, values)


def said(sentence: str) -> PydanticCustomError:
    """An error a rule has already put into words (server.services.registration.username_problem)."""
    return PydanticCustomError("said", "{sentence}", {"sentence": sentence})


def given(value: Any, required: bool) -> Any:
    """None and "" are "not given", as on a form; a required field must be given."""
    if value is None or value == "":
        if required:
            raise problem("required")
        return None
    return value


def storable(text: str) -> bool:
    """Whether a store can keep this text (no U+0000, no lone surrogate) on either backend."""
    return _UNSTORABLE.search(text) is None


def password(value: Any, *, shortest: int = 8) -> str:
    """A password exactly as typed: never trimmed (its spaces are part of it), `shortest` to 200
    characters, and nothing that cannot be stored or hashed (NUL, lone surrogates)."""
    if not isinstance(value, str) or not shortest <= len(value) <= 200:
        raise problem("at_least", count=shortest) if shortest > 1 else problem("required")
    if not storable(value):
        raise problem("unsavable")
    return value


def text(value: Any, *, required: bool = True, max_length: int = 200) -> str | None:
    """Text, trimmed; blank counts as not given."""
    if given(value, required) is None:
        return None
    if not isinstance(value, str):
        raise problem("text")
    if not storable(value):
        raise problem("unsavable")
    value = value.strip()
    if not value and required:
        raise problem("required")
    if len(value) > max_length:
        raise problem("at_most", count=max_length)
    return value or None


def integer(value: Any, *, low: int, high: int, required: bool = True) -> int | None:
    """A whole number from JSON (5, 5.0) or typed text ("5", full-width "５"), within [low, high]."""
    if given(value, required) is None:
        return None
    whole = _whole(value)
    if whole is None:
        raise problem("whole")
    if not low <= whole <= high:
        raise problem("between", low=low, high=high)
    return whole


def number(value: Any, *, low: float, high: float, required: bool = True) -> float | None:
    if given(value, required) is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise problem("number")
    if not low <= value <= high:
        raise problem("between", low=low, high=high)
    return float(value)


def ident(value: Any, *, unknown: str, required: bool = False) -> int | None:
    """The id of a row, a JSON integer; anything else (text, true, a list, 2**70) is `unknown`."""
    if given(value, required) is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_LIMIT:
        raise problem(unknown)
    return value


def choice(value: Any, *, options: Iterable[str], required: bool = True) -> str | None:
    if given(value, required) is None:
        return None
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise problem("one_of", options=", ".join(options))
    return value


def choices(value: Any, *, options: Iterable[str]) -> list[str]:
    """Any number of the options, each once, in their order."""
    options = tuple(options)
    if not isinstance(value, list) or not all(isinstance(v, str) and v in options for v in value):
        raise problem("list_of", options=", ".join(options))
    return sorted(set(value))


def day(value: Any, *, required: bool = True, earliest: date = date.min, latest: date = date.max) -> date | None:
    if given(value, required) is None:
        return None
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise problem("date")
    if not earliest <= parsed <= latest:
        raise problem("date_between", earliest=earliest.isoformat(), latest=latest.isoformat())
    return parsed


def moment(value: Any, *, latest: datetime | None = None) -> datetime:
    """A time of day on a date, from 2000 to `latest` (no offset: `latest`'s)."""
    given(value, True)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise problem("moment")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=latest.tzinfo if latest else EARLIEST_MOMENT.tzinfo)
    if parsed < EARLIEST_MOMENT:  # year 1 with an offset overflows when turned into UTC
        top = (latest or datetime.now(EARLIEST_MOMENT.tzinfo)).date().isoformat()
        raise problem("date_between", earliest=EARLIEST_MOMENT.date().isoformat(), latest=top)
    if latest is not None and parsed > latest:
        raise problem("future")
    return parsed


def minutes(value: Any, *, high: int = 24 * 60) -> int:
    """A duration as people type it (90, 1.5h, 1:30, 2h27m), in whole minutes from 1 to `high`."""
    given(value, True)
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise DurationError(value)  # a list, an object or true is no duration
        found = parse_minutes(value)
    except DurationError:
        raise problem("duration") from None
    if not 1 <= found <= high:
        raise problem("duration_range")
    return found


def row(value: Any, *, unknown: str) -> int:
    """A row chosen by id: a JSON integer, or the digits a form's select sends; which rows exist is
    the rule's to say."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem(unknown)
    return value


def new_name(value: Any, *, max_length: int) -> str | None:
    """A new name for a row, 1 to `max_length` characters once trimmed; None keeps the old one."""
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value.strip()) <= max_length:
        raise problem("one_to", count=max_length)
    return value.strip()


def _whole(value: Any) -> int | None:
    """A whole number from JSON (5, 5.0) or typed text ("5", " -5 "), else None."""
    if isinstance(value, str):
        typed = unicodedata.normalize("NFKC", value).strip()  # full-width ２０００ is 2000, as on the phone
        if not _WHOLE.fullmatch(typed):
            return None
        return int(typed) if len(typed) <= _MAX_DIGITS else (-1 if typed.startswith("-") else 1) * 10**_MAX_DIGITS
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value
