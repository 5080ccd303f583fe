"""What the rules say, without saying it in a language (issue 14): a rule hands over a message key
(the gettext msgid) and its parameters, and the edge (server/web/messages.py) renders it in the
reader's language. One flag, three renderings.

The rules import `message` as `_` and `plural_message` as `ngettext`, so `pybabel extract` finds
their keys as it finds every other user-facing string. Parameters that read differently per
language stay values here: a number, a share, a place's or app's name, a vocabulary label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """A sentence to say: its msgid and named parameters; `plural` and `count` for ngettext."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None


@dataclass(frozen=True)
class Number:
    """A number written the reader's way (digits after the point at most), "—" for None."""

    value: float | int | None
    digits: int = 0


@dataclass(frozen=True)
class Share:
    """A share written as a percentage the reader's way."""

    value: float | None


@dataclass(frozen=True)
class Name:
    """A region's or app's name: Simplified, and the given Traditional name if there is one."""

    simplified: str
    traditional: str | None = None


@dataclass(frozen=True)
class Label:
    """A closed vocabulary's value as people call it (`vocabulary` names a server.web.labels table)."""

    vocabulary: str
    code: str


@dataclass(frozen=True)
class Joined:
    """Parameters written one after the other with `separator` between them."""

    parts: tuple[Any, ...]
    separator: str = "、"


def message(key: str, **params: Any) -> Message:
    """A message for the edge to translate; named %(placeholders)s are filled from `params`."""
    return Message(key, params)


def plural_message(singular: str, plural: str, count: int, **params: Any) -> Message:
    """A message whose wording follows `count` (given to the sentence as %(num)s)."""
    return Message(singular, params, plural, count)
