"""The page behind the one-time link `jianfu serve` prints on a store with no administrator."""

from starlette.requests import Request
from starlette.responses import Response

from server.services import first_admin
from server.web import auth
from server.web.context import settings_of, today_of
from server.web.errors import InvalidInput
from server.web.pages.render import page, signed_in


async def form(request: Request) -> Response:
    code = request.query_params.get("code", "")
    await first_admin.check_code(code)
    return await page(request, "first_admin.html", errors={}, values={"code": code})


async def create(request: Request) -> Response:
    auth.check_same_origin(request)
    values = {k: str(v) for k, v in (await request.form()).items() if k in ("code", "username", "password", "locale")}
    try:
        user = await first_admin.create_first_admin(values, today_of(request))
    except InvalidInput as error:
        return await page(request, "first_admin.html", status_code=error.status, errors=error.fields, values=values)
    return signed_in(request, await auth.issue_token(user, settings_of(request).session_days), "/admin")
