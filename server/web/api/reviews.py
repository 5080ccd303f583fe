"""Reviews and their decisions (supervisors within their subtree, and admins)."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.services import reviews
from server.services.scope import readable_region, requested_month
from server.web import documents
from server.web.api.burden import csv_response
from server.web.api.contract import read_body
from server.web.auth import require_user
from server.web.context import settings_of, today_of, writer


async def open_review(request: Request) -> JSONResponse:
    user = await writer(request, *reviews.REVIEWERS)
    form = await read_body(request)
    region = await readable_region(user, form.region)
    period = await requested_month(form.period, today_of(request), settings_of(request).publish_days)
    review = await reviews.open_review(user, region, period, settings_of(request), today_of(request))
    return JSONResponse(await _review_json(request, review), status_code=201)


async def list_reviews(request: Request) -> JSONResponse:
    user = await require_user(request, *reviews.REVIEWERS)
    found = await reviews.reviews_in_scope(user)
    return JSONResponse([reviews.review_row(r) for r in found])


async def review(request: Request) -> JSONResponse:
    user = await require_user(request, *reviews.REVIEWERS)
    found = await reviews.review_in_scope(user, request.path_params["id"])
    return JSONResponse(await _review_json(request, found))


async def review_csv(request: Request) -> Response:
    user = await require_user(request, *reviews.REVIEWERS)
    found = await reviews.review_in_scope(user, request.path_params["id"])
    text = documents.review_csv(await _review_json(request, found), settings_of(request).k)
    return csv_response(text, f"jianfu-review-{found.id}.csv")


async def add_decision(request: Request) -> JSONResponse:
    user = await writer(request, *reviews.REVIEWERS)
    found = await reviews.review_in_scope(user, request.path_params["id"])
    decision = await reviews.add_decision(user, found, (await read_body(request)).given(), today_of(request))
    return JSONResponse(reviews.decision_json(decision), status_code=201)


async def close_review(request: Request) -> JSONResponse:
    user = await writer(request, *reviews.REVIEWERS)
    found = await reviews.review_in_scope(user, request.path_params["id"])
    await reviews.close_review(found, settings_of(request), today_of(request))
    return JSONResponse(await _review_json(request, found))


async def _review_json(request: Request, review) -> dict:
    return await reviews.review_json(
        review, await reviews.decisions_of(review), settings_of(request), today_of(request)
    )
