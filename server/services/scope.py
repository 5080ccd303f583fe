"""Which regions a person may read summaries of, and which period a request names."""

from __future__ import annotations

from datetime import date

from server.domain.access import in_area
from server.domain.periods import Period, PeriodError, latest_due, parse_period
from server.models import Region, User
from server.services.directory import home_region
from server.store.release import published_keys
from server.web.errors import InvalidInput, NotFound
from server.web.i18n import gettext as _


async def requested_month(text: str | None, today: date, publish_days: int) -> Period:
    """The month a reader names, else the latest published one (else the latest that is due, which
    then answers 409 with its day). Published figures are monthly only (DESIGN.md §2)."""
    if not text:
        keys = await published_keys()
        return parse_period(keys[-1]) if keys else latest_due(today, publish_days)
    try:
        period = parse_period(text)
    except PeriodError:
        period = None
    if period is None or period.kind != "month":
        raise InvalidInput({"period": _("Published figures are monthly: give a month such as 2024-03.")})
    return period


async def readable_region(user: User, code: str) -> Region:
    """A supervisor reads their subtree, a cadre the regions on their own line; others get 404."""
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound("region")
    if not await in_user_area(user, region.path, "read"):
        raise NotFound("region")
    return region


async def in_user_area(user: User, path: str, purpose: str) -> bool:
    """`access.in_area` for a signed-in user (an administrator's home region is not read)."""
    home = None if user.role == "admin" else (await home_region(user)).path
    return in_area(user.role, home, path, purpose)
