"""A cadre's own records, whichever way they come in (issue 14): the Today form, the phone's outbox
and the API store the same row for the same input, because each goes through these functions, and
what a page used to decide itself ("same as last time", an app added to the roster) is decided here.
Storing stays ledger.py's (idempotency by client_id).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from server.domain.vocab import RESIDENT_USE, default_activity
from server.models import App, TimeEntry, User
from server.services import directory, ledger, queries
from server.web.errors import Conflict, InvalidInput
from server.web.i18n import gettext as _
from server.web.parse import ID_LIMIT, Reader


async def log_entries(user: User, reporter_key: str, data: Any, today: date) -> dict[str, list]:
    """Store a batch of entries (ledger.save_entries); an entry that names a task and no kind of
    work is logged as the task's usual kind, as a tap on the task on Today logs it."""
    items = data.get("entries") if isinstance(data, dict) else None
    if isinstance(items, list):
        metrics = await queries.task_metrics({_task_of(item) for item in items} - {None})
        data = {**data, "entries": [_with_usual_activity(item, metrics) for item in items]}
    return await ledger.save_entries(user, reporter_key, data, today)


async def edit_entry(user: User, reporter_key: str, client_id: str, data: Any, today: date) -> TimeEntry:
    """Correct one of the caller's entries, the kind of work decided as for a new entry."""
    metrics = await queries.task_metrics({_task_of(data)} - {None})
    return await ledger.edit_entry(user, reporter_key, client_id, _with_usual_activity(data, metrics), today)


def _task_of(item: Any) -> int | None:
    task = item.get("task") if isinstance(item, dict) else None
    return task if isinstance(task, int) and not isinstance(task, bool) and 1 <= task <= ID_LIMIT else None


def _with_usual_activity(item: Any, metrics: dict[int, str]) -> Any:
    """The entry as sent, with the task's usual kind of work when it names none (the ledger
    refuses whatever else is wrong with it)."""
    if not isinstance(item, dict) or item.get("activity") not in (None, ""):
        return item
    metric = metrics.get(_task_of(item) or 0)
    return {**item, "activity": default_activity(metric)} if metric else item


async def repeat_last_day(user: User, reporter_key: str, today: date) -> dict[str, list]:
    """Copy the most recent earlier day's entries to today. The copies' client_ids derive from the
    originals', so a second tap (or a resent form) stores nothing twice; a day already logged
    gets nothing on top (a stale page may still offer the button)."""
    last = await TimeEntry.filter(reporter_key=reporter_key, date__lt=today).order_by("-date").first()
    if last is None:
        raise InvalidInput({"form": _("Nothing logged before today to copy.")})
    copies = _copies(await TimeEntry.filter(reporter_key=reporter_key, date=last.date).order_by("id"), today)
    logged = set(await TimeEntry.filter(reporter_key=reporter_key, date=today).values_list("client_id", flat=True))
    if logged - {c["client_id"] for c in copies}:
        message = _("Today already has entries, so nothing was copied: the earlier day would have counted on top.")
        raise Conflict(message, {"form": message})
    return await log_entries(user, reporter_key, {"entries": copies}, today)


def _copies(entries: list[TimeEntry], today: date) -> list[dict[str, Any]]:
    """Today's copies of a day's entries, under ids made from the originals: a second tap repeats them."""
    return [
        {
            "client_id": hashlib.sha256(f"repeat:{e.client_id}:{today}".encode()).hexdigest()[:32],
            "date": today.isoformat(),
            "minutes": e.minutes,
            "activity": e.activity,
            "task": e.task_id,
        }
        for e in entries
    ]


async def add_required_app(user: User, reporter_key: str, values: dict[str, Any], today: date, min_level: str) -> App:
    """An app missing from the list, added to the directory and to the caller's roster with how
    much residents use it as the caller says: a cadre who adds an app has said nothing yet about
    its residents, and "never" would count towards the zombie-app flag."""
    r = Reader(values)
    use = r.choice("resident_use", RESIDENT_USE)
    r.done()
    app, _created = await directory.create_app(
        user, {k: values.get(k) for k in ("name", "function", "owner_level")}, min_level
    )
    roster = {a["app"]: a["resident_use"] for a in await ledger.own_roster(reporter_key)}
    roster[app.id] = use  # added again: what the caller says now
    await ledger.replace_roster(
        user, reporter_key, {"apps": [{"app": a, "resident_use": u} for a, u in roster.items()]}, today
    )
    return app
