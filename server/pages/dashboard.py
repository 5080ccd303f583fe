"""A region's dashboard for supervisors: its burden, its children as rows with a sparkline over
the last 12 periods, a bar chart of the burden index by child, the flags and where the hours went."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from server import charts, labels, summary
from server.auth import require_user
from server.burden import indices
from server.burden.periods import Period, recent_periods
from server.i18n import format_number
from server.i18n import gettext as _
from server.pages.render import go, page
from server.release import published_keys, published_month
from server.scope import readable_region, requested_month
from server.web import settings_of, today_of

SPARK_PERIODS = 12


async def home(request: Request) -> Response:
    user = await require_user(request, "supervisor", "admin")
    return go(f"/dashboard/{user.region_id}") if user.region_id else go("/")


async def dashboard(request: Request) -> Response:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    settings, today = settings_of(request), today_of(request)
    period = await requested_month(request.query_params.get("period"), today, settings.publish_days)
    report, flags = await summary.region_report(region.code, period, settings)
    k = await summary.release_k(period)
    codes = [region.code] + [c["region"]["code"] for c in report["children"]]
    series = await hours_series(codes, period)
    context = {
        "report": report, "flags": flags, "period": period, "severities": labels.severities(), "levels": labels.levels(),
        "previous": period.previous(), "following": await _following(period),
        "chart": burden_chart(report["children"], k), "k": k,
        "sparks": {code: trend(values) for code, values in series.items()}, "spark_months": SPARK_PERIODS,
        "categories": labels.complaint_categories(),
        "can_review": user.role in ("supervisor", "admin"),
    }
    return await page(request, "dashboard.html", **context)


async def hours_series(codes: list[str], last: Period) -> dict[str, list[float | None]]:
    """Hours per cadre a week of each region over the recent months; hidden cells and months not
    published stay gaps."""
    series: dict[str, list[float | None]] = {code: [] for code in codes}
    for period in recent_periods(last, SPARK_PERIODS):
        month = await published_month(period)
        for code in codes:
            figures = month.figures.get(code) if month and month.shown(code) else None
            series[code].append(indices.hours_per_reporter_week(figures["minutes"], figures["reporters"], period.weeks) if figures else None)
    return series


def trend(values: list[float | None]) -> Markup | str:
    """A sparkline once two months are known; before that, words: one dot reads as nothing."""
    known = sum(value is not None for value in values)
    if known == 0:
        return _("No month to show yet")
    if known == 1:
        return _("Only one month to show: too few for a trend")
    return charts.sparkline(values, _("Hours per cadre a week, last %(count)s months", count=len(values)))


def burden_chart(children: list[dict], k: int) -> Markup | None:
    rows = [(c["region"]["name"], c["indices"]["burden_index"], format_number(c["indices"]["burden_index"], 1)) for c in children if not c.get("known_zero")]
    return charts.bar_chart(rows, _("Burden index by place (0 to 100)"), 100.0, _("fewer than %(k)s", k=k)) if rows else None


async def _following(period: Period) -> Period | None:
    """The next month, when it is published already."""
    return period.following() if period.following().key in await published_keys() else None
