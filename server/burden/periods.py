"""Periods: ISO weeks (2024-W10, a cadre's own views) and calendar months (2024-03, the only periods
published), and when a month is published."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
GRACE_DAYS = 7  # DESIGN.md §2: a month is published 7 days after it ends (JIANFU_PUBLISH_DAYS)


class PeriodError(ValueError):
    """Not a period this ledger knows."""


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # "week" or "month"
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    def previous(self) -> "Period":
        return period_containing(self.first - timedelta(days=1), self.kind)

    def following(self) -> "Period":
        return period_containing(self.last + timedelta(days=1), self.kind)


def parse_period(text: str) -> Period:
    """'2024-W10' or '2024-03' as its first and last day."""
    week = _WEEK.match(text or "")
    if week:
        year, number = int(week[1]), int(week[2])
        try:
            first = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise PeriodError(text) from None
        return Period(text, "week", first, first + timedelta(days=6))
    month = _MONTH.match(text or "")
    if month and 1 <= int(month[2]) <= 12 and int(month[1]) >= 1900:
        first = date(int(month[1]), int(month[2]), 1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(text, "month", first, following - timedelta(days=1))
    raise PeriodError(text)


def period_containing(day: date, kind: str) -> Period:
    if kind == "week":
        year, week, _weekday = day.isocalendar()
        return parse_period(f"{year}-W{week:02d}")
    return parse_period(f"{day.year}-{day.month:02d}")


def publication_day(month: Period, days: int = GRACE_DAYS) -> date:
    """The day a month is published: data received from that day on never counts for it."""
    return month.last + timedelta(days=days)


def latest_due(today: date, days: int = GRACE_DAYS) -> Period:
    """The most recent month whose publication day has come."""
    month = period_containing(today, "month")
    while publication_day(month, days) > today:
        month = month.previous()
    return month


def months_between(first: Period, last: Period) -> list[Period]:
    """The months from `first` to `last`, both included."""
    months = []
    while first.first <= last.first:
        months.append(first)
        first = first.following()
    return months


def recent_periods(last: Period, count: int) -> list[Period]:
    """`count` periods ending with `last`, oldest first."""
    periods = [last]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods

