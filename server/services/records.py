"""A cadre's own records, whichever way they come in (issue 14): the Today form, the phone's outbox
and the API store the same row for the same input, because each goes through these functions, and
what a page used to decide itself ("same as last time", an app added to the roster) is decided here.
Storing stays ledger.py's (idempotency by client_id).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from server.domain.entries import NewEntry, decided_entries
from server.domain.vocab import RESIDENT_USE
from server.models import App, TimeEntry, User
from server.services import apps, ledger, tasks
from server.web.errors import Conflict, InvalidInput
from server.web.i18n import gettext as _
from server.web.parse import Reader


async def log_entries(
    user: User, reporter_key: str, entries: list[NewEntry], today: date, rejected: Sequence[dict] = ()
) -> dict[str, list]:
    """Store a batch of entries read at the edge (`rejected`: those it refused already, answered
    first): each may name no task, or one the cadre sees (domain.entries.decided_entries)."""
    metrics = await tasks.visible_task_metrics(user, [e.task for e in entries])
    known, unknown = decided_entries(entries, metrics)
    refused = [_unknown_task().rejection(e.client_id) for e in unknown]
    result: dict[str, list] = {"accepted": [], "duplicates": [], "rejected": [*rejected, *refused]}
    await ledger.store_entries(reporter_key, today, known, result)
    return result


async def edit_entry(user: User, reporter_key: str, entry: NewEntry, today: date) -> TimeEntry:
    """Correct one of the caller's entries, the task and kind of work decided as for a new entry."""
    known, _unknown = decided_entries([entry], await tasks.visible_task_metrics(user, [entry.task]))
    if not known:
        raise _unknown_task()
    return await ledger.edit_entry(reporter_key, known[0], today)


def _unknown_task() -> InvalidInput:
    return InvalidInput({"task": _("Unknown task.")})


async def repeat_last_day(user: User, reporter_key: str, today: date) -> dict[str, list]:
    """Copy the most recent earlier day's entries to today. The copies' client_ids derive from the
    originals', so a second tap (or a resent form) stores nothing twice; a day already logged
    gets nothing on top (a stale page may still offer the button)."""
    last = await TimeEntry.filter(reporter_key=reporter_key, date__lt=today).order_by("-date").first()
    if last is None:
        raise InvalidInput({"form": _("Nothing logged before today to copy.")})
    last_day = await TimeEntry.filter(reporter_key=reporter_key, date=last.date).order_by("id")
    copies = await copies_for_today(user, last_day, today)
    logged = set(await TimeEntry.filter(reporter_key=reporter_key, date=today).values_list("client_id", flat=True))
    if logged - {c.client_id for c in copies}:
        message = _("Today already has entries, so nothing was copied: the earlier day would have counted on top.")
        raise Conflict(message, {"form": message})
    return await log_entries(user, reporter_key, copies, today)


async def copies_for_today(user: User, entries: list[TimeEntry], today: date) -> list[NewEntry]:
    """Today's copies of a day's entries, under ids made from the originals: a second tap repeats
    them. A copy names its task only while the cadre may still log against it (an administrator
    hid it, or the cadre moved away from its places); otherwise it keeps its kind of work, so the
    time is still logged instead of the copy being refused. The Today page offers these copies,
    and the phone's outbox sends them as they are."""
    loggable = await tasks.visible_task_metrics(user, [e.task_id for e in entries])
    return [
        NewEntry(
            client_id=hashlib.sha256(f"repeat:{e.client_id}:{today}".encode()).hexdigest()[:32],
            date=today,
            minutes=e.minutes,
            activity=e.activity,
            task=e.task_id if e.task_id in loggable else None,
        )
        for e in entries
    ]


async def add_required_app(user: User, reporter_key: str, values: dict[str, Any], today: date, min_level: str) -> App:
    """An app missing from the list, added to the directory and to the caller's roster with how
    much residents use it as the caller says: a cadre who adds an app has said nothing yet about
    its residents, and "never" would count towards the zombie-app flag."""
    r = Reader(values)
    use = r.choice("resident_use", RESIDENT_USE)
    r.done()
    app, _created = await apps.create_app(
        user, {k: values.get(k) for k in ("name", "function", "owner_level")}, min_level
    )
    roster = {a["app"]: a["resident_use"] for a in await ledger.own_roster(reporter_key)}
    roster[app.id] = use  # added again: what the caller says now
    await ledger.replace_roster(
        user, reporter_key, {"apps": [{"app": a, "resident_use": u} for a, u in roster.items()]}, today
    )
    return app
