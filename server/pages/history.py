"""My history: what I logged, by day, with edit, delete and my own CSV."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server import labels, ledger, queries
from server.auth import require_user
from server.directory import visible_tasks
from server.errors import InvalidInput
from server.parse import form_id
from server.pages.render import form_writer, go, page
from server.web import quota_key_of, reporter_key_of, settings_of, today_of


async def history(request: Request) -> Response:
    user = await require_user(request, "cadre")
    key = reporter_key_of(request, user)
    days = await queries.entries_by_day(key)
    titles = await queries.task_titles({e.task_id for _day, entries in days for e in entries})
    context = {"days": days, "titles": titles, "activity_labels": labels.activities(), "quotas": await queries.my_quotas(quota_key_of(request, user), key, settings_of(request).secret), "statuses": labels.outcome_statuses(), "means": labels.means()}
    return await page(request, "history.html", **context)


async def outcome(request: Request) -> Response:
    """How one of my quotas was met: a status, the means (several), the yuan spent."""
    user, form = await form_writer(request, "cadre")
    body = {"status": form.get("status"), "means": form.getlist("means"), "cost_yuan": form.get("cost_yuan") or None}
    await ledger.save_outcome(user, reporter_key_of(request, user), request.path_params["quota_id"], body, today_of(request), settings_of(request).secret)
    return go("/history")


async def edit_form(request: Request, values: dict | None = None, errors: dict | None = None, status_code: int = 200) -> Response:
    user = await require_user(request, "cadre")
    entry = await ledger.own_entry(reporter_key_of(request, user), request.path_params["client_id"])
    values = values or {"date": entry.date.isoformat(), "minutes": str(entry.minutes), "activity": entry.activity, "task": str(entry.task_id or ""), "note": entry.note or ""}
    context = {"entry": entry, "values": values, "errors": errors or {}, "tasks": await visible_tasks(user), "activity_labels": labels.activities()}
    return await page(request, "entry_edit.html", status_code=status_code, **context)


async def edit(request: Request) -> Response:
    user, form = await form_writer(request, "cadre")
    values = {k: str(v) for k, v in form.items()}
    body = {"date": values.get("date"), "minutes": values.get("minutes"), "activity": values.get("activity"), "note": values.get("note")}
    if form_id(values.get("task", "")) is not None:
        body["task"] = form_id(values["task"])
    try:
        await ledger.edit_entry(user, reporter_key_of(request, user), request.path_params["client_id"], body, today_of(request))
    except InvalidInput as error:
        return await edit_form(request, values, error.fields, 422)
    return go("/history")


async def delete(request: Request) -> Response:
    user, _form = await form_writer(request, "cadre")
    await ledger.delete_entry(reporter_key_of(request, user), request.path_params["client_id"])
    return go("/history")
