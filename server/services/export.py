"""A cadre's own records handed back to them (GET /api/me/export.csv): everything they logged,
with places and tasks by name. Only the caller's keys are read; no one else's rows come back."""

from __future__ import annotations

from typing import Any

from server.domain import pseudonyms
from server.models import Outcome, QuotaRevision, TimeEntry, User
from server.services.ledger import own_entries, own_roster
from server.store import ledger as ledger_store
from server.web.i18n import localized_name


async def export_rows(user: User, reporter_key: str, quota_key: str, secret: str) -> list[dict[str, Any]]:
    """Everything the caller logged, as rows for their own CSV: the data comes back to them, with
    places and tasks by name (an outcome under its quota's task and place)."""
    entries = _entry_rows(await own_entries(reporter_key), user.region_id)
    reported = await ledger_store.quota_reports(quota_key)
    outcomes = _outcome_rows(await ledger_store.outcomes(reporter_key), reported, secret)
    quotas = [_quota_row(q) for q in reported]
    roster = [
        {"record": "roster", "app": item["name"], "resident_use": item["resident_use"]}
        for item in await own_roster(reporter_key)
    ]
    return await _named([*entries, *outcomes, *quotas, *roster])


def _entry_rows(entries: list[TimeEntry], home: str | None) -> list[dict[str, Any]]:
    """The time entries, oldest first, each at the caller's home region: a cadre logs for their home
    region (DESIGN.md §2), and an entry stores no place of its own."""
    return [
        {
            "record": "entry",
            "date": e.date.isoformat(),
            "region": home,
            "task": e.task_id,
            "activity": e.activity,
            "minutes": e.minutes,
            "note": e.note,
        }
        for e in reversed(entries)
    ]


def _outcome_rows(outcomes: list[Outcome], reported: list[QuotaRevision], secret: str) -> list[dict[str, Any]]:
    """The outcomes, each under its quota's place and task. An outcome names its quota only by a
    keyed hash (pseudonyms.quota_ref), so the caller's own quota reports are what tell which quota it was;
    one whose quota they never reported comes without a place or task."""
    quotas = {pseudonyms.quota_ref(secret, q.quota_id): q.quota for q in reported}
    rows: list[dict[str, Any]] = []
    for o in outcomes:
        quota = quotas.get(o.quota_ref)
        where = {"region": quota.region_id, "task": quota.task_id} if quota else {}
        rows.append(
            {
                "record": "outcome",
                "date": o.reported_on.isoformat(),
                **where,
                "status": o.status,
                "means": [m for m in o.means.split(",") if m],
                "cost_yuan": o.cost_yuan,
            }
        )
    return rows


def _quota_row(report: QuotaRevision) -> dict[str, Any]:
    """One quota report as the caller sent it: a quota keeps its history, so each report is a row."""
    return {
        "record": "quota",
        "date": report.reported_on.isoformat(),
        "region": report.quota.region_id,
        "task": report.quota.task_id,
        "target": report.target,
        "base": report.base,
    }


async def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with each region code and task id replaced by its name in the reader's script."""
    codes = {r["region"] for r in rows if r.get("region")}
    task_ids = {r["task"] for r in rows if r.get("task")}
    places = {r.code: localized_name(r.name, r.name_hant) for r in await ledger_store.regions_named(codes)}
    titles = {t.id: localized_name(t.title, None) for t in await ledger_store.tasks_named(task_ids)}
    return [{**r, "region": places.get(r.get("region")), "task": titles.get(r.get("task"))} for r in rows]
