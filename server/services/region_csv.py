"""The region CSV (`code,parent,level,name,name_hant,population,households`), read the same way by
`jianfu import-regions` and by the administrator's upload page: UTF-8 with or without BOM, or GBK."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from server.web.errors import InvalidInput
from server.web.i18n import gettext as _

REGION_COLUMNS = ("code", "parent", "level", "name", "name_hant", "population", "households")
REQUIRED_COLUMNS = ("code", "level", "name", "population")
# No field of a region is near this long (names take 100 characters); a longer one is a broken file.
LONGEST_FIELD = 1000
DECODE_BYTES = 1 << 20


class RegionFileError(InvalidInput):
    """The file itself cannot be read as a region list (encoding, columns, a broken row): 422 with
    the message under the field `file`."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": message})
        self.message = message


@dataclass(frozen=True)
class RegionFile:
    """The rows as the API's region objects, and the line of the file each row starts on."""

    items: list[dict[str, Any]]
    lines: list[int]


def read_region_file(raw: bytes) -> RegionFile:
    """The whole file's rows at once (the upload page's preview, POST-sized files)."""
    items, lines = [], []
    for line, item in region_items(raw):
        items.append(item)
        lines.append(line)
    return RegionFile(items, lines)


def region_items(raw: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line the row starts on, the row as the API's region object), one row at a time: a national
    file (665,276 rows) is never held as rows. A field no region could have (overlong, or with a
    NUL, which PostgreSQL cannot store) is refused here, naming its line and column, before
    anything reaches the store."""
    reader = csv.reader(_text(raw))
    limit = csv.field_size_limit()
    # The csv module stops at 131,072 characters with an error that names neither line nor column:
    # read any length here and say which field is too long below.
    csv.field_size_limit(max(limit, len(raw) + 1))
    try:
        yield from _region_items(reader)
    except csv.Error as error:
        raise RegionFileError(
            _("Line %(line)s: not a readable CSV row (%(error)s).", line=reader.line_num, error=str(error))
        ) from None
    finally:
        csv.field_size_limit(limit)


def _text(raw: bytes) -> io.TextIOWrapper:
    """The file's text as a stream: UTF-8 with a BOM; else UTF-8 when the whole file is and writes
    Chinese as UTF-8 does (three bytes a character); else GBK; else UTF-8 after all.

    Some GBK characters are valid UTF-8 by accident: 省 (CA A1) reads as "ʡ", 山 as "ɽ". A GBK file
    whose Chinese is only such characters decodes as UTF-8 made of Latin and IPA letters, which no
    region list is written in, so it is read as GBK."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decoded(raw, "utf-8-sig")
    utf8 = _decodes(raw, "utf-8")
    if utf8 and (raw.isascii() or _THREE_BYTE_LEAD.search(raw)):
        return _decoded(raw, "utf-8")
    if _decodes(raw, "gbk"):
        return _decoded(raw, "gbk")
    if utf8:
        return _decoded(raw, "utf-8")
    raise RegionFileError(_("The file is neither UTF-8 nor GBK text. Save it as CSV (UTF-8) and try again."))


_THREE_BYTE_LEAD = re.compile(rb"[\xe0-\xef]")  # starts a UTF-8 character of U+0800 and above: CJK


def _decodes(raw: bytes, encoding: str) -> bool:
    """Whether the whole file is text in `encoding`, checked a piece at a time: no copy of the text."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        for start in range(0, len(raw), DECODE_BYTES):
            decoder.decode(raw[start : start + DECODE_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decoded(raw: bytes, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline="")


def _region_items(reader: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows after the header as the API's region objects; a column the header does not name is
    empty, one it names twice is its last, blank lines are skipped (as csv.DictReader would)."""
    header = next(reader, None) or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RegionFileError(
            _(
                "Missing columns: %(missing)s (expected %(columns)s).",
                missing=", ".join(missing),
                columns=",".join(REGION_COLUMNS),
            )
        )
    where = {name: i for i, name in enumerate(header)}
    places = [where.get(column, -1) for column in REGION_COLUMNS]
    start = reader.line_num + 1
    for values in reader:
        if values:
            fields = [values[i] if 0 <= i < len(values) else "" for i in places]
            for column, value in zip(REGION_COLUMNS, fields, strict=True):
                _check_field(value, reader.line_num, column)
            item = {column: value.strip() or None for column, value in zip(REGION_COLUMNS, fields, strict=True)}
            for number in ("population", "households"):
                value = item[number]
                item[number] = (
                    int(value) if value and value.isascii() and value.isdigit() else value
                )  # "²" is a digit to isdigit()
            yield start, item
        start = reader.line_num + 1


def _check_field(value: str, line: int, column: str) -> None:
    if "\x00" in value:
        raise RegionFileError(
            _("Line %(line)s, column %(column)s: contains a NUL character (U+0000).", line=line, column=column)
        )
    if len(value) > LONGEST_FIELD:
        raise RegionFileError(
            _(
                "Line %(line)s, column %(column)s: %(length)s characters; a region's fields have at most %(longest)s.",
                line=line,
                column=column,
                length=f"{len(value):,}",
                longest=f"{LONGEST_FIELD:,}",
            )
        )


def template_csv() -> bytes:
    """A file to fill in: the header and two example rows, UTF-8 with a BOM so spreadsheets read it."""
    lines = [
        ",".join(REGION_COLUMNS),
        "360721,,county,示例县,示例縣,650000,210000",
        "360721100,360721,township,示例镇,,42000,13000",
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
