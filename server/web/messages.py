"""The rules' messages said in the reader's language (issue 14): server/domain hands over keys with
parameters (server.domain.messages), and this is the one place that renders them, so a flag is
computed once and rendered in each interface language.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from server.domain.messages import Joined, Label, Message, Name, Number, Share
from server.domain.quota_rules import Flag
from server.web import i18n, labels


def render(value: Any) -> Any:
    """A message or parameter in words of the current language; anything else as it is."""
    if isinstance(value, Message):
        params = {name: render(param) for name, param in value.params.items()}
        if value.plural is not None:
            return i18n.ngettext(value.key, value.plural, value.count or 0, **params)
        return i18n.gettext(value.key, **params)
    if isinstance(value, Number):
        return i18n.format_number(value.value, value.digits)
    if isinstance(value, Share):
        return i18n.format_share(value.value)
    if isinstance(value, Name):
        return i18n.localized_name(value.simplified, value.traditional)
    if isinstance(value, Label):
        return getattr(labels, value.vocabulary)()[value.code]
    if isinstance(value, Joined):
        return value.separator.join(str(render(part)) for part in value.parts)
    return value


def rendered_tree(value: Any, tag: str | None = None) -> Any:
    """A tree of dicts and lists (a report) with every message and parameter in it rendered, in
    `tag` (the current language by default)."""
    with i18n.in_locale(tag) if tag else nullcontext():
        return _rendered_tree(value)


def _rendered_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _rendered_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rendered_tree(item) for item in value]
    return render(value)


def rendered_flags(flags: list[Flag], tag: str | None = None) -> list[Flag]:
    """The flags with their message and basis in words, in `tag` (the current language by default)."""
    with i18n.in_locale(tag) if tag else nullcontext():
        return [replace(f, message=render(f.message), basis=render(f.basis)) for f in flags]


def in_words(body: dict[str, Any]) -> dict[str, Any]:
    """A JSON body whose "flags" came from the rules as JSON values (tasks.task_json), with
    each flag's message and basis in words; words already rendered stay as they are."""
    return {
        **body,
        "flags": [{**f, "message": render(f["message"]), "basis": render(f["basis"])} for f in body["flags"]],
    }


def flags_json(flags: list[Flag]) -> list[dict[str, Any]]:
    """Flags as the API answers them, in the current language."""
    return [f.as_json() for f in rendered_flags(flags)]
