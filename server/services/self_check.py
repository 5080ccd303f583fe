"""The quota self-check for the offices that issue quotas (/check): a task's terms and the target of
each receiving place, typed as rows or pasted as a table, answered with the flags a cadre would get
for the same quota (burden/quota_rules) and, when the office gives the target it received itself,
whether it raised it on the way down (domain/escalation). Nothing here reads or writes the store.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from server.domain.escalation import QuotaNode, escalation_flags
from server.domain.quota_rules import Flag, QuotaFacts, TaskFacts, base_size, quota_flags, task_flags
from server.domain.rules import Rules
from server.domain.vocab import BASES, EVIDENCE, METRICS, PENALTIES, RANKINGS
from server.web.i18n import gettext as _
from server.web.parse import Reader, storable

TYPED_ROWS = 5  # empty rows a fresh form offers; a pasted table takes any number up to MAX_ROWS
MAX_ROWS = 500
MAX_COUNT = 10**12
COUNTED_BASES = tuple(b for b in BASES if b != "none")
OFFICE = "office"  # the issuing office's own node in the escalation check; never shown
# A pasted line without tabs: the place, then the target and the count after spaces or commas.
_LINE = re.compile(r"(?:(.*?)[\s,，;；]+)?(\S+?)[\s,，;；]+(\S+?)")


@dataclass(frozen=True)
class Place:
    name: str
    target: int
    count: int


@dataclass(frozen=True)
class Answer:
    """Each place with its coverage and own flags, the task's flags once, and escalation."""

    places: list[tuple[Place, float, list[Flag]]]
    task_flags: list[Flag]
    escalation: list[Flag] = field(default_factory=list)


def read_check(form: Mapping[str, str]) -> tuple[dict[str, str | None], list[Place], int | None]:
    """The task's terms, the places (typed rows first, then the pasted table) and the target the
    office received, or InvalidInput naming each field (and each pasted line) that is wrong."""
    r = Reader(dict(form))
    terms = {
        "metric": r.choice("metric", METRICS),
        "base": r.choice("base", COUNTED_BASES, default="population"),
        "ranking": r.choice("ranking", RANKINGS, default="none"),
        "penalty": r.choice("penalty", PENALTIES, default="none"),
        "evidence": r.choice("evidence", EVIDENCE, default="none"),
    }
    received = r.integer("received", low=1, high=MAX_COUNT, required=False)
    places = _typed_rows(r, form) + _pasted_rows(r, form.get("table", ""))
    if not places and not r.errors:
        r.fail("rows", _("Enter at least one place with its target and count, or paste a table."))
    if len(places) > MAX_ROWS:
        r.fail("table", _("At most %(count)s places at a time.", count=MAX_ROWS))
    r.done()
    return terms, places, received


def _typed_rows(r: Reader, form: Mapping[str, str]) -> list[Place]:
    places = []
    for number in range(1, typed_row_count(form) + 1):
        name, target, count = (form.get(f"{part}_{number}", "").strip() for part in ("place", "target", "count"))
        if not (name or target or count):
            continue
        row = Reader({"target": _digits(target), "count": _digits(count)})
        values = row.integer("target", low=1, high=MAX_COUNT), row.integer("count", low=1, high=MAX_COUNT)
        for part, message in row.errors.items():
            r.fail(f"{part}_{number}", message)
        if not storable(name) or len(name) > 100:
            r.fail(f"place_{number}", _("At most %(count)s characters.", count=100))
        if None not in values:
            places.append(Place(name or _("Place %(number)s", number=number), *values))
    return places


def typed_row_count(form: Mapping[str, str]) -> int:
    """How many typed rows the form holds (as many as were sent, at least TYPED_ROWS)."""
    numbers = [int(key.split("_", 1)[1]) for key in form if re.fullmatch(r"(place|target|count)_[1-9][0-9]{0,2}", key)]
    return min(max([TYPED_ROWS, *numbers]), MAX_ROWS)


def _pasted_rows(r: Reader, table: str) -> list[Place]:
    """Lines of `place, target, count` (tabs from a spreadsheet, commas or spaces); a first line
    without numbers is taken for the header."""
    places, problems = [], []
    lines = [line for line in table.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        cells = _cells(line)
        target, count = (_digits(c) for c in cells[-2:]) if len(cells) >= 2 else ("", "")
        if not (target.isascii() and target.isdigit() and count.isascii() and count.isdigit()):
            if number == 1 and not any(c.isdigit() for c in line):
                continue  # a header
            problems.append(number)
            continue
        name = " ".join(cells[:-2]).strip() or _("Line %(number)s", number=number)
        if not (1 <= int(target) <= MAX_COUNT and 1 <= int(count) <= MAX_COUNT) or not storable(name):
            problems.append(number)
            continue
        places.append(Place(name[:100], int(target), int(count)))
    if problems:
        shown = ", ".join(str(n) for n in problems[:10])
        r.fail(
            "table",
            _(
                "Each line needs a place, then its target and its count as whole numbers above zero. Look at line "
                "%(lines)s.",
                lines=shown,
            ),
        )
    return places


def _cells(line: str) -> list[str]:
    """A pasted line's cells: a spreadsheet's tabs, else the last two words after the place."""
    if "\t" in line:
        return [cell.strip() for cell in line.strip().split("\t")]
    found = _LINE.fullmatch(line.strip())
    return [found.group(1) or "", found.group(2), found.group(3)] if found else [line]


def _digits(text: str) -> str:
    """A typed or pasted number as plain digits: full-width digits and thousands separators go."""
    return re.sub(r"(?<=\d)[,，_'’ ](?=\d{3})", "", unicodedata.normalize("NFKC", text).strip())


def check(terms: dict[str, str | None], places: list[Place], received: int | None, office: str, rules: Rules) -> Answer:
    """The flags each place's quota would earn, the task's own, and escalation from `received`."""
    task = TaskFacts(
        None,
        terms["metric"] or "other",
        OFFICE,
        terms["ranking"] or "none",
        terms["penalty"] or "none",
        terms["evidence"] or "none",
        "once",
    )
    base = terms["base"] or "population"
    rows = [_place_row(number, place, base, task, rules) for number, place in enumerate(places, start=1)]
    return Answer(rows, task_flags(task), _raised(places, received, office, rules))


def _place_row(number: int, place: Place, base: str, task: TaskFacts, rules: Rules) -> tuple[Place, float, list[Flag]]:
    """One place's coverage and the flags its own quota earns (over its base, over the eligible)."""
    counts = {"population": None, "households": None, "eligible": None, "base_count": None}
    counts["base_count" if base == "accounts" else base] = place.count
    quota = QuotaFacts(
        f"place-{number}",
        place.name,
        place.target,
        base,
        counts["population"],
        counts["households"],
        counts["eligible"],
        counts["base_count"],
    )
    own = [f for f in quota_flags(task, quota, rules) if f.kind in ("exceeds_base", "exceeds_eligible")]
    return place, place.target / (base_size(quota) or place.count), own


def _raised(places: list[Place], received: int | None, office: str, rules: Rules) -> list[Flag]:
    """Escalation, when the office said what it received: the places' targets against it."""
    if not received:
        return []
    nodes = [QuotaNode(OFFICE, office, None, received, 0, len(places))]
    nodes += [QuotaNode(f"place-{n}", p.name, OFFICE, p.target, p.count, 0) for n, p in enumerate(places, start=1)]
    return escalation_flags(nodes, OFFICE, 0, None, rules)
