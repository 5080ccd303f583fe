"""Which regions a person may read summaries of, and which period a request names."""

from __future__ import annotations

from datetime import date

from server.burden.periods import Period, PeriodError, latest_published, parse_period
from server.burden.regions import in_subtree, on_line
from server.directory import home_region
from server.errors import InvalidInput, NotFound
from server.i18n import gettext as _
from server.models import Region, User


def requested_period(text: str | None, today: date, kind: str = "month") -> Period:
    if not text:
        return latest_published(today, kind)
    try:
        return parse_period(text)
    except PeriodError:
        raise InvalidInput({"period": _("Must be a week like 2024-W10 or a month like 2024-03.")}) from None


async def readable_region(user: User, code: str) -> Region:
    """A supervisor reads their subtree, a cadre the regions on their own line; others get 404."""
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound("region")
    if user.role == "admin":
        return region
    home = await home_region(user)
    allowed = in_subtree(region.path, home.path) if user.role == "supervisor" else on_line(region.path, home.path) and len(region.path) <= len(home.path)
    if not allowed:
        raise NotFound("region")
    return region
