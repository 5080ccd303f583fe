"""The words of a page as a person reads or hears them, and the identifiers that leaked into them:
`snake_case` words and the demo county's region codes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# Region codes of the demo county: 360721 (county), 9 digits (township), 12 digits (village).
REGION_CODE = re.compile(r"(?<![\d.,])360721(?:\d{3}){0,2}(?!\d|[.,]\d)")
SPOKEN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


class Words(HTMLParser):
    """The words of a page a person reads or hears: text outside scripts and styles, and the
    spoken attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.words += [value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.words.append(data.strip())


def words_of(html: str) -> list[str]:
    parser = Words()
    parser.feed(html)
    return parser.words


def leaks(words: list[str]) -> list[str]:
    """The identifiers among the words."""
    return [hit for text in words for hit in SNAKE.findall(text) + REGION_CODE.findall(text)]
