"""Today: the day's tasks as big buttons, +15/+30/+60, typed durations, "same as last time".

A typical day is: tap a task (the first is preselected), tap +30. The form carries a client_id
made when the page was drawn, so a double tap or a resent form counts once.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from server import labels, ledger, queries
from server.burden.vocab import default_activity
from server.directory import visible_task
from server.auth import require_user
from server.i18n import gettext as _
from server.i18n import localized_name
from server.models import TimeEntry
from server.parse import form_id
from server.pages.render import form_writer, go, page
from server.form_rules import client_rules
from server.web import reporter_key_of, settings_of, today_of

PRESETS = (15, 30, 60)


async def home(request: Request) -> Response:
    user = await require_user(request)
    if user.role == "supervisor":
        return go(f"/dashboard/{user.region_id}")
    if user.role != "cadre":
        return go("/admin")
    return await show_today(request, errors={}, chosen=request.query_params.get("chosen"))


async def show_today(request: Request, errors: dict[str, str], chosen: str | None = None, status_code: int = 200, kind: str = "") -> Response:
    user = await require_user(request, "cadre")
    today = today_of(request)
    view = await queries.today_view(user, reporter_key_of(request, user), today, labels.activities())
    chosen = chosen if any(c.value == chosen for c in view.choices) else view.choices[0].value
    activities = labels.activities()
    entry_name = functools.partial(name_of_entry, titles=view.task_titles, activities=activities)
    # What "same as last time" copies, also as data for the phone's outbox.
    copies = [{"task": e.task_id, "activity": e.activity, "minutes": e.minutes, "name": entry_name(e)} for e in view.last_entries]
    context = {"view": view, "today": today, "presets": PRESETS, "chosen": chosen, "kind": kind, "errors": errors, "client_id": str(uuid.uuid4()),
               "entry_name": entry_name, "copies": copies, "activity_labels": activities, "form_rules": client_rules(settings_of(request).rules, today)}
    return await page(request, "today.html", status_code=status_code, **context)


def name_of_entry(entry: TimeEntry, titles: dict[int, str], activities: dict[str, str]) -> str:
    """"反诈助手注册 · 拉人注册": the task, if any, and the kind of work, in the reader's words."""
    work = activities[entry.activity]
    return f"{localized_name(titles[entry.task_id], None)} · {work}" if entry.task_id else work


def entry_from_form(form: dict[str, str], today: date) -> dict:
    """One entry from the Today form: the tapped choice and a preset or a typed duration."""
    kind, _sep, value = form.get("choice", "activity:other").partition(":")
    entry = {"client_id": form.get("client_id", ""), "date": form.get("date") or today.isoformat(), "minutes": form.get("preset") or form.get("duration", "")}
    if kind == "task" and form_id(value) is not None:
        entry["task"] = form_id(value)
    else:
        entry["activity"] = value
    return entry


async def log_time(request: Request) -> Response:
    user, form = await form_writer(request, "cadre")
    values = {k: str(v) for k, v in form.items()}
    today = today_of(request)
    entry = entry_from_form(values, today)
    if entry.get("task"):  # the kind of work tapped, else the usual one for the task
        entry["activity"] = values.get("activity") or default_activity((await visible_task(user, entry["task"])).metric)
    result = await ledger.save_entries(user, reporter_key_of(request, user), {"entries": [entry]}, today)
    if result["rejected"]:
        return await show_today(request, errors=result["rejected"][0]["error"]["fields"], chosen=values.get("choice"), status_code=422, kind=values.get("activity", ""))
    return go(f"/?chosen={values.get('choice', '')}")


async def repeat_last_day(request: Request) -> Response:
    """Copy the most recent earlier day's entries to today; tapping twice copies once, and a day
    already logged gets nothing on top (a stale page may still show the button)."""
    user, _form = await form_writer(request, "cadre")
    key, today = reporter_key_of(request, user), today_of(request)
    last = await TimeEntry.filter(reporter_key=key, date__lt=today).order_by("-date").first()
    if last is None:
        return await show_today(request, errors={"form": _("Nothing logged before today to copy.")}, status_code=422)
    copies = _copies(await TimeEntry.filter(reporter_key=key, date=last.date).order_by("id"), today)
    logged = set(await TimeEntry.filter(reporter_key=key, date=today).values_list("client_id", flat=True))
    if logged - {c["client_id"] for c in copies}:
        return await show_today(request, errors={"form": _("Today already has entries, so nothing was copied: the earlier day would have counted on top.")}, status_code=409)
    result = await ledger.save_entries(user, key, {"entries": copies}, today)
    if result["rejected"]:
        return await show_today(request, errors=result["rejected"][0]["error"]["fields"], status_code=422)
    return go("/")


def _copies(entries: list[TimeEntry], today: date) -> list[dict]:
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
