"""Locale negotiation, request-bound gettext for Python and Jinja2, Babel formatting, OpenCC names.

Tags on the wire are `zh-Hans`, `zh-Hant`, `en`; catalogs live in `locales/zh_Hans` etc. Babel's
own negotiation does not map zh-TW or bare zh onto script catalogs, so the mapping is ours.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import opencc
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.lists import format_list as babel_format_list
from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol
from babel.support import NullTranslations, Translations
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.domain.vocab import LOCALES

DEFAULT = "zh-Hans"
HANT_REGIONS = {"tw", "hk", "mo"}
# Formatting locales: one per script (Taiwan's conventions for Traditional).
BABEL_LOCALE = {"zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW", "en": "en"}

_catalogs: dict[str, NullTranslations] = {}
_current: ContextVar[str] = ContextVar("locale", default=DEFAULT)


def load_catalogs(locales_dir: Path) -> None:
    """Load every compiled catalog once; a missing .mo is an error, not silent English."""
    for tag in LOCALES:
        folder = tag.replace("-", "_")
        if not (locales_dir / folder / "LC_MESSAGES" / "messages.mo").exists():
            raise FileNotFoundError(f"no compiled catalog for {tag}: run `make catalogs`")
        _catalogs[tag] = Translations.load(str(locales_dir), [folder], "messages")


def to_supported(tag: str | None) -> str | None:
    """The supported locale a language tag means, or None (zh-TW -> zh-Hant, bare zh -> zh-Hans)."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").lower().split("-")
    if parts[0] in ("zh", "yue"):
        if "hant" in parts:
            return "zh-Hant"
        if "hans" in parts:
            return "zh-Hans"
        if parts[0] == "yue" or any(p in HANT_REGIONS for p in parts[1:]):
            return "zh-Hant"
        return "zh-Hans"
    return "en" if parts[0] == "en" else None


def environment_locale(environ: dict[str, str]) -> str:
    """The language of the command line, from the POSIX locale variables (zh_TW.UTF-8 ->
    zh-Hant); English where they name none we speak (C, POSIX, unset): the operator's terminal,
    not the cadres', decides."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(".")[0].split("@")[0]
        if value:
            return to_supported(value) or "en"
    return "en"


def accept_language_tags(header: str) -> list[str]:
    """Tags of an Accept-Language header, best first; q=0 dropped, at most 20 read."""
    ranked = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for *_, tag in sorted(ranked)]


def explicit_locale(conn: HTTPConnection) -> str | None:
    """The locale the person chose on this device: ?lang= first, then the lang cookie."""
    return to_supported(conn.query_params.get("lang")) or to_supported(conn.cookies.get("lang"))


def negotiate(conn: HTTPConnection) -> str:
    """?lang= > lang cookie > Accept-Language > zh-Hans (the user's preference is applied on login)."""
    chosen = explicit_locale(conn)
    if chosen:
        return chosen
    for tag in accept_language_tags(conn.headers.get("accept-language", "")):
        supported = to_supported(tag)
        if supported:
            return supported
    return DEFAULT


def use_locale(conn: HTTPConnection, tag: str) -> None:
    """Switch this request to `tag` (the signed-in user's preference, when they chose none here)."""
    conn.scope["state"]["locale"] = tag
    _current.set(tag)


def current_locale() -> str:
    return _current.get()


@contextmanager
def in_locale(tag: str) -> Iterator[None]:
    """Run a block in another language: a review's snapshot is kept in every interface language."""
    token = _current.set(tag)
    try:
        yield
    finally:
        _current.reset(token)


class LocaleMiddleware:
    """Pure ASGI, so the context variable reaches the handler; sets Content-Language and the cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        state = scope.setdefault("state", {})
        state["locale"] = negotiate(conn)
        requested = to_supported(conn.query_params.get("lang"))
        token = _current.set(state["locale"])

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-language"] = state["locale"]
                headers.add_vary_header("Accept-Language")
                if requested:  # a tap on the language switch sticks on this device
                    headers.append("set-cookie", f"lang={requested}; Path=/; Max-Age=31536000; SameSite=Lax")
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            _current.reset(token)


def _translations() -> NullTranslations:
    return _catalogs.get(_current.get()) or NullTranslations()


def gettext(message: str, **variables: Any) -> str:
    """Translate into the request's locale; named %(placeholders)s are filled from `variables`."""
    text = _translations().gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    text = _translations().ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# Characters that place names keep in Traditional script, which OpenCC converts as the common word
# they also spell: 于 as a surname and place (于家务, 于都县; not 於), 里 as a neighbourhood (湖里区,
# 里水镇; not 裡), 涌 as a Cantonese creek (东涌, 涌口; not 湧). On the official division list they
# were about 0.7% of names (issue 15).
NAME_KEEPS = frozenset("于里涌")


@functools.lru_cache(maxsize=65536)
def to_traditional(text: str) -> str:
    """Simplified to Taiwan-standard Traditional characters for a proper name: no vocabulary
    swaps, and the characters in NAME_KEEPS stay as the name has them."""
    converted = _converter("s2tw").convert(text)
    if len(converted) != len(text) or not NAME_KEEPS.intersection(text):
        return converted
    return "".join(source if source in NAME_KEEPS else target for source, target in zip(text, converted, strict=True))


def localized_name(name: str, name_hant: str | None, tag: str | None = None) -> str:
    """A region or app name in the reader's script: the given Traditional name, else OpenCC's."""
    if (tag or _current.get()) == "zh-Hant":
        return name_hant or to_traditional(name)
    return name


def format_number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return _formatted(value, digits, BABEL_LOCALE[_current.get()])


@functools.lru_cache(maxsize=65536)
def _formatted(value: float | int, digits: int, locale: str) -> str:
    """What Babel's format_decimal gives for "#,##0.##" (as many # as digits), without its cost:
    it parses the pattern and the locale on every call, and a province's release formats 50,000
    distinct numbers three times. Same rounding (half even, on the decimal the float prints as)
    and the locale's own symbols; tests/test_i18n.py holds the two equal."""
    group, point = _symbols(locale)
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    text = f"{number:,f}"
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


@functools.lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str]:
    return get_group_symbol(locale), get_decimal_symbol(locale)


def format_share(value: float | None) -> str:
    if value is None:
        return "—"
    return format_percent(value, format="#,##0%", locale=BABEL_LOCALE[_current.get()])


def format_list(items: Iterable[str]) -> str:
    """Names joined the reader's way: "时长、指标和日期", "duration, target, and date"."""
    return babel_format_list(list(items), locale=BABEL_LOCALE[_current.get()])


def format_day(value: date, style: str = "medium") -> str:
    return babel_format_date(value, format=style, locale=BABEL_LOCALE[_current.get()])


def format_month(value: date) -> str:
    """A month as people write it: 2026年11月, Nov 2026."""
    return format_skeleton("yMMM", value, locale=BABEL_LOCALE[_current.get()])


def format_minutes(minutes: int) -> str:
    """90 -> "1 h 30 min" in the reader's language."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return gettext("%(hours)s h %(minutes)s min", hours=hours, minutes=rest)
    if hours:
        return gettext("%(hours)s h", hours=hours)
    return gettext("%(minutes)s min", minutes=rest)


def language_names() -> Iterable[tuple[str, str]]:
    """The language switch: each locale named in its own script."""
    return (("zh-Hans", "简体"), ("zh-Hant", "繁體"), ("en", "English"))
