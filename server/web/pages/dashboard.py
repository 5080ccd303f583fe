"""A region's dashboard for supervisors: its burden, its children as rows with a sparkline over
the last 12 periods (50 a page, the highest burden index first, and a search for any place below),
a bar chart of the burden index by child, the flags grouped by kind (the rest on a paged list of
their own) and where the hours went."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from server.config import Settings
from server.domain.flag_groups import group_flags, of_kind
from server.domain.periods import Period
from server.models import Region, User
from server.services import dashboards, summary
from server.services.scope import readable_region, requested_month
from server.web import charts, labels
from server.web.auth import require_user
from server.web.context import settings_of, today_of
from server.web.errors import InvalidInput
from server.web.i18n import format_number, localized_name, ngettext
from server.web.i18n import gettext as _
from server.web.pages.render import go, page
from server.web.paging import Paging, requested_paging, requested_search

# About 50 places a page keep a province's dashboard near 100 KB on a phone; the rest are pages
# and a search away. Flags are grouped by kind on the dashboard, listed 50 a page behind it.
PLACES_PER_PAGE = 50
FLAGS_PER_PAGE = 50
SEARCHERS = ("supervisor", "admin")


async def home(request: Request) -> Response:
    user = await require_user(request, "supervisor", "admin")
    return go(f"/dashboard/{user.region_id}") if user.region_id else go("/")


async def _reading(request: Request, per_page: int) -> tuple[User, Region, Settings, Period, Paging]:
    """Who reads which region, in which published month, and which page of a list."""
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    settings = settings_of(request)
    period = await requested_month(request.query_params.get("period"), today_of(request), settings.publish_days)
    return user, region, settings, period, requested_paging(request.query_params, per_page)


async def dashboard(request: Request) -> Response:
    user, region, settings, period, paging = await _reading(request, PLACES_PER_PAGE)
    search = requested_search(request.query_params) if user.role in SEARCHERS else None
    # A search pages its matches; the places below then show their first page.
    places = Paging(1, PLACES_PER_PAGE) if search else paging
    board = await dashboards.dashboard(region, period, settings, places, search, paging)
    report, k = board.report, board.k
    context = {
        "report": report,
        "flags": board.flags,
        "period": period,
        "severities": labels.severities(),
        "levels": labels.levels(),
        "previous": period.previous(),
        "following": board.following,
        "chart": burden_chart(report["children"], k),
        "k": k,
        "sparks": {code: trend(values) for code, values in board.series.items()},
        "spark_months": dashboards.SPARK_PERIODS,
        "categories": labels.complaint_categories(),
        "can_review": user.role in ("supervisor", "admin"),
        "places": places,
        "search": search,
        "can_search": user.role in SEARCHERS,
        "found": board.found,
        "paging": paging,
        "found_words": _found_words(search, board.found),
        "flag_groups": group_flags(board.flags),
        "kinds": labels.flag_kinds(),
    }
    return await page(request, "dashboard.html", **context)


async def region_flag_list(request: Request) -> Response:
    """Every flag of a region, a page at a time, one kind or all: the "N more" of the dashboard."""
    _user, region, settings, period, paging = await _reading(request, FLAGS_PER_PAGE)
    kind = request.query_params.get("kind") or None
    if kind is not None and kind not in labels.flag_kinds():
        raise InvalidInput({"kind": _("Choose one of the kinds of flag listed on this page.")})
    flags = await summary.region_flags(region.code, period, settings)
    chosen = of_kind(flags, kind)
    paging.check(len(chosen))
    context = {
        "region": {"code": region.code, "name": localized_name(region.name, region.name_hant)},
        "period": period,
        "kind": kind,
        "flags": paging.cut(chosen),
        "total": len(chosen),
        "paging": paging,
        "severities": labels.severities(),
        "kinds": labels.flag_kinds(),
        "counts": {group.kind: group.count for group in group_flags(flags, shown=0)},
        "every": len(flags),
    }
    return await page(request, "flags.html", **context)


def trend(values: list[float | None]) -> Markup | str:
    """A sparkline once two months are known; before that, words: one dot reads as nothing."""
    known = sum(value is not None for value in values)
    if known == 0:
        return _("No month to show yet")
    if known == 1:
        return _("Only one month to show: too few for a trend")
    return charts.sparkline(values, _("Hours per cadre a week, last %(count)s months", count=len(values)))


def burden_chart(children: list[dict], k: int) -> Markup | None:
    rows = [
        (c["region"]["name"], c["indices"]["burden_index"], format_number(c["indices"]["burden_index"], 1))
        for c in children
        if not c.get("known_zero")
    ]
    return (
        charts.bar_chart(rows, _("Burden index by place (0 to 100)"), 100.0, _("fewer than %(k)s", k=k))
        if rows
        else None
    )


def _found_words(search: str | None, found: tuple[list, int] | None) -> str | None:
    if search is None or found is None:
        return None
    return ngettext(
        "%(num)s place found for “%(text)s”.",
        "%(num)s places found for “%(text)s”.",
        found[1],
        num=format_number(found[1]),
        text=search,
    )
