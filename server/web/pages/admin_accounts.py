"""Administrators' account pages (issue 12): the list by region and role, disabling and enabling,
a password reset code shown once, and the audit log."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from server.services import accounts
from server.store import audit
from server.web import labels
from server.web.auth import require_user
from server.web.context import today_of
from server.web.errors import InvalidInput
from server.web.i18n import language_names
from server.web.pages.render import form_writer, go, page
from server.web.parse import form_id

LIST_FILTERS = ("region", "role", "page")


async def users(request: Request) -> Response:
    await require_user(request, "admin")
    query = {k: v for k, v in request.query_params.items() if k in LIST_FILTERS and v}
    try:
        wanted, errors = await accounts.read_user_filter(query), {}
    except InvalidInput as error:
        wanted, errors = accounts.UserFilter(), error.fields
    rows, more = await accounts.list_users(wanted)
    return await page(
        request,
        "admin_users.html",
        status_code=422 if errors else 200,
        users=rows,
        more=more,
        page_number=wanted.page,
        query=query,
        filters={k: v for k, v in query.items() if k != "page"},
        errors=errors,
        roles=labels.roles(),
        locale_names=dict(language_names()),
    )


def back_to_list(form: FormData) -> Response:
    """Back to the list as it was filtered (only its own filters: the path is fixed)."""
    kept = [(k, v) for k, v in parse_qsl(str(form.get("back", ""))) if k in LIST_FILTERS]
    return go("/admin/users" + (f"?{urlencode(kept)}" if kept else ""))


async def disable(request: Request) -> Response:
    admin, form = await form_writer(request, "admin")
    await accounts.disable(admin, request.path_params["username"], today_of(request))
    return back_to_list(form)


async def enable(request: Request) -> Response:
    admin, form = await form_writer(request, "admin")
    await accounts.enable(admin, request.path_params["username"], today_of(request))
    return back_to_list(form)


async def issue_reset(request: Request) -> Response:
    """The code is on this answer only: it is never stored, so it can never be shown again."""
    admin, _form = await form_writer(request, "admin")
    username = request.path_params["username"]
    code, expires = await accounts.issue_reset(admin, username, today_of(request))
    user = await accounts.account(username)
    return await page(
        request, "admin_reset_code.html", username=user.username, code=code, expires=expires, hours=accounts.RESET_HOURS
    )


async def audit_log(request: Request) -> Response:
    await require_user(request, "admin")
    number = form_id(request.query_params.get("page", "1")) or 1
    events = await audit.recent(limit=audit.PAGE_SIZE + 1, offset=(number - 1) * audit.PAGE_SIZE)
    return await page(
        request,
        "admin_audit.html",
        events=events[: audit.PAGE_SIZE],
        more=len(events) > audit.PAGE_SIZE,
        page_number=number,
        actions=labels.audit_actions(),
    )
