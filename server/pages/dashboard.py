"""A region's dashboard for supervisors: its burden, its children as rows with a sparkline over
the last 12 periods, a bar chart of the burden index by child, the flags and where the hours went."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from server import charts, labels, summary
from server.auth import require_user
from server.burden import indices
from server.burden.periods import Period, latest_published, recent_periods
from server.config import Settings
from server.i18n import format_number
from server.i18n import gettext as _
from server.pages.render import go, page
from server.scope import readable_region, requested_period
from server.web import settings_of, today_of

SPARK_PERIODS = 12


async def home(request: Request) -> Response:
    user = await require_user(request, "supervisor", "admin")
    return go(f"/dashboard/{user.region_id}") if user.region_id else go("/")


async def dashboard(request: Request) -> Response:
    user = await require_user(request)
    region = await readable_region(user, request.path_params["code"])
    settings, today = settings_of(request), today_of(request)
    period = requested_period(request.query_params.get("period"), today)
    report, flags = await summary.region_report(region.code, period, settings, today)
    codes = [region.code] + [c["region"]["code"] for c in report["children"]]
    series = await hours_series(codes, period, settings)
    context = {
        "report": report, "flags": flags, "period": period, "severities": labels.severities(), "levels": labels.levels(),
        "previous": period.previous(), "following": _following(period, today),
        "chart": burden_chart(report["children"], settings.k), "k": settings.k,
        "sparks": {code: charts.sparkline(values, _("Hours per cadre a week, last %(count)s periods", count=len(values))) for code, values in series.items()},
        "categories": labels.complaint_categories(),
        "can_review": user.role in ("supervisor", "admin"),
    }
    return await page(request, "dashboard.html", **context)


async def hours_series(codes: list[str], last: Period, settings: Settings) -> dict[str, list[float | None]]:
    """Hours per cadre a week of each region over the recent periods; hidden cells stay gaps."""
    series: dict[str, list[float | None]] = {code: [] for code in codes}
    for period in recent_periods(last, SPARK_PERIODS):
        tree = await summary.published_tree(period, settings)
        for code in codes:
            cell = tree.shown(code)
            series[code].append(indices.hours_per_reporter_week(cell.minutes, cell.reporters, period.weeks) if cell else None)
    return series


def burden_chart(children: list[dict], k: int) -> Markup | None:
    rows = [(c["region"]["name"], c["indices"]["burden_index"], format_number(c["indices"]["burden_index"], 1)) for c in children]
    return charts.bar_chart(rows, _("Burden index by place (0 to 100)"), 100.0, _("fewer than %(k)s", k=k)) if rows else None


def _following(period: Period, today: date) -> Period | None:
    """The next period, when it is published already."""
    return None if latest_published(today, period.kind).first <= period.first else period.following()
