"""Invites: make one, list the caller's (all for admins), revoke one (DESIGN.md §4)."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.services import invites
from server.web.api.contract import read_body
from server.web.auth import require_user
from server.web.context import today_of, writer


async def create_invite(request: Request) -> JSONResponse:
    user = await writer(request, "admin", "cadre")
    invite = await invites.create_invite(user, (await read_body(request)).given(), today_of(request))
    return JSONResponse(invites.invite_json(invite, today_of(request)), status_code=201)


async def list_invites(request: Request) -> JSONResponse:
    user = await require_user(request, "admin", "cadre")
    today = today_of(request)
    return JSONResponse([invites.invite_json(i, today) for i in await invites.list_invites(user)])


async def revoke_invite(request: Request) -> Response:
    user = await writer(request, "admin", "cadre")
    await invites.revoke_invite(user, request.path_params["code"], today_of(request))
    return Response(status_code=204)
