"""Today: the day's tasks as big buttons, +15/+30/+60, typed durations, "same as last time".

A typical day is: tap a task (the first is preselected), tap +30. The form carries a client_id
made when the page was drawn, so a double tap or a resent form counts once.
"""

from __future__ import annotations

import functools
import uuid
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from server.models import TimeEntry
from server.services import queries, records
from server.web import labels
from server.web.auth import require_user
from server.web.context import reporter_key_of, settings_of, today_of
from server.web.errors import ApiError
from server.web.form_rules import client_rules
from server.web.i18n import localized_name
from server.web.ledger_forms import read_entries
from server.web.pages.render import form_writer, go, page
from server.web.parse import form_id

PRESETS = (15, 30, 60)


async def home(request: Request) -> Response:
    user = await require_user(request)
    if user.role == "supervisor":
        return go(f"/dashboard/{user.region_id}")
    if user.role != "cadre":
        return go("/admin")
    return await show_today(request, errors={}, chosen=request.query_params.get("chosen"))


async def show_today(
    request: Request, errors: dict[str, str], chosen: str | None = None, status_code: int = 200, kind: str = ""
) -> Response:
    user = await require_user(request, "cadre")
    today = today_of(request)
    view = await queries.today_view(user, reporter_key_of(request, user), today, labels.activities())
    chosen = chosen if any(c.value == chosen for c in view.choices) else view.choices[0].value
    activities = labels.activities()
    entry_name = functools.partial(name_of_entry, titles=view.task_titles, activities=activities)
    # What "same as last time" copies, also as data for the phone's outbox.
    copy_name = functools.partial(name_of, titles=view.task_titles, activities=activities)
    copies = [
        {"task": c.task, "activity": c.activity, "minutes": c.minutes, "name": copy_name(c.task, c.activity)}
        for c in await records.copies_for_today(user, view.last_entries, today)
    ]
    context = {
        "view": view,
        "today": today,
        "presets": PRESETS,
        "chosen": chosen,
        "kind": kind,
        "errors": errors,
        "client_id": str(uuid.uuid4()),
        "entry_name": entry_name,
        "copies": copies,
        "activity_labels": activities,
        "form_rules": client_rules(settings_of(request).rules, today),
    }
    return await page(request, "today.html", status_code=status_code, **context)


def name_of_entry(entry: TimeEntry, titles: dict[int, str], activities: dict[str, str]) -> str:
    return name_of(entry.task_id, entry.activity, titles, activities)


def name_of(task: int | None, activity: str, titles: dict[int, str], activities: dict[str, str]) -> str:
    """ "反诈助手注册 · 拉人注册": the task, if any, and the kind of work, in the reader's words."""
    work = activities[activity]
    return f"{localized_name(titles[task], None)} · {work}" if task else work


def entry_from_form(form: dict[str, str], today: date) -> dict:
    """One entry from the Today form: the tapped choice and a preset or a typed duration."""
    kind, _sep, value = form.get("choice", "activity:other").partition(":")
    entry = {
        "client_id": form.get("client_id", ""),
        "date": form.get("date") or today.isoformat(),
        "minutes": form.get("preset") or form.get("duration", ""),
    }
    if kind == "task" and form_id(value) is not None:
        entry["task"] = form_id(value)
        entry["activity"] = form.get("activity", "")  # the kind of work tapped, if any
    else:
        entry["activity"] = value
    return entry


async def log_time(request: Request) -> Response:
    user, form = await form_writer(request, "cadre")
    values = {k: str(v) for k, v in form.items()}
    today = today_of(request)
    batch = read_entries([entry_from_form(values, today)], today)
    result = await records.log_entries(user, reporter_key_of(request, user), batch.entries, today, batch.rejected)
    if result["rejected"]:
        return await show_today(
            request,
            errors=result["rejected"][0]["error"]["fields"],
            chosen=values.get("choice"),
            status_code=422,
            kind=values.get("activity", ""),
        )
    return go(f"/?chosen={values.get('choice', '')}")


async def repeat_last_day(request: Request) -> Response:
    """ "Same as last time": the earlier day's entries copied to today (server/services/records.py)."""
    user, _form = await form_writer(request, "cadre")
    try:
        result = await records.repeat_last_day(user, reporter_key_of(request, user), today_of(request))
    except ApiError as error:
        return await show_today(request, errors=error.fields, status_code=error.status)
    if result["rejected"]:
        return await show_today(request, errors=result["rejected"][0]["error"]["fields"], status_code=422)
    return go("/")
