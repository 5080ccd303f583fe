"""Burden indices and flags for a region and a published period."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.services import summary
from server.services.scope import readable_region, requested_month
from server.web import documents
from server.web.auth import require_user
from server.web.context import settings_of, today_of
from server.web.paging import requested_paging

API_PAGE = 100


async def burden(request: Request) -> JSONResponse:
    """The Summary of DESIGN.md §4; with `?limit=` (and `?page=`) one page of its children, in
    code order, and `children_total`."""
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    period = await _month(request)
    places = requested_paging(request.query_params, _default_limit(request))
    return JSONResponse(await summary.burden_summary(region, period, settings_of(request), places))


async def flags(request: Request) -> JSONResponse:
    """Every flag of the subtree; with `?limit=` (and `?page=`) one page of them and `total`."""
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    paging = requested_paging(request.query_params, _default_limit(request))
    found = await summary.region_flags(region.code, await _month(request), settings_of(request))
    if not paging.size:
        return JSONResponse({"flags": [f.as_json() for f in found]})
    paging.check(len(found))
    return JSONResponse({"flags": [f.as_json() for f in paging.cut(found)], "total": len(found)})


async def summary_document(request: Request) -> Response:
    """The review document: the summary with its flags, sources and change (JSON, or CSV for .csv)."""
    user = await require_user(request)
    as_csv = request.url.path.endswith(".csv")
    region = await readable_region(user, request.path_params["code"])
    period = await _month(request)
    report, found = await summary.region_report(region, period, settings_of(request))
    flags = [f.as_json() for f in found]
    if as_csv:
        return csv_response(
            documents.summary_csv(report, flags, await summary.release_k(period)),
            f"jianfu-summary-{region.code}-{period.key}.csv",
        )
    return JSONResponse({**report, "flags": flags})


def _default_limit(request: Request) -> int | None:
    """Everything, as DESIGN.md §4 has it, unless a page is asked for: then 100 to a page."""
    return API_PAGE if "page" in request.query_params else None


async def _month(request: Request):
    return await requested_month(
        request.query_params.get("period"), today_of(request), settings_of(request).publish_days
    )


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
