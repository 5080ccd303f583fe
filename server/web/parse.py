"""Reading untrusted input field by field: every problem is collected under the field's name, and
nothing is written until all fields of a request (or of one batch row) have passed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_core import PydanticCustomError

from server.web import fields
from server.web.errors import InvalidInput
from server.web.fields import ID_LIMIT, message, storable  # noqa: F401 -- their home before server.web.fields

__all__ = ["ID_LIMIT", "Reader", "day_window", "form_id", "local_today", "message", "storable"]


class Reader:
    """Typed access to one dict (a form, a batch row); `done()` raises InvalidInput with every
    field's problem. Each method is one check of server.web.fields, said in the request's language."""

    def __init__(self, data: Any, prefix: str = "") -> None:
        self.data = data if isinstance(data, dict) else {}
        self.prefix = prefix
        self.errors: dict[str, str] = {}
        if not isinstance(data, dict):
            self.errors[prefix.rstrip(".") or "body"] = message("object")

    def fail(self, name: str, sentence: str) -> None:
        self.errors.setdefault(self.prefix + name, sentence)

    def _read(self, name: str, check: Callable[..., Any], value: Any = None, **options: Any) -> Any:
        try:
            return check(self.data.get(name) if value is None else value, **options)
        except PydanticCustomError as error:
            self.fail(name, message(error.type, **(error.context or {})))
            return None

    def password(self, name: str, *, shortest: int = 8) -> str | None:
        return self._read(name, fields.password, shortest=shortest)

    def text(self, name: str, *, required: bool = True, max_length: int = 200) -> str | None:
        return self._read(name, fields.text, required=required, max_length=max_length)

    def integer(self, name: str, *, low: int, high: int, required: bool = True) -> int | None:
        return self._read(name, fields.integer, low=low, high=high, required=required)

    def number(self, name: str, *, low: float, high: float, required: bool = True) -> float | None:
        return self._read(name, fields.number, low=low, high=high, required=required)

    def ident(self, name: str, *, unknown: str, required: bool = False) -> int | None:
        """The id of a row, a JSON integer; anything else (text, true, a list, 2**70) is `unknown`."""
        try:
            return fields.ident(self.data.get(name), unknown="unknown_task", required=required)
        except PydanticCustomError as error:
            self.fail(name, message("required") if error.type == "required" else unknown)
            return None

    def choice(self, name: str, options: Iterable[str], *, default: str | None = None) -> str | None:
        found = self._read(name, fields.choice, options=options, required=default is None)
        return default if found is None and name not in self.errors else found

    def choices(self, name: str, options: Iterable[str]) -> list[str] | None:
        return self._read(name, fields.choices, self.data.get(name, []), options=options)

    def day(self, name: str, *, required: bool = True, earliest: date, latest: date) -> date | None:
        return self._read(name, fields.day, required=required, earliest=earliest, latest=latest)

    def moment(self, name: str, *, latest: datetime) -> datetime | None:
        return self._read(name, fields.moment, latest=latest)

    def minutes(self, name: str, *, high: int = 24 * 60) -> int | None:
        return self._read(name, fields.minutes, high=high)

    def client_id(self, name: str = "client_id", *, required: bool = True) -> str | None:
        value = self.text(name, required=required, max_length=64)
        if value is None and not required and self.prefix + name not in self.errors:
            return str(uuid.uuid4())
        return value

    def done(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def form_id(text: str) -> int | None:
    """An id typed into an HTML form: ASCII digits, at most 9 ("²" is a digit to str.isdigit)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def local_today(timezone: str) -> date:
    """Today where the cadres are: entries carry local dates (DESIGN.md §5)."""
    return datetime.now(ZoneInfo(timezone)).date()


def day_window(today: date, *, back_days: int = 400, ahead_days: int = 1) -> tuple[date, date]:
    """Dates an entry may carry: a little over a year back, and tomorrow for clock skew."""
    return today - timedelta(days=back_days), today + timedelta(days=ahead_days)
