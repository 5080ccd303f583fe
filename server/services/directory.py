"""Shared, non-personal records: regions, accounts, invites, apps and tasks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import takewhile
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from server.domain.access import in_area
from server.domain.quota_rules import TaskFacts, task_flags
from server.domain.regions import ancestor_codes, ancestor_paths
from server.domain.vocab import EVIDENCE, FREQUENCIES, LEVELS, METRICS, PENALTIES, RANKINGS
from server.models import App, Region, RosterItem, Task, TimeEntry, User
from server.services.spoofing import shown_text
from server.web.errors import Forbidden, InvalidInput, NotFound
from server.web.i18n import gettext as _
from server.web.i18n import localized_name
from server.web.parse import Reader, message

ID_LIMIT = 2**31 - 1  # row ids are 32-bit: a larger one names no row (and overflows SQLite)
# Until this many distinct reporters have logged time on a task a cadre reported, only the cadres of
# the creator's area see it; the server's JIANFU_K in requests (auth.current_user), this elsewhere.
DEFAULT_SHARING_K = 10


async def region_by_code(code: str, field: str = "region") -> Region:
    region = await Region.get_or_none(code=code) if isinstance(code, str) else None
    if region is None:
        raise InvalidInput({field: _("Unknown region.")})
    return region


def region_json(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "parent": region.parent_id,
        "level": region.level,
        "name": localized_name(region.name, region.name_hant),
        "population": region.population,
        "households": region.households,
    }


async def region_detail(code: str) -> dict[str, Any]:
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound("region")
    children = await Region.filter(parent_id=code).order_by("code")
    return {**region_json(region), "children": [region_json(c) for c in children]}


async def create_app(user: User, data: Any, min_level: str = "township") -> tuple[App, bool]:
    """A government app; the same name, owner level and owner region returns the app already known.
    One a cadre adds is seen in their area only (`app_scope`) until k reporters list it on their
    rosters (`visible_app_filter`); added again from another area, it is seen in both."""
    r = Reader(data)
    name = shown_text(r, "name", r.text("name", max_length=100))
    function = shown_text(r, "function", r.text("function", max_length=60))
    owner_level = r.choice("owner_level", LEVELS)
    owner = r.text("owner_region", required=False, max_length=20)
    r.done()
    owner_region = await region_by_code(owner, "owner_region") if owner else None
    scope = await app_scope(user, min_level)
    existing = await App.get_or_none(name=name, owner_region_id=owner, owner_level=owner_level)
    if existing:
        refuse_hidden(user, existing, "name")
        await widen_scope(existing, scope)
        return existing, False
    return await App.create(
        name=name, function=function, owner_level=owner_level, owner_region=owner_region, scope=scope
    ), True


def app_json(app: App) -> dict[str, Any]:
    return {
        "id": app.id,
        "name": localized_name(app.name, app.name_hant),
        "function": app.function,
        "owner_level": app.owner_level,
        "owner_region": app.owner_region_id,
    }


async def list_apps(user: User) -> list[dict[str, Any]]:
    return [app_json(a) for a in await visible_apps(user)]


async def visible_apps(user: User, region: Region | None = None) -> list[App]:
    """The apps `visible_app_filter` lets the user see, by name."""
    return await App.filter(await visible_app_filter(user, region=region)).order_by("name", "id")


async def visible_app_filter(user: User, within: Q | None = None, region: Region | None = None) -> Q:
    """The apps a user sees, decided here for every page and endpoint (GET /api/apps, My apps, the
    roster they save, the apps a review's decision can name): those shared with everyone, and those
    added within their area, unless an administrator hid them (issue 12). An app a cadre adds is
    first seen only in its scope (their township,
    as for a task they report: `app_scope`); once k distinct reporters have it on their rosters it
    is everyone's, so one account cannot put an app on every roster of a province. Apps an admin
    added, and those from before scopes, are everyone's. An admin sees every app. `region` looks
    from there instead of the user's home (a supervisor deciding on a region under review);
    `within` narrows the apps looked at (some ids) when the caller needs fewer."""
    if user.role == "admin":
        return Q()
    place = region if region is not None else await home_region(user)
    around = ancestor_codes(place.path)  # the scopes that contain the place
    await _share_listed_apps(within or Q(), around, getattr(user, "_k", DEFAULT_SHARING_K))
    return Q(Q(scope_id__isnull=True) | Q(scope_id__in=around), hidden=False)  # hidden: spam, or merged away


async def _share_listed_apps(within: Q, around: list[str], k: int) -> None:
    """Share the apps scoped away from this place that k or more distinct reporters list."""
    await _share_used(App, RosterItem, "app_id", within, around, k)


async def _share_used(
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


async def app_scope(user: User, min_level: str) -> Region | None:
    """Where an app a user adds is seen until it is shared: the same place as a task they report
    (their township by default, their own region at a township or above). None for an admin."""
    return await task_scope(user, min_level)


async def visible_app_exists(user: User, app_id: int) -> bool:
    return await App.filter(await visible_app_filter(user, Q(id=app_id)), id=app_id).exists()


async def home_region(user: User) -> Region:
    if user.region_id is None:
        raise Forbidden(_("Your account has no home region."))
    loaded = getattr(user, "_region", None)  # fetched with the token (auth.current_user)
    if isinstance(loaded, Region) and loaded.code == user.region_id:
        return loaded
    return await Region.get(code=user.region_id)


async def visible_task_filter(user: User, within: Q | None = None) -> Q:
    """The tasks a user sees, decided here for every page and endpoint: those issued on the line
    through their home region (at it, above or below it) that are shared, or were reported within
    their area, unless an administrator hid them (issue 12). A task a cadre reports is first seen
    only in its scope (their township: see `task_scope`); once k distinct reporters have logged
    time on it, it is shared with everyone on its line, so one account cannot put a button on every
    Today page of a province. An admin sees every task. `within` narrows the tasks looked at (an
    id, a day) when the caller needs fewer."""
    if user.role == "admin":
        return Q()
    home = await home_region(user)
    line = Q(issued_by__path__in=ancestor_paths(home.path)) | Q(issued_by__path__startswith=home.path)
    around = ancestor_codes(home.path)  # the scopes that contain the user
    await _share_logged_tasks(Q(line, within or Q()), around, getattr(user, "_k", DEFAULT_SHARING_K))
    return Q(line, Q(scope_id__isnull=True) | Q(scope_id__in=around), hidden=False)  # hidden: spam, or merged away


async def _share_logged_tasks(line: Q, around: list[str], k: int) -> None:
    """Share the tasks on this line, scoped away from the user, that k or more distinct reporters
    logged (the count reads an index on (task, reporter))."""
    await _share_used(Task, TimeEntry, "task_id", line, around, k)


async def task_scope(user: User, min_level: str) -> Region | None:
    """Where a task a user reports is seen until it is shared: for a cadre, the lowest region at a
    published level that holds their home (their township by default, their own region at a
    township or above), so the task places no one finer than a release does. None for an admin."""
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


def read_task(r: Reader, today: date) -> dict[str, Any]:
    earliest, latest = today - timedelta(days=3650), today + timedelta(days=3650)
    task = {
        "title": shown_text(r, "title", r.text("title", max_length=200)),
        "metric": r.choice("metric", METRICS),
        "app": r.integer("app", low=1, high=2**31 - 1, required=False),
        "issued_by": r.text("issued_by", max_length=20),
        "period_start": r.day("period_start", earliest=earliest, latest=latest),
        "period_end": r.day("period_end", earliest=earliest, latest=latest),
        "frequency": r.choice("frequency", FREQUENCIES, default="once"),
        "ranking": r.choice("ranking", RANKINGS, default="none"),
        "penalty": r.choice("penalty", PENALTIES, default="none"),
        "evidence": r.choice("evidence", EVIDENCE, default="none"),
    }
    if task["period_start"] and task["period_end"] and task["period_end"] < task["period_start"]:
        r.fail("period_end", message("before_start"))
    return task


async def create_task(user: User, data: Any, today: date, min_level: str = "township") -> tuple[Task, bool]:
    """A demand as a cadre received it; the same title, issuer and period is the same task.

    Issuers are published places (DESIGN.md §2): time entries name their task, and a task issued
    by a village would place whoever logged it in that village. A cadre names an office on their
    own line above them (or their own region): demands come from above, and a task issued by a
    place below would reach Today pages the cadre has no part in. What a cadre reports is seen in
    their area only until enough reporters logged it (`visible_task_filter`)."""
    r = Reader(data)
    fields = read_task(r, today)
    r.done()
    issuer = await region_by_code(fields["issued_by"], "issued_by")
    if LEVELS.index(issuer.level) > LEVELS.index(min_level):
        raise InvalidInput(
            {
                "issued_by": _("Name the office that issued it: a township or a higher level.")
                if min_level == "township"
                else _("Name the office that issued it, at a level that is published.")
            }
        )
    if not in_area(user.role, None if user.role == "admin" else (await home_region(user)).path, issuer.path, "issue"):
        raise Forbidden(_("This region is outside your area."), {"issued_by": _("This region is outside your area.")})
    if fields["app"] is not None and not await visible_app_exists(user, fields["app"]):
        raise InvalidInput({"app": _("Unknown app.")})
    scope = await task_scope(user, min_level)
    fields["issued_by"], fields["app_id"], fields["scope"] = issuer, fields.pop("app"), scope
    identity = {
        "title": fields["title"],
        "issued_by_id": issuer.code,
        "period_start": fields["period_start"],
        "period_end": fields["period_end"],
    }
    same = await Task.get_or_none(**identity)
    if same is None:
        try:
            async with in_transaction():
                return await Task.create(**fields), True
        except IntegrityError:  # another report of the same task won the race
            same = await Task.get(**identity)
    refuse_hidden(user, same, "title")
    await widen_scope(same, scope)
    return same, False


def refuse_hidden(user: User, found: Task | App, field: str) -> None:
    """A cadre reporting again a task (or app) an administrator hid or merged away gets told so,
    rather than a row no picker offers and no entry may cite (issue 12)."""
    if found.hidden and user.role != "admin":
        message = _("An administrator merged or hid this one. Choose it from the list instead.")
        raise InvalidInput({field: message})


def task_facts(task: Task) -> TaskFacts:
    return TaskFacts(
        task.id, task.metric, task.issued_by_id, task.ranking, task.penalty, task.evidence, task.frequency, task.app_id
    )


def task_json(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "metric": task.metric,
        "app": task.app_id,
        "issued_by": task.issued_by_id,
        "period_start": task.period_start.isoformat(),
        "period_end": task.period_end.isoformat(),
        "frequency": task.frequency,
        "ranking": task.ranking,
        "penalty": task.penalty,
        "evidence": task.evidence,
        "flags": [f.as_json() for f in task_flags(task_facts(task))],
    }


async def visible_tasks(user: User, on_day: date | None = None) -> list[Task]:
    running = Q(period_start__lte=on_day, period_end__gte=on_day) if on_day else Q()
    return await Task.filter(await visible_task_filter(user, running), running).order_by("-period_start", "id")


async def visible_task_metrics(user: User, task_ids: Iterable[int | None]) -> dict[int, str]:
    """Which of these ids name tasks the user may log against, with what each counts (its usual
    kind of work follows from that): one query for a whole batch."""
    wanted = sorted({i for i in task_ids if i is not None and 1 <= i <= ID_LIMIT})
    if not wanted:
        return {}
    visible = await visible_task_filter(user, Q(id__in=wanted))
    return dict(await Task.filter(visible, id__in=wanted).values_list("id", "metric"))


async def visible_task(user: User, task_id: Any, field: str = "task") -> Task:
    if isinstance(task_id, bool) or not isinstance(task_id, int) or not 1 <= task_id <= ID_LIMIT:
        raise InvalidInput({field: _("Unknown task.")})
    task = await Task.filter(await visible_task_filter(user, Q(id=task_id))).get_or_none(id=task_id)
    if task is None:
        raise InvalidInput({field: _("Unknown task.")})
    return task
