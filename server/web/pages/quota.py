"""Add a quota: pick (or describe) the task, the region, the target; see its flags at once."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.domain.anonymity import published_level
from server.domain.periods import period_containing
from server.models import Region, User
from server.services import ledger, queries
from server.services.choices import task_choice_labels
from server.services.tasks import create_task, visible_tasks
from server.web import labels
from server.web.auth import require_user
from server.web.context import quota_key_of, settings_of, today_of
from server.web.errors import InvalidInput
from server.web.form_rules import client_rules
from server.web.pages.render import form_writer, page
from server.web.parse import form_id


async def quota_context(request: Request, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    user = await require_user(request, "cadre")
    today = today_of(request)
    month = period_containing(today, "month")  # a new task runs for the month by default
    issuers, likely_issuer = await _issuers(user, settings_of(request).min_level)
    defaults = {
        "period_start": month.first.isoformat(),
        "period_end": month.last.isoformat(),
        "base": "population",
        "client_id": str(uuid.uuid4()),
        "region": user.region_id,
        "task": "new",
        "issued_by": likely_issuer,
    }
    tasks = await visible_tasks(user)
    return {
        "values": {**defaults, **values},
        "errors": errors,
        "tasks": tasks,
        "task_labels": await task_choice_labels(tasks),
        "regions": await queries.reportable_regions(user),
        "issuers": issuers,
        "labels": labels,
        "severities": labels.severities(),
        "form_rules": client_rules(settings_of(request).rules, today),
    }


async def _issuers(user: User, min_level: str) -> tuple[list[Region], str]:
    """The offices a cadre may name as a task's issuer, and the one the form preselects."""
    # Only the offices the server takes as issuers (tasks.create_task): a village is never offered.
    issuers = [r for r in await queries.issuing_regions(user) if published_level(r.level, min_level)]
    # The level just above a cadre is the likeliest to have passed the task down.
    above = [r for r in issuers if r.code != user.region_id]
    return issuers, above[-1].code if above else user.region_id


async def quota_form(request: Request) -> Response:
    return await page(request, "quota.html", **await quota_context(request, {}, {}))


async def save_quota(request: Request) -> Response:
    user, form = await form_writer(request, "cadre")
    values = {k: str(v) for k, v in form.items()}
    today = today_of(request)
    try:
        task_id = await _task_for(user, values, today, settings_of(request).min_level)
        quota_input = {k: values.get(k) for k in ("region", "target", "base", "eligible", "client_id")}
        quota, flags, _created = await ledger.save_quota(
            user, quota_key_of(request, user), {**quota_input, "task": task_id}, today, settings_of(request).rules
        )
    except InvalidInput as error:
        return await page(request, "quota.html", status_code=422, **await quota_context(request, values, error.fields))
    return await page(request, "quota_saved.html", quota=quota, flags=flags, severities=labels.severities())


async def _task_for(user: Any, values: dict[str, str], today: date, min_level: str) -> int:
    """The chosen task, or a new one from the form's task fields."""
    if values.get("task", "new") != "new":
        return form_id(values["task"]) or -1
    fields = (
        "title",
        "metric",
        "issued_by",
        "period_start",
        "period_end",
        "frequency",
        "ranking",
        "penalty",
        "evidence",
    )
    task, _created = await create_task(user, {k: values.get(k) or None for k in fields}, today, min_level)
    return task.id
