"""A forgotten password set again with the administrator's code, and leaving (issue 12)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.services import accounts, leaving
from server.web import auth
from server.web.auth import require_user
from server.web.context import settings_of, today_of
from server.web.errors import ApiError
from server.web.pages.account import with_retry_after
from server.web.pages.render import form_writer, page, signed_in


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


async def reset_form(request: Request) -> Response:
    return await page(request, "reset.html", errors={}, values={"username": request.query_params.get("username", "")})


async def reset(request: Request) -> Response:
    auth.check_same_origin(request)
    values = {k: str(v) for k, v in (await request.form()).items()}
    try:
        user = await accounts.use_reset(request.app.state.throttle, values, _address(request), today_of(request))
    except ApiError as error:
        shown = {"username": values.get("username", ""), "code": values.get("code", "")}
        return with_retry_after(
            error,
            await page(
                request,
                "reset.html",
                status_code=error.status,
                errors=error.fields or {"form": error.message},
                values=shown,
            ),
        )
    return signed_in(request, await auth.issue_token(user, settings_of(request).session_days))


async def delete_form(request: Request) -> Response:
    await require_user(request)
    return await page(request, "account_delete.html", errors={})


async def delete(request: Request) -> Response:
    user, form = await form_writer(request)
    password = str(form.get("password", ""))
    try:
        await leaving.leave(
            request.app.state.throttle, user, password, _address(request), settings_of(request), today_of(request)
        )
    except ApiError as error:
        return with_retry_after(
            error, await page(request, "account_delete.html", status_code=error.status, errors={"form": error.message})
        )
    request.scope["state"]["user"] = None  # the page below is drawn for nobody
    response = await page(request, "account_deleted.html")
    auth.clear_session_cookie(response, settings_of(request).https)
    response.headers["clear-site-data"] = '"cache"'  # as on sign-out (pages/account.py)
    return response
