"""Burden indices and flags for a region and a published period."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server import documents, summary
from server.auth import require_user
from server.scope import readable_region, requested_month
from server.web import settings_of, today_of


async def burden(request: Request) -> JSONResponse:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    period = await _month(request)
    return JSONResponse(await summary.burden_summary(region.code, period, settings_of(request)))


async def flags(request: Request) -> JSONResponse:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    found = await summary.region_flags(region.code, await _month(request), settings_of(request))
    return JSONResponse({"flags": [f.as_json() for f in found]})


async def summary_document(request: Request) -> Response:
    """The review document: the summary with its flags, sources and change (JSON, or CSV for .csv)."""
    user = await require_user(request)
    as_csv = request.url.path.endswith(".csv")
    region = await readable_region(user, request.path_params["code"])
    period = await _month(request)
    report, found = await summary.region_report(region.code, period, settings_of(request))
    flags = [f.as_json() for f in found]
    if as_csv:
        return csv_response(documents.summary_csv(report, flags, await summary.release_k(period)), f"jianfu-summary-{region.code}-{period.key}.csv")
    return JSONResponse({**report, "flags": flags})


async def _month(request: Request):
    return await requested_month(request.query_params.get("period"), today_of(request), settings_of(request).publish_days)


def csv_response(text: str, filename: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8", headers={"content-disposition": f'attachment; filename="{filename}"'})
