"""Names that could pass for others: hidden characters, and letters of one script imitating another's
(UTS #39). Usernames, and the region, app and task names people read, are checked here."""

from __future__ import annotations

import unicodedata

from server.web.i18n import gettext as _
from server.web.parse import Reader

# Characters that change how a name looks without being seen: controls, format characters (the
# bidirectional overrides U+202A-202E and isolates U+2066-2069, zero-width spaces and joiners
# U+200B-200D, U+FEFF), line and paragraph separators, private-use, unassigned and surrogate code points.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}
# Scripts that may share a name with Latin letters without imitating them (UTS #39, "highly restrictive").
_EAST_ASIAN = {"LATIN", "CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "BOPOMOFO", "HANGUL"}


def hidden_characters(text: str) -> bool:
    """True when the text holds a control, bidi, zero-width or other invisible character."""
    return any(unicodedata.category(c) in HIDDEN_CATEGORIES for c in text)


def hidden_problem() -> str:
    return _("No control, invisible or direction-changing characters.")


def _script(letter: str) -> str:
    """A letter's script as the first word of its Unicode name: LATIN, CYRILLIC, GREEK, CJK ..."""
    return unicodedata.name(letter, "UNKNOWN").split(" ")[0]


def mixed_scripts(text: str) -> bool:
    """True when the letters come from more than one script, unless they are Latin with Chinese,
    Japanese or Korean: a Cyrillic "а" among Latin letters imitates an "a"; "李ming" imitates nothing."""
    scripts = {_script(c) for c in text if unicodedata.category(c).startswith("L")}
    return len(scripts) > 1 and not scripts <= _EAST_ASIAN


def shown_text(r: Reader, name: str, value: str | None) -> str | None:
    """A name people will read (a region, an app, a task): refused with hidden characters in it."""
    if value is not None and hidden_characters(value):
        r.fail(name, hidden_problem())
        return None
    return value
