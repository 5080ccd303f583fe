"""Signing in and out, and signing up with an invite."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.models import User
from server.services import registration
from server.web import auth
from server.web.api.bodies import PasswordChange
from server.web.api.contract import read, read_body
from server.web.context import settings_of, today_of, writer


def session_json(token: str, user: User) -> dict:
    return {
        "token": token,
        "user": {"username": user.username, "role": user.role, "region": user.region_id, "locale": user.locale},
    }


async def login(request: Request) -> JSONResponse:
    form = await read_body(request)
    address = request.client.host if request.client else None
    user = await auth.sign_in(request.app.state.throttle, form.username, form.password, address)
    token = await auth.issue_token(user, settings_of(request).session_days)
    return JSONResponse(session_json(token, user))


async def logout(request: Request) -> Response:
    await auth.revoke_token(request)
    response = Response(status_code=204)
    auth.clear_session_cookie(response, settings_of(request).https)
    return response


async def signup(request: Request) -> JSONResponse:
    address = request.client.host if request.client else None  # hashed by the throttle, never kept
    user = await registration.sign_up(
        (await read_body(request)).given(), today_of(request), request.app.state.throttle, address
    )
    token = await auth.issue_token(user, settings_of(request).session_days)
    return JSONResponse(session_json(token, user), status_code=201)


def read_password_change(data: object) -> tuple[str, str]:
    """The current and the new password, from the API's body or the page's form."""
    form = read(PasswordChange, data)
    return form.current_password, form.new_password


async def change_password(request: Request) -> JSONResponse:
    """Ends every session and token of the account; answers with a fresh one."""
    user = await writer(request)
    form = await read_body(request)
    current, new = form.current_password, form.new_password
    address = request.client.host if request.client else None
    token = await auth.change_password(
        request.app.state.throttle, user, current, new, address, settings_of(request).session_days
    )
    return JSONResponse(session_json(token, user))
