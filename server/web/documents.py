"""Summaries and reviews as CSV for spreadsheets: blocks of rows (places, flags, sources, decisions,
before and after) under their own headers, with a BOM so spreadsheet programs read the Chinese.
Every CSV the app writes (these two and a cadre's own export) passes its cells through
`spreadsheet_cell`, so text someone typed is never run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from server.web import labels
from server.web.i18n import gettext as _

# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP, CSV injection):
# `=HYPERLINK(...)` in a task title would reach a supervisor's machine as a live link or command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_cell(value: Any) -> Any:
    """A value as a CSV cell: numbers stay numbers (-3 is read as -3), None is empty, and text that
    a spreadsheet would take for a formula gets a leading apostrophe, which shows it as text."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_cell(value) for value in values]


INDEX_COLUMNS = (
    "burden_index",
    "hours_per_reporter_week",
    "hours_per_reporter_week_median",
    "apps_per_reporter",
    "quota_pressure",
    "ranking_share",
    "evidence_share",
    "fabrication_share",
    "cost_yuan",
)


def _blocks(blocks: Iterable[tuple[str, list[str], list[list[Any]]]]) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    for title, header, rows in blocks:
        out.writerow(spreadsheet_row([title]))
        out.writerow(spreadsheet_row(header))
        out.writerows(spreadsheet_row(row) for row in rows)
        out.writerow([])
    return "\ufeff" + buffer.getvalue()


def withheld(k: int) -> str:
    """What a withheld cell says, in words: it never sits in a column of numbers."""
    return _("Withheld: fewer than %(k)s cadres", k=k)


def _place_block(report: dict[str, Any], k: int) -> tuple[str, list[str], list[list[Any]]]:
    """One row per place; a withheld place has empty figures and says why in its own column."""
    levels, names = labels.levels(), labels.index_names()
    header = [
        _("Place"),
        _("Level"),
        _("Month"),
        _("Cadres who logged"),
        *(names[n] for n in INDEX_COLUMNS),
        _("Flags"),
        _("Remarks"),
    ]
    rows = [
        [
            place["region"]["name"],
            levels.get(place["region"]["level"], ""),
            place["period"],
            None if place["suppressed"] else place["reporters"],
            *(place["indices"][name] for name in INDEX_COLUMNS),
            place["flags_count"],
            withheld(k) if place["suppressed"] else None,
        ]
        for place in [report, *report["children"]]
    ]
    return _("Places"), header, rows


def _flag_block(flags: list[dict[str, Any]]) -> tuple[str, list[str], list[list[Any]]]:
    severities, kinds = labels.severities(), labels.flag_kinds()
    return (
        _("Flags"),
        [_("Severity"), _("Flag"), _("Ratio"), _("What it says"), _("What it rests on")],
        [
            [severities[f["severity"]], kinds.get(f["kind"], ""), f.get("ratio"), f["message"], f["basis"]]
            for f in flags
        ],
    )


def summary_csv(report: dict[str, Any], flags: list[dict[str, Any]], k: int) -> str:
    """The review document for people: names, not codes; headers in the reader's language."""
    sources = (report.get("top_sources") or {}).get("tasks", [])
    return _blocks(
        [
            _place_block(report, k),
            _flag_block(flags),
            (
                _("Where the hours went"),
                [_("Task"), _("Hours"), _("Share")],
                [[s["name"], s["hours"], s["share"]] for s in sources],
            ),
        ]
    )


def review_csv(review: dict[str, Any], k: int) -> str:
    """A review for people, as its page shows it: decisions, before and after, the frozen summary."""
    index, hours = _("Burden index"), _("Hours per cadre a week")
    return _blocks(
        [
            (
                _("Review"),
                [_("Number"), _("Place"), _("Month"), _("Status"), _("Opened on"), _("Closed on")],
                [_review_row(review)],
            ),
            _place_block(review["summary"], k),
            _flag_block(review["flags"]),
            (
                _("Decisions"),
                [_("Number"), _("Decision"), _("Place"), _("Task"), _("App"), _("New target"), _("Decided on")],
                _decision_rows(review["decisions"]),
            ),
            (
                _("Before and after"),
                [_("Place"), _("Month before"), index, hours, _("Month after"), index, hours, _("Remarks")],
                _before_after_rows(review, k),
            ),
        ]
    )


def _review_row(review: dict[str, Any]) -> list[Any]:
    """The review's own line: number, place, month, status in words, opened and closed on."""
    statuses = labels.review_statuses()
    return [
        review["id"],
        review["region"]["name"],
        review["period"],
        statuses.get(review["status"], ""),
        review["opened_on"],
        review["closed_on"],
    ]


def _decision_rows(decisions: list[dict[str, Any]]) -> list[list[Any]]:
    """One line per decision, its kind in words."""
    kinds = labels.decisions()
    return [
        [
            d["id"],
            kinds.get(d["kind"], ""),
            d["region"]["name"],
            (d["task"] or {}).get("title"),
            (d["app"] or {}).get("name"),
            d["new_target"],
            d["decided_on"],
        ]
        for d in decisions
    ]


def _before_after_rows(review: dict[str, Any], k: int) -> list[list[Any]]:
    """One line per place a decision touched: its burden before and after, and a remark where the
    later release withholds a figure (fewer than k cadres)."""
    changes = review["before_after"] or {"places": [], "before": review["period"], "after": None}
    compared = []
    for p in changes["places"]:
        figures = [
            p["before"]["burden_index"],
            p["before"]["hours_per_reporter_week"],
            *((p["after"]["burden_index"], p["after"]["hours_per_reporter_week"]) if p["after"] else (None, None)),
        ]
        hidden = p["after"] is not None and None in figures
        compared.append(
            [
                p["region"]["name"],
                changes["before"],
                *figures[:2],
                changes["after"],
                *figures[2:],
                withheld(k) if hidden else None,
            ]
        )
    return compared


def records_csv(rows: list[dict[str, Any]]) -> str:
    """A cadre's own export: one row per record, every code in words, headers in their language."""
    header = [
        _("Record"),
        _("Date"),
        _("Place"),
        _("Task"),
        _("Kind of work"),
        _("Minutes"),
        _("My note"),
        _("App"),
        _("Residents' use"),
        _("Target"),
        _("Measured against"),
        _("Outcome"),
        _("How it was met"),
        _("Yuan spent"),
    ]
    table = _record_rows(rows)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(spreadsheet_row(header))
    # Notes and app names are typed by people: a note "=HYPERLINK(...)" must stay text.
    out.writerows(spreadsheet_row(row) for row in table)
    # A byte-order mark so spreadsheet programs on Chinese Windows read UTF-8.
    return "\ufeff" + buffer.getvalue()


def _record_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The export's lines, every code (record, kind of work, residents' use, base, outcome, means) in words."""
    records, activities, uses, bases = (
        labels.export_records(),
        labels.activities(),
        labels.resident_use(),
        labels.bases(),
    )
    statuses, means = labels.outcome_statuses(), labels.means()
    return [
        [
            records[r["record"]],
            r.get("date"),
            r.get("region"),
            r.get("task"),
            activities.get(r.get("activity") or ""),
            r.get("minutes"),
            r.get("note"),
            r.get("app"),
            uses.get(r.get("resident_use") or ""),
            r.get("target"),
            bases.get(r.get("base") or ""),
            statuses.get(r.get("status") or ""),
            _(", ").join(means.get(m, "") for m in r.get("means") or []),
            r.get("cost_yuan"),
        ]
        for r in rows
    ]
