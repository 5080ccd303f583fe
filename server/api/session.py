"""Signing in and out, and signing up with an invite."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server import auth, directory
from server.models import User
from server.parse import Reader, json_body
from server.web import settings_of, today_of


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
    response.delete_cookie(auth.COOKIE, path="/")
    return response


async def signup(request: Request) -> JSONResponse:
    user = await directory.sign_up(await json_body(request), today_of(request))
    token = await auth.issue_token(user, settings_of(request).session_days)
    return JSONResponse(session_json(token, user), status_code=201)
