"""Summaries and reviews as CSV for spreadsheets: blocks of rows (places, flags, sources, decisions,
before and after) under their own headers, with a BOM so spreadsheet programs read the Chinese.
Every CSV the app writes (these two and a cadre's own export) passes its cells through
`spreadsheet_cell`, so text someone typed is never run as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any, Iterable

from server.i18n import gettext as _

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


INDEX_COLUMNS = ("burden_index", "hours_per_reporter_week", "hours_per_reporter_week_median", "apps_per_reporter", "quota_pressure", "ranking_share", "evidence_share", "fabrication_share", "cost_yuan")


def _blocks(blocks: Iterable[tuple[str, list[str], list[list[Any]]]]) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    for title, header, rows in blocks:
        out.writerow(spreadsheet_row([title]))
        out.writerow(spreadsheet_row(header))
        out.writerows(spreadsheet_row(row) for row in rows)
        out.writerow([])
    return "\ufeff" + buffer.getvalue()


def _place_rows(report: dict[str, Any], k: int) -> list[list[Any]]:
    hidden = _("fewer than %(k)s", k=k)
    return [
        [place["region"]["code"], place["region"]["name"], place["region"]["level"], place["period"],
         hidden if place["suppressed"] else place["reporters"], *(place["indices"][name] for name in INDEX_COLUMNS), place["flags_count"]]
        for place in [report, *report["children"]]
    ]


def _flag_block(flags: list[dict[str, Any]]) -> tuple[str, list[str], list[list[Any]]]:
    return (_("Flags"), ["kind", "severity", "region", "task", "app", "ratio", "message", "basis"],
            [[f["kind"], f["severity"], f["region"], f.get("task"), f.get("app"), f.get("ratio"), f["message"], f["basis"]] for f in flags])


def summary_csv(report: dict[str, Any], flags: list[dict[str, Any]], k: int) -> str:
    sources = (report.get("top_sources") or {}).get("tasks", [])
    return _blocks([
        (_("Places"), ["code", "name", "level", "period", "reporters", *INDEX_COLUMNS, "flags"], _place_rows(report, k)),
        _flag_block(flags),
        (_("Where the hours went"), ["task", "name", "hours", "share"], [[s["id"], s["name"], s["hours"], s["share"]] for s in sources]),
    ])


def review_csv(review: dict[str, Any], k: int) -> str:
    decisions = [
        [d["id"], d["kind"], d["region"]["code"], d["region"]["name"], (d["task"] or {}).get("title"), (d["app"] or {}).get("name"), d["new_target"], d["decided_on"]]
        for d in review["decisions"]
    ]
    changes = review["before_after"] or {"places": [], "before": review["period"], "after": None}
    compared = [
        [p["region"]["code"], p["region"]["name"], changes["before"], p["before"]["burden_index"], p["before"]["hours_per_reporter_week"],
         changes["after"], *((p["after"]["burden_index"], p["after"]["hours_per_reporter_week"]) if p["after"] else (None, None))]
        for p in changes["places"]
    ]
    head = [[review["id"], review["region"]["code"], review["region"]["name"], review["period"], review["status"], review["opened_on"], review["closed_on"]]]
    return _blocks([
        (_("Review"), ["id", "code", "name", "period", "status", "opened_on", "closed_on"], head),
        (_("Places"), ["code", "name", "level", "period", "reporters", *INDEX_COLUMNS, "flags"], _place_rows(review["summary"], k)),
        _flag_block(review["flags"]),
        (_("Decisions"), ["id", "kind", "code", "region", "task", "app", "new_target", "decided_on"], decisions),
        (_("Before and after"), ["code", "name", "before", "burden_index", "hours_per_reporter_week", "after", "burden_index", "hours_per_reporter_week"], compared),
    ])
