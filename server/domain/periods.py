"""Periods: ISO weeks (2024-W10, a cadre's own views) and calendar months (2024-03, the only periods
published), and when a month is published."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# The years a reader may name: the ledger's own era, far from the ends of the calendar, so that
# the day after a period, its publication day and the periods around it are always dates.
YEARS = range(2000, 3000)
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

    def previous(self) -> Period:
        return period_containing(self.first - timedelta(days=1), self.kind)

    def following(self) -> Period:
        return period_containing(self.last + timedelta(days=1), self.kind)


def parse_period(text: str) -> Period:
    """'2024-W10' or '2024-03' as its first and last day; years 2000 to 2999 (ASCII digits only)."""
    text = text if isinstance(text, str) else ""
    week, month = _WEEK.fullmatch(text), _MONTH.fullmatch(text)
    found = week or month
    if not found or int(found[1]) not in YEARS:
        raise PeriodError(text)
    if week:
        try:
            first = date.fromisocalendar(int(week[1]), int(week[2]), 1)
        except ValueError:
            raise PeriodError(text) from None
        return period_containing(first, "week")
    if not 1 <= int(found[2]) <= 12:
        raise PeriodError(text)
    return period_containing(date(int(found[1]), int(found[2]), 1), "month")


def period_containing(day: date, kind: str) -> Period:
    """The week or month holding `day` (any day but the calendar's first and last weeks)."""
    if kind == "week":
        year, week, weekday = day.isocalendar()
        first = day - timedelta(days=weekday - 1)
        return Period(f"{year}-W{week:02d}", "week", first, first + timedelta(days=6))
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(f"{day.year}-{day.month:02d}", "month", first, following - timedelta(days=1))


def publication_day(month: Period, days: int = GRACE_DAYS) -> date:
    """The day a month is published: data received from that day on never counts for it
    (the calendar's last day if that is past it: never, in effect)."""
    try:
        return month.last + timedelta(days=days)
    except OverflowError:
        return date.max


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
