"""Burden indices and flags for a region and a published period."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from server import summary
from server.auth import require_user
from server.scope import readable_region, requested_period
from server.web import settings_of, today_of


async def burden(request: Request) -> JSONResponse:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    period = requested_period(request.query_params.get("period"), today_of(request))
    return JSONResponse(await summary.burden_summary(region.code, period, settings_of(request), today_of(request)))


async def flags(request: Request) -> JSONResponse:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    period = requested_period(request.query_params.get("period"), today_of(request))
    found = await summary.region_flags(region.code, period, settings_of(request), today_of(request))
    return JSONResponse({"flags": [f.as_json() for f in found]})
