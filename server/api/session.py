"""Signing in and out, and signing up with an invite."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server import auth, directory
from server.models import User
from server.parse import Reader, json_body
from server.i18n import gettext as _
from server.web import settings_of, today_of, writer


def session_json(token: str, user: User) -> dict:
    return {"token": token, "user": {"username": user.username, "role": user.role, "region": user.region_id, "locale": user.locale}}


async def login(request: Request) -> JSONResponse:
    r = Reader(await json_body(request))
    username, password = r.text("username", max_length=40), r.text("password", max_length=200)
    r.done()
    address = request.client.host if request.client else None
    user = await auth.sign_in(request.app.state.throttle, username, password, address)
    token = await auth.issue_token(user, settings_of(request).session_days)
    return JSONResponse(session_json(token, user))


async def logout(request: Request) -> Response:
    await auth.revoke_token(request)
    response = Response(status_code=204)
    auth.clear_session_cookie(response, settings_of(request).https)
    return response


async def signup(request: Request) -> JSONResponse:
    address = request.client.host if request.client else None  # hashed by the throttle, never kept
    user = await directory.sign_up(await json_body(request), today_of(request), request.app.state.throttle, address)
    token = await auth.issue_token(user, settings_of(request).session_days)
    return JSONResponse(session_json(token, user), status_code=201)


def read_password_change(data: object) -> tuple[str, str]:
    r = Reader(data)
    current = r.data.get("current_password")
    new = r.data.get("new_password")
    if not isinstance(current, str) or not current:
        r.fail("current_password", _("This field is required."))
    if not isinstance(new, str) or not 8 <= len(new) <= 200:
        r.fail("new_password", _("At least 8 characters."))
    r.done()
    return str(current), str(new)


async def change_password(request: Request) -> JSONResponse:
    """Ends every session and token of the account; answers with a fresh one."""
    user = await writer(request)
    current, new = read_password_change(await json_body(request))
    address = request.client.host if request.client else None
    token = await auth.change_password(request.app.state.throttle, user, current, new, address, settings_of(request).session_days)
    return JSONResponse(session_json(token, user))
