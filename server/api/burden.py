"""Burden indices, flags and the series check for a region and a published period."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from server import summary
from server.auth import require_user
from server.burden.periods import Period, PeriodError, latest_published, parse_period
from server.burden.regions import in_subtree, on_line
from server.directory import home_region
from server.errors import InvalidInput, NotFound
from server.i18n import gettext as _
from server.models import Region, User
from server.web import settings_of, today_of


def requested_period(request: Request) -> Period:
    text = request.query_params.get("period")
    if not text:
        return latest_published(today_of(request))
    try:
        return parse_period(text)
    except PeriodError:
        raise InvalidInput({"period": _("Must be a week like 2024-W10 or a month like 2024-03.")}) from None


async def readable_region(user: User, code: str) -> Region:
    """A supervisor reads their subtree, a cadre the regions on their own line; others get 404."""
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound("region")
    if user.role == "admin":
        return region
    home = await home_region(user)
    allowed = in_subtree(region.path, home.path) if user.role == "supervisor" else on_line(region.path, home.path) and len(region.path) <= len(home.path)
    if not allowed:
        raise NotFound("region")
    return region


async def burden(request: Request) -> JSONResponse:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    period = requested_period(request)
    return JSONResponse(await summary.burden_summary(region.code, period, settings_of(request), today_of(request)))


async def flags(request: Request) -> JSONResponse:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    period = requested_period(request)
    found = await summary.region_flags(region.code, period, settings_of(request), today_of(request))
    return JSONResponse({"flags": [f.as_json() for f in found]})
