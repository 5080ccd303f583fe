"""Invites as pages: the list with a form to make one, the printable sheet, revoking."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from server.models import Invite
from server.services import invites
from server.services.invites import shown_invite_code
from server.web import labels
from server.web.auth import require_user
from server.web.context import today_of
from server.web.errors import InvalidInput
from server.web.i18n import gettext as _
from server.web.pages.render import form_writer, go, page
from server.web.qr import qr_svg

DEFAULT_DAYS = 30
FIELDS = ("region", "role", "uses", "expires")


async def show(
    request: Request, errors: dict[str, str] | None = None, values: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    user = await require_user(request, "admin", "cadre")
    today = today_of(request)
    defaults = {
        "region": request.query_params.get("region", user.region_id or ""),
        "role": "cadre",
        "uses": "5",
        "expires": (today + timedelta(days=DEFAULT_DAYS)).isoformat(),
    }
    context = {
        "invites": await invites.list_invites(user),
        "today": today,
        "roles": labels.roles(),
        "choosable": invites.roles_for(user),
        "errors": errors or {},
        "values": values or defaults,
        "shown": shown_invite_code,
        "maker": invites.maker,
    }
    return await page(request, "invites.html", status_code=status_code, **context)


async def invite_list(request: Request) -> Response:
    return await show(request)


async def create(request: Request) -> Response:
    user, form = await form_writer(request, "admin", "cadre")
    values = {k: str(form.get(k, "")) for k in FIELDS}
    if user.role == "cadre":  # a cadre's invites are for their own region: the form has no choice
        values["region"] = user.region_id or ""
    try:
        invite = await invites.create_invite(user, {k: v for k, v in values.items() if v}, today_of(request))
    except InvalidInput as error:
        return await show(request, errors=error.fields, values=values, status_code=error.status)
    return go(f"/invites/{shown_invite_code(invite.code)}")


async def sheet(request: Request) -> Response:
    """The sheet to print and hand out: the code in groups, and a QR code of the sign-up link."""
    user = await require_user(request, "admin", "cadre")
    invite = await invites.visible_invite(user, request.path_params["code"])
    link = invites.signup_link(str(request.base_url), invite)
    context = {
        "invite": invite,
        "code": shown_invite_code(invite.code),
        "link": link,
        "usable": invites.is_usable(invite, today_of(request)),
        "qr": qr_svg(link, _("QR code of the sign-up link")),
        "roles": labels.roles(),
    }
    return await page(request, "invite_sheet.html", **context)


async def revoke(request: Request) -> Response:
    user, _form = await form_writer(request, "admin", "cadre")
    invite: Invite = await invites.revoke_invite(user, request.path_params["code"], today_of(request))
    return go(f"/invites/{shown_invite_code(invite.code)}")
