"""Supervisors' review pages: the list, opening one from a dashboard, the review itself (printable,
with its decisions and before/after) and the printable summary of a place."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.domain.flag_groups import group_flags
from server.services import reviews, summary
from server.services.choices import decision_choices
from server.services.scope import readable_region, requested_month
from server.web import labels
from server.web.auth import require_user
from server.web.context import settings_of, today_of
from server.web.errors import InvalidInput
from server.web.pages.dashboard import PLACES_PER_PAGE
from server.web.pages.render import form_writer, go, page
from server.web.paging import requested_paging


async def review_list(request: Request) -> Response:
    user = await require_user(request, *reviews.REVIEWERS)
    found = [reviews.review_row(r) for r in await reviews.reviews_in_scope(user)]
    return await page(request, "reviews.html", reviews=found, statuses=labels.review_statuses())


async def open_review(request: Request) -> Response:
    user, form = await form_writer(request, *reviews.REVIEWERS)
    region = await readable_region(user, str(form.get("region", "")))
    period = await requested_month(
        str(form.get("period", "")) or None, today_of(request), settings_of(request).publish_days
    )
    review = await reviews.open_review(user, region, period, settings_of(request), today_of(request))
    return go(f"/reviews/{review.id}")


async def review_page(
    request: Request, values: dict[str, str] | None = None, errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    user = await require_user(request, *reviews.REVIEWERS)
    review = await reviews.review_in_scope(user, request.path_params["id"])
    document = await reviews.review_json(
        review, await reviews.decisions_of(review), settings_of(request), today_of(request)
    )
    return await page(
        request,
        "review.html",
        status_code=status_code,
        **document_context(request, document),
        **await decision_choices(user, review),
        form=values or {},
        errors=errors or {},
    )


async def add_decision(request: Request) -> Response:
    user, form = await form_writer(request, *reviews.REVIEWERS)
    review = await reviews.review_in_scope(user, request.path_params["id"])
    values = {k: str(v) for k, v in form.items() if k != "csrf"}
    try:
        await reviews.add_decision(user, review, {k: v for k, v in values.items() if v}, today_of(request))
    except InvalidInput as error:
        return await review_page(request, values, error.fields, status_code=422)
    return go(f"/reviews/{review.id}")


async def close_review(request: Request) -> Response:
    user, _form = await form_writer(request, *reviews.REVIEWERS)
    review = await reviews.review_in_scope(user, request.path_params["id"])
    await reviews.close_review(review, settings_of(request), today_of(request))
    return go(f"/reviews/{review.id}")


async def summary_page(request: Request) -> Response:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    period = await requested_month(
        request.query_params.get("period"), today_of(request), settings_of(request).publish_days
    )
    places = requested_paging(request.query_params, PLACES_PER_PAGE)
    report, flags = await summary.region_report(region, period, settings_of(request), places, ranked=True)
    grouped = {"places": places, "flag_groups": group_flags(flags), "kinds": labels.flag_kinds()}
    return await page(
        request,
        "summary.html",
        report=report,
        flags=flags,
        **{**_report_labels(request), **grouped, "k": await summary.release_k(period)},
    )


def document_context(request: Request, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "review": document,
        "statuses": labels.review_statuses(),
        "decision_kinds": labels.decisions(),
        **_report_labels(request),
    }


def _report_labels(request: Request) -> dict[str, Any]:
    return {
        "k": settings_of(request).k,
        "severities": labels.severities(),
        "levels": labels.levels(),
        "categories": labels.complaint_categories(),
        "links": False,
        "sparks": None,
        "chart": None,
    }
