"""Where what a cadre reports (a task, an app) is seen: first in their area only, wider when it is
reported again from elsewhere, everyone's once k distinct reporters use it (issue 12)."""

from __future__ import annotations

from itertools import takewhile

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from server.domain.regions import ancestor_codes
from server.domain.vocab import LEVELS
from server.models import App, Region, RosterItem, Task, TimeEntry, User
from server.services.directory import home_region
from server.web.errors import InvalidInput
from server.web.i18n import gettext as _

# Until this many distinct reporters have logged time on a task a cadre reported, only the cadres of
# the creator's area see it; the server's JIANFU_K in requests (auth.current_user), this elsewhere.
DEFAULT_SHARING_K = 10


async def share_used(
    scoped: type[App] | type[Task],
    rows: type[RosterItem] | type[TimeEntry],
    column: str,
    within: Q,
    around: list[str],
    k: int,
) -> None:
    """Clear (for good) the scope of the apps or tasks matching `within`, scoped away from `around`,
    that k or more distinct reporters use in `rows` (roster items, time entries). The write
    happens once per row shared, so a page that finds nothing to share only reads."""
    elsewhere = scoped.filter(within, scope_id__isnull=False).exclude(scope_id__in=around).values("id")
    used = (
        rows.filter(**{f"{column}__in": Subquery(elsewhere)})
        .group_by(column)
        .annotate(reporters=Count("reporter_key", distinct=True))
        .filter(reporters__gte=k)
        .values_list(column, flat=True)
    )
    shared = list(await used)
    if shared:
        await scoped.filter(id__in=shared).update(scope_id=None)


async def reported_scope(user: User, min_level: str) -> Region | None:
    """Where a task (or app) a user reports is seen until it is shared: for a cadre, the lowest
    region at a published level that holds their home (their township by default, their own region
    at a township or above), so the task places no one finer than a release does. None for an admin."""
    if user.role == "admin":
        return None
    home = await home_region(user)
    codes = ancestor_codes(home.path)
    regions = {r.code: r for r in await Region.filter(code__in=codes)}
    published = [c for c in codes if c in regions and LEVELS.index(regions[c].level) <= LEVELS.index(min_level)]
    return regions[published[-1] if published else codes[0]]


async def widen_scope(task: Task | App, scope: Region | None) -> None:
    """The same task (or app) reported again from another area is seen in the smallest region
    holding both (everywhere when an admin reports it, or when the two have no common ancestor)."""
    if task.scope_id is None or (scope is not None and task.scope_id == scope.code):
        return
    widened: str | None = None
    if scope is not None:
        current = await Region.get_or_none(code=task.scope_id)
        pairs = zip(ancestor_codes(current.path), ancestor_codes(scope.path), strict=False) if current else iter(())
        common = [a for a, _b in takewhile(lambda pair: pair[0] == pair[1], pairs)]
        widened = common[-1] if common else None
    if widened != task.scope_id:
        await type(task).filter(id=task.id).update(scope_id=widened)
        task.scope_id = widened


def refuse_hidden(user: User, found: Task | App, field: str) -> None:
    """A cadre reporting again a task (or app) an administrator hid or merged away gets told so,
    rather than a row no picker offers and no entry may cite (issue 12)."""
    if found.hidden and user.role != "admin":
        message = _("An administrator merged or hid this one. Choose it from the list instead.")
        raise InvalidInput({field: message})
