"""Pages of a long list: a province has thousands of places and flags, and a page or an answer
that lists them all is megabytes on a phone. Query parameters are read here, once, and a bad one
answers 422 naming it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from server.web.errors import InvalidInput
from server.web.i18n import gettext as _

T = TypeVar("T")
MAX_LIMIT = 500
MAX_SEARCH = 50


@dataclass(frozen=True)
class Paging:
    """Page `number` (from 1) of `size` items; size None is everything on one page."""

    number: int = 1
    size: int | None = None

    @property
    def offset(self) -> int:
        return (self.number - 1) * (self.size or 0)

    def last(self, total: int) -> int:
        return max(1, math.ceil(total / self.size)) if self.size else 1

    def cut(self, items: Sequence[T]) -> list[T]:
        """This page of a list that is in memory already (a release's children)."""
        return list(items[self.offset : self.offset + self.size]) if self.size else list(items)

    def check(self, total: int) -> None:
        """A page past the last answers 422: the reader's link is wrong, not the store."""
        if self.number > self.last(total):
            raise InvalidInput(
                {
                    "page": _(
                        "There is no page %(number)s: the last is %(last)s.", number=self.number, last=self.last(total)
                    )
                }
            )


def requested_paging(params: Mapping[str, str], default_size: int | None) -> Paging:
    """`?page=` (from 1) and `?limit=` (1 to 500); without a limit, `default_size` per page."""
    number = _positive(params.get("page"), "page", _("Give a page number from 1."))
    size = _positive(params.get("limit"), "limit", _("Give a number of items from 1 to %(most)s.", most=MAX_LIMIT))
    if size is not None and size > MAX_LIMIT:
        raise InvalidInput({"limit": _("Give a number of items from 1 to %(most)s.", most=MAX_LIMIT)})
    return Paging(number or 1, size or default_size)


def requested_search(params: Mapping[str, str]) -> str | None:
    """What a reader typed to find a place by name or code (`?q=`), trimmed; None when blank."""
    text = " ".join(params.get("q", "").split())
    if len(text) > MAX_SEARCH:
        raise InvalidInput({"q": _("Type at most %(most)s characters of a place's name or code.", most=MAX_SEARCH)})
    return text or None


def _positive(text: str | None, name: str, message: str) -> int | None:
    if text is None or text == "":
        return None
    if not text.strip().isdecimal() or int(text) < 1 or len(text.strip()) > 6:
        raise InvalidInput({name: message})
    return int(text)
