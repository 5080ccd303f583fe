"""My history: what I logged, by day, with edit, delete and my own CSV."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from server.domain.periods import Period, PeriodError, parse_period, period_containing
from server.services import ledger, queries, records
from server.services.tasks import visible_tasks
from server.web import labels, ledger_forms
from server.web.auth import require_user
from server.web.context import quota_key_of, reporter_key_of, settings_of, today_of
from server.web.errors import InvalidInput, NotFound
from server.web.pages.render import form_writer, go, page
from server.web.parse import form_id


async def history(request: Request, undo: dict | None = None) -> Response:
    """One ISO week at a time (`?week=2026-W47`, this week by default): a year of days on one page
    was a 13,500 px scroll on a phone."""
    user = await require_user(request, "cadre")
    key, today = reporter_key_of(request, user), today_of(request)
    week = _week_asked(request.query_params.get("week"), today)
    days = await queries.entries_by_day(key, week.first, week.last)
    titles = await queries.task_titles(
        {e.task_id for _day, entries in days for e in entries} | {undo and undo.get("task")}
    )
    weeks = {
        "shown": week,
        "earlier": week.previous() if await queries.logged_before(key, week.first) else None,
        "later": week.following() if week.last < today else None,
    }
    context = {
        "days": days,
        "titles": titles,
        "weeks": weeks,
        "undo": undo,
        "activity_labels": labels.activities(),
        "statuses": labels.outcome_statuses(),
        "means": labels.means(),
        "quotas": await queries.my_quotas(quota_key_of(request, user), key, settings_of(request).secret),
    }
    return await page(request, "history.html", **context)


def _week_asked(text: str | None, today: date) -> Period:
    if text is None:
        return period_containing(today, "week")
    try:
        week = parse_period(text)
    except PeriodError:
        raise NotFound("week") from None
    if week.kind != "week" or week.first > today:
        raise NotFound("week")
    return week


async def outcome(request: Request) -> Response:
    """How one of my quotas was met: a status, the means (several), the yuan spent."""
    user, form = await form_writer(request, "cadre")
    body = {"status": form.get("status"), "means": form.getlist("means"), "cost_yuan": form.get("cost_yuan") or None}
    await ledger.save_outcome(
        user,
        reporter_key_of(request, user),
        request.path_params["quota_id"],
        body,
        today_of(request),
        settings_of(request).secret,
    )
    return go("/history")


async def edit_form(
    request: Request, values: dict | None = None, errors: dict | None = None, status_code: int = 200
) -> Response:
    user = await require_user(request, "cadre")
    entry = await ledger.own_entry(reporter_key_of(request, user), request.path_params["client_id"])
    values = values or {
        "date": entry.date.isoformat(),
        "minutes": str(entry.minutes),
        "activity": entry.activity,
        "task": str(entry.task_id or ""),
        "note": entry.note or "",
    }
    context = {
        "entry": entry,
        "values": values,
        "errors": errors or {},
        "tasks": await visible_tasks(user),
        "activity_labels": labels.activities(),
    }
    return await page(request, "entry_edit.html", status_code=status_code, **context)


async def edit(request: Request) -> Response:
    user, form = await form_writer(request, "cadre")
    values = {k: str(v) for k, v in form.items()}
    body = {
        "date": values.get("date"),
        "minutes": values.get("minutes"),
        "activity": values.get("activity"),
        "note": values.get("note"),
    }
    if form_id(values.get("task", "")) is not None:
        body["task"] = form_id(values["task"])
    today = today_of(request)
    try:
        change = ledger_forms.read_change(body, request.path_params["client_id"], today)
        await records.edit_entry(user, reporter_key_of(request, user), change, today)
    except InvalidInput as error:
        return await edit_form(request, values, error.fields, 422)
    return go("/history")


async def delete(request: Request) -> Response:
    """Deletes at once and answers History with an undo: the deleted entry, whole, in a form."""
    user, _form = await form_writer(request, "cadre")
    entry = await ledger.delete_entry(reporter_key_of(request, user), request.path_params["client_id"])
    return await history(request, undo={**ledger_forms.entry_json(entry), "day": entry.date})


async def restore(request: Request) -> Response:
    """Undo of a delete: the entry comes back under its own client_id, as it was."""
    user, form = await form_writer(request, "cadre")
    entry = {k: str(form.get(k, "")) for k in ("client_id", "date", "minutes", "activity", "note")}
    entry["note"] = entry["note"] or None
    if form_id(str(form.get("task", ""))) is not None:
        entry["task"] = form_id(str(form["task"]))
    today = today_of(request)
    batch = ledger_forms.read_entries([entry], today)
    result = await records.log_entries(user, reporter_key_of(request, user), batch.entries, today, batch.rejected)
    if result["rejected"]:
        raise InvalidInput(result["rejected"][0]["error"]["fields"])
    return go(f"/history?week={period_containing(date.fromisoformat(entry['date']), 'week').key}")
