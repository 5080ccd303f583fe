"""What a region's dashboard shows of a published month: its report ranked by burden, its places'
recent hours as sparklines, and a search's matches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.config import Settings
from server.domain import indices
from server.domain.periods import Period, recent_periods
from server.domain.quota_rules import Flag
from server.models import Region
from server.services import place_search
from server.services.summary import published, region_report, release_k
from server.store.release import published_keys, published_month
from server.web.paging import Paging

SPARK_PERIODS = 12  # months a dashboard's sparklines span


@dataclass(frozen=True)
class Dashboard:
    """What a region's dashboard shows of a published month."""

    report: dict[str, Any]
    flags: list[Flag]
    k: int
    series: dict[str, list[float | None]]  # hours per cadre a week over SPARK_PERIODS months, by code
    following: Period | None  # the next month, once it is published
    found: tuple[list, int] | None  # a search's page of places and how many matched


async def dashboard(
    region: Region, period: Period, settings: Settings, places: Paging, search: str | None, paging: Paging
) -> Dashboard:
    """The region's report ranked by burden, its places' recent hours, and a search's matches."""
    report, flags = await region_report(region, period, settings, places, ranked=True)
    found = (
        await place_search.find_places(await published(region.code, period, settings), region, search, paging)
        if search
        else None
    )
    keys = set(await published_keys())
    codes = [region.code] + [c["region"]["code"] for c in report["children"]]
    following = period.following()
    series = await hours_series(codes, period, keys)
    return Dashboard(
        report, flags, await release_k(period), series, following if following.key in keys else None, found
    )


async def hours_series(codes: list[str], last: Period, keys: set[str]) -> dict[str, list[float | None]]:
    """Hours per cadre a week of each region over the recent months; hidden cells and months not
    published (not in `keys`: a release that is not there is not asked for) stay gaps."""
    series: dict[str, list[float | None]] = {code: [] for code in codes}
    for period in recent_periods(last, SPARK_PERIODS):
        month = await published_month(period) if period.key in keys else None
        for code in codes:
            figures = month.figures.get(code) if month and month.shown(code) else None
            series[code].append(
                indices.hours_per_reporter_week(figures["minutes"], figures["reporters"], period.weeks)
                if figures
                else None
            )
    return series
