"""Reading untrusted input field by field: every problem is collected under the field's name, and
nothing is written until all fields of a request (or of one batch row) have passed.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from datetime import date, datetime, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from starlette.requests import Request

from server.burden.durations import DurationError, parse_minutes
from server.errors import InvalidInput, MalformedBody
from server.i18n import gettext as _

ID_LIMIT = 2**31 - 1  # row ids are 32-bit in both stores
# What no store keeps in text: PostgreSQL refuses U+0000, and a lone surrogate is not UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_WHOLE = re.compile(r"-?[0-9]+")
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))  # no counter reading is older
_MAX_DIGITS = 40  # longer digit strings are out of every range (and int() refuses 4,300 digits)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or 400 malformed_json (bad UTF-8, bad JSON, not an object)."""
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MalformedBody() from None
    if not isinstance(data, dict):
        raise MalformedBody()
    return data


def _reject_constant(name: str) -> None:
    raise ValueError(name)  # NaN and Infinity are not JSON numbers


def message(key: str, **values: Any) -> str:
    """The sentence for one kind of bad input, in the request's language. The Reader and the
    phone's checks (`server.form_rules`) both say it from here, so they never disagree."""
    sentences = {
        "required": lambda: _("This field is required."),
        "whole": lambda: _("Must be a whole number."),
        "between": lambda: _("Must be between %(low)s and %(high)s.", **values),
        "at_most": lambda: _("At most %(count)s characters.", **values),
        "duration": lambda: _("Type a duration like 90, 1.5h, 1:30 or 2h27m."),
        "duration_range": lambda: _("Must be between 1 minute and 24 hours."),
        "date": lambda: _("Must be a date like 2024-03-01."),
        "date_between": lambda: _("Must be between %(earliest)s and %(latest)s.", **values),
        "before_start": lambda: _("Must not be before the start of the period."),
        "day_full": lambda: _("This would make more than 24 hours on %(day)s.", **values),
        "eligible_needed": lambda: _("Give the number of eligible people when the base is 'eligible'."),
    }
    return sentences[key]()


class Reader:
    """Typed access to one JSON object; `done()` raises InvalidInput with every field's problem."""

    def __init__(self, data: Any, prefix: str = "") -> None:
        self.data = data if isinstance(data, dict) else {}
        self.prefix = prefix
        self.errors: dict[str, str] = {}
        if not isinstance(data, dict):
            self.errors[prefix.rstrip(".") or "body"] = _("Must be an object.")

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(self.prefix + name, message)

    def _raw(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, message("required"))
            return None
        return value

    def password(self, name: str, *, shortest: int = 8) -> str | None:
        """A password exactly as typed: never trimmed (its spaces are part of it), `shortest` to 200
        characters, and nothing that cannot be stored or hashed (NUL, lone surrogates)."""
        value = self.data.get(name)
        if not isinstance(value, str) or not shortest <= len(value) <= 200:
            self.fail(name, _("At least %(count)s characters.", count=shortest) if shortest > 1 else _("This field is required."))
            return None
        if not storable(value):
            self.fail(name, _("Contains a character that cannot be saved."))
            return None
        return value

    def text(self, name: str, *, required: bool = True, max_length: int = 200) -> str | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(name, _("Must be text."))
            return None
        if not storable(value):
            self.fail(name, _("Contains a character that cannot be saved."))
            return None
        value = value.strip()
        if not value and required:
            self.fail(name, message("required"))
            return None
        if len(value) > max_length:
            self.fail(name, message("at_most", count=max_length))
            return None
        return value or None

    def integer(self, name: str, *, low: int, high: int, required: bool = True) -> int | None:
        value = self._raw(name, required)
        if value is None:
            return None
        value = _whole(value)
        if value is None:
            self.fail(name, message("whole"))
            return None
        if not low <= value <= high:
            self.fail(name, message("between", low=low, high=high))
            return None
        return value

    def number(self, name: str, *, low: float, high: float, required: bool = True) -> float | None:
        value = self._raw(name, required)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            self.fail(name, _("Must be a number."))
            return None
        if not low <= value <= high:
            self.fail(name, message("between", low=low, high=high))
            return None
        return float(value)

    def ident(self, name: str, *, unknown: str, required: bool = False) -> int | None:
        """The id of a row, a JSON integer; anything else (text, true, a list, 2**70) is `unknown`."""
        value = self._raw(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_LIMIT:
            self.fail(name, unknown)
            return None
        return value

    def choice(self, name: str, options: Iterable[str], *, default: str | None = None) -> str | None:
        value = self._raw(name, default is None)
        if value is None:
            return default
        options = tuple(options)
        if value not in options:
            self.fail(name, _("Must be one of: %(options)s.", options=", ".join(options)))
            return None
        return value

    def choices(self, name: str, options: Iterable[str]) -> list[str] | None:
        value = self.data.get(name, [])
        options = tuple(options)
        if not isinstance(value, list) or not all(isinstance(v, str) and v in options for v in value):
            self.fail(name, _("Must be a list of: %(options)s.", options=", ".join(options)))
            return None
        return sorted(set(value))

    def day(self, name: str, *, required: bool = True, earliest: date, latest: date) -> date | None:
        value = self._raw(name, required)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(name, message("date"))
            return None
        if not earliest <= parsed <= latest:
            self.fail(name, message("date_between", earliest=earliest.isoformat(), latest=latest.isoformat()))
            return None
        return parsed

    def moment(self, name: str, *, latest: datetime) -> datetime | None:
        value = self._raw(name, True)
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            if value is not None:
                self.fail(name, _("Must be a date and time like 2024-03-01T20:55:00."))
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=latest.tzinfo)
        if parsed < EARLIEST_MOMENT:  # year 1 with an offset overflows when turned into UTC
            self.fail(name, _("Must be between %(earliest)s and %(latest)s.", earliest=EARLIEST_MOMENT.date().isoformat(), latest=latest.date().isoformat()))
            return None
        if parsed > latest:
            self.fail(name, _("May not be in the future."))
            return None
        return parsed

    def minutes(self, name: str, *, high: int = 24 * 60) -> int | None:
        value = self._raw(name, True)
        if value is None:
            return None
        try:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise DurationError(name)  # a list, an object or true is no duration
            minutes = parse_minutes(value)
        except DurationError:
            self.fail(name, message("duration"))
            return None
        if not 1 <= minutes <= high:
            self.fail(name, message("duration_range"))
            return None
        return minutes

    def client_id(self, name: str = "client_id", *, required: bool = True) -> str | None:
        value = self.text(name, required=required, max_length=64)
        if value is None and not required and name not in self.errors:
            return str(uuid.uuid4())
        return value

    def done(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def storable(text: str) -> bool:
    """Whether a store can keep this text (no U+0000, no lone surrogate) on either backend."""
    return _UNSTORABLE.search(text) is None


def _whole(value: Any) -> int | None:
    """A whole number from JSON (5, 5.0) or typed text ("5", " -5 "), else None."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()  # full-width ２０００ is 2000, as on the phone
        if not _WHOLE.fullmatch(text):
            return None
        return int(text) if len(text) <= _MAX_DIGITS else (-1 if text.startswith("-") else 1) * 10**_MAX_DIGITS
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def form_id(text: str) -> int | None:
    """An id typed into an HTML form: ASCII digits, at most 9 ("²" is a digit to str.isdigit)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def local_today(timezone: str) -> date:
    """Today where the cadres are: entries carry local dates (DESIGN.md §5)."""
    return datetime.now(ZoneInfo(timezone)).date()


def day_window(today: date, *, back_days: int = 400, ahead_days: int = 1) -> tuple[date, date]:
    """Dates an entry may carry: a little over a year back, and tomorrow for clock skew."""
    return today - timedelta(days=back_days), today + timedelta(days=ahead_days)
