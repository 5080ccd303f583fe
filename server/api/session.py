"""Signing in and out, and signing up with an invite."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server import auth, directory
from server.models import User
from server.parse import Reader, json_body
from server.web import settings_of, today_of, writer


def session_json(token: str, user: User) -> dict:
    return {"token": token, "user": {"username": user.username, "role": user.role, "region": user.region_id, "locale": user.locale}}


async def login(request: Request) -> JSONResponse:
    r = Reader(await json_body(request))
    username, password = r.text("username", max_length=40), r.password("password", shortest=1)
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
    current, new = r.password("current_password", shortest=1), r.password("new_password")
    r.done()
    return str(current), str(new)


async def change_password(request: Request) -> JSONResponse:
    """Ends every session and token of the account; answers with a fresh one."""
    user = await writer(request)
    current, new = read_password_change(await json_body(request))
    address = request.client.host if request.client else None
    token = await auth.change_password(request.app.state.throttle, user, current, new, address, settings_of(request).session_days)
    return JSONResponse(session_json(token, user))
