"""Administrators' tasks and apps page (issue 12): who uses each (from k), merge, rename, hide."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.services import merging, renaming, usage_counts
from server.web import labels
from server.web.auth import require_user
from server.web.context import settings_of, today_of
from server.web.errors import InvalidInput
from server.web.pages.render import form_writer, go, page
from server.web.parse import form_id


async def tasks_page(request: Request, errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    await require_user(request, "admin")
    number = form_id(request.query_params.get("page", "1")) or 1
    k = settings_of(request).k
    tasks, more_tasks = await usage_counts.task_usage(k, number)
    apps, more_apps = await usage_counts.app_usage(k, number)
    return await page(
        request,
        "admin_tasks.html",
        status_code=status_code,
        tasks=tasks,
        apps=apps,
        function_name=labels.app_function,
        more=more_tasks or more_apps,
        page_number=number,
        k=k,
        errors=errors or {},
    )


def _chosen(form: Any, name: str) -> int:
    return form_id(str(form.get(name, ""))) or 0


async def merge(request: Request) -> Response:
    """Merge the chosen task (or app: the path says which) into another."""
    admin, form = await form_writer(request, "admin")
    source, data = _chosen(form, "source"), {"into": _chosen(form, "into") or None}
    try:
        if request.path_params["kind"] == "tasks":
            await merging.merge_tasks(admin, source, data, settings_of(request).secret, today_of(request))
        else:
            await merging.merge_apps(admin, source, data, today_of(request))
    except InvalidInput as error:
        return await tasks_page(
            request, {f"{request.path_params['kind']}-{k}": v for k, v in error.fields.items()}, 422
        )
    return go("/admin/tasks")


async def change(request: Request) -> Response:
    """Rename a task or app (`name` in the form), or hide or show it (`hidden` = 1 or 0)."""
    admin, form = await form_writer(request, "admin")
    kind, ident = request.path_params["kind"], request.path_params["id"]
    data: dict[str, Any] = {}
    if "name" in form:
        data["title" if kind == "tasks" else "name"] = str(form["name"])
    if "hidden" in form:
        data["hidden"] = str(form["hidden"]) == "1"
    try:
        if kind == "tasks":
            await renaming.change_task(admin, ident, data, settings_of(request).secret, today_of(request))
        else:
            await renaming.change_app(admin, ident, data, today_of(request))
    except InvalidInput as error:
        return await tasks_page(request, {f"{kind}-{ident}": next(iter(error.fields.values()))}, 422)
    return go("/admin/tasks")
