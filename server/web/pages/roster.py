"""My apps: which government apps I must use, and how much residents really use each."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.services import ledger, queries, records
from server.web import labels
from server.web.auth import require_user
from server.web.context import reporter_key_of, settings_of, today_of
from server.web.errors import InvalidInput
from server.web.pages.render import form_writer, go, page
from server.web.parse import form_id


async def show(
    request: Request, errors: dict[str, str] | None = None, status_code: int = 200, values: dict | None = None
) -> Response:
    user = await require_user(request, "cadre")
    apps = await queries.roster_view(user, reporter_key_of(request, user))
    context = {
        "apps": apps,
        "uses": labels.resident_use(),
        "levels": labels.levels(),
        "errors": errors or {},
        "values": values or {},
    }
    return await page(request, "apps.html", status_code=status_code, **context)


async def roster_form(request: Request) -> Response:
    return await show(request)


async def save_roster(request: Request) -> Response:
    """Each app's select is named app-<id>; an empty choice means "not required of me"."""
    user, form = await form_writer(request, "cadre")
    chosen = [
        {"app": form_id(name[4:]), "resident_use": str(use)}
        for name, use in form.items()
        if name.startswith("app-") and form_id(name[4:]) and use
    ]
    await ledger.replace_roster(user, reporter_key_of(request, user), {"apps": chosen}, today_of(request))
    return go("/apps?saved=1")


async def add_app(request: Request) -> Response:
    """An app missing from the list, required of the caller, with how much residents use it."""
    user, form = await form_writer(request, "cadre")
    values = {k: str(v) for k, v in form.items() if k in ("name", "function", "owner_level", "resident_use")}
    try:
        await records.add_required_app(
            user, reporter_key_of(request, user), values, today_of(request), settings_of(request).min_level
        )
    except InvalidInput as error:
        return await show(request, errors=error.fields, status_code=422, values=values)
    return go("/apps")
