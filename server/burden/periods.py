"""Periods: ISO weeks (2024-W10) and calendar months (2024-03), and when each is published."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
GRACE_DAYS = 7  # DESIGN.md §2: a period is published 7 days after it closes


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

    @property
    def published_on(self) -> date:
        """7 days after the close; a month also waits for the release of its last week, so that it
        is frozen against its weeks (DESIGN.md §2: suppression across periods)."""
        closes = self.last if self.kind == "week" else period_containing(self.last, "week").last
        return closes + timedelta(days=GRACE_DAYS + 1)

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


def latest_published(today: date, kind: str = "month") -> Period:
    """The most recent period whose grace delay has passed."""
    period = period_containing(today, kind)
    while period.published_on > today:
        period = period.previous()
    return period


def recent_periods(last: Period, count: int) -> list[Period]:
    """`count` periods ending with `last`, oldest first."""
    periods = [last]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def weeks_overlapping(month: Period) -> list[Period]:
    """The ISO weeks that hold at least one day of the period."""
    weeks = [period_containing(month.first, "week")]
    while weeks[-1].last < month.last:
        weeks.append(weeks[-1].following())
    return weeks
