"""Accounts for administrators (list, disable, enable, reset codes, the audit log), the reset
itself, and leaving."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.services import accounts, leaving
from server.store import audit
from server.web import auth
from server.web.api.contract import read_body
from server.web.api.curation import page_of
from server.web.api.session import session_json
from server.web.auth import require_user
from server.web.context import settings_of, today_of, writer


def address_of(request: Request) -> str | None:
    """The caller's address, for the throttle only (hashed there, never kept)."""
    return request.client.host if request.client else None


async def list_users(request: Request) -> JSONResponse:
    await require_user(request, "admin")
    rows, _more = await accounts.list_users(await accounts.read_user_filter(dict(request.query_params)))
    return JSONResponse([accounts.user_json(row) for row in rows])


async def disable_user(request: Request) -> Response:
    admin = await writer(request, "admin")
    await accounts.disable(admin, request.path_params["username"], today_of(request))
    return Response(status_code=204)


async def enable_user(request: Request) -> Response:
    admin = await writer(request, "admin")
    await accounts.enable(admin, request.path_params["username"], today_of(request))
    return Response(status_code=204)


async def issue_reset(request: Request) -> JSONResponse:
    admin = await writer(request, "admin")
    code, expires = await accounts.issue_reset(admin, request.path_params["username"], today_of(request))
    return JSONResponse({"code": code, "expires": expires.isoformat(timespec="seconds")}, status_code=201)


async def password_reset(request: Request) -> JSONResponse:
    """Answers like POST /api/session: a token for the account, every older session ended."""
    user = await accounts.use_reset(
        request.app.state.throttle, (await read_body(request)).given(), address_of(request), today_of(request)
    )
    token = await auth.issue_token(user, settings_of(request).session_days)
    return JSONResponse(session_json(token, user))


async def delete_me(request: Request) -> Response:
    user = await writer(request)
    form = await read_body(request)
    await leaving.leave(
        request.app.state.throttle, user, form.password, address_of(request), settings_of(request), today_of(request)
    )
    response = Response(status_code=204)
    auth.clear_session_cookie(response, settings_of(request).https)
    return response


async def audit_log(request: Request) -> JSONResponse:
    await require_user(request, "admin")
    page = page_of(request)
    events = await audit.recent(limit=audit.PAGE_SIZE, offset=(page - 1) * audit.PAGE_SIZE)
    return JSONResponse(
        [{"day": e.day.isoformat(), "actor": e.actor, "action": e.action, "target": e.target} for e in events]
    )
