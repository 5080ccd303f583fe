"""Tasks: the demands cadres report, and which tasks each user sees and may log against (issue 12)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.domain.access import in_area
from server.domain.quota_rules import TaskFacts, task_flags
from server.domain.regions import ancestor_codes, ancestor_paths
from server.domain.vocab import EVIDENCE, FREQUENCIES, LEVELS, METRICS, PENALTIES, RANKINGS
from server.models import Region, Task, TimeEntry, User
from server.services.apps import visible_app_exists
from server.services.directory import home_region, region_by_code
from server.services.sharing import DEFAULT_SHARING_K, refuse_hidden, reported_scope, share_used, widen_scope
from server.services.spoofing import shown_text
from server.web.errors import Forbidden, InvalidInput
from server.web.fields import ID_LIMIT
from server.web.i18n import gettext as _
from server.web.parse import Reader, message


async def visible_task_filter(user: User, within: Q | None = None) -> Q:
    """The tasks a user sees, decided here for every page and endpoint: those issued on the line
    through their home region (at it, above or below it) that are shared, or were reported within
    their area, unless an administrator hid them (issue 12). A task a cadre reports is first seen
    only in its scope (their township: see `sharing.reported_scope`); once k distinct reporters have
    logged time on it, it is shared with everyone on its line, so one account cannot put a button on
    every Today page of a province. An admin sees every task. `within` narrows the tasks looked at
    (an id, a day) when the caller needs fewer."""
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
    await share_used(Task, TimeEntry, "task_id", line, around, k)


def read_task(r: Reader, today: date) -> dict[str, Any]:
    earliest, latest = today - timedelta(days=3650), today + timedelta(days=3650)
    task = {
        "title": shown_text(r, "title", r.text("title", max_length=200)),
        "metric": r.choice("metric", METRICS),
        "app": r.integer("app", low=1, high=ID_LIMIT, required=False),
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
    """A demand as a cadre received it; the same title, issuer and period is the same task. What a
    cadre reports is seen in their area only until enough reporters logged it (`visible_task_filter`)."""
    r = Reader(data)
    fields = read_task(r, today)
    r.done()
    issuer = await _issuer(user, fields["issued_by"], min_level)
    if fields["app"] is not None and not await visible_app_exists(user, fields["app"]):
        raise InvalidInput({"app": _("Unknown app.")})
    scope = await reported_scope(user, min_level)
    fields["issued_by"], fields["app_id"], fields["scope"] = issuer, fields.pop("app"), scope
    task, created = await _stored_once(fields)
    if not created:
        refuse_hidden(user, task, "title")
        await widen_scope(task, scope)
    return task, created


async def _issuer(user: User, code: str | None, min_level: str) -> Region:
    """The office a task names as its issuer. Issuers are published places (DESIGN.md §2): time
    entries name their task, and a task issued by a village would place whoever logged it in that
    village. A cadre names an office on their own line above them (or their own region): demands come
    from above, and a task issued by a place below would reach Today pages the cadre has no part in."""
    issuer = await region_by_code(code, "issued_by")
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
    return issuer


async def _stored_once(fields: dict[str, Any]) -> tuple[Task, bool]:
    """The task these fields name, and whether it is new: the same title, issuer and period is one
    row, even when two cadres report it at the same moment (the unique index decides the race)."""
    identity = {
        "title": fields["title"],
        "issued_by_id": fields["issued_by"].code,
        "period_start": fields["period_start"],
        "period_end": fields["period_end"],
    }
    same = await Task.get_or_none(**identity)
    if same is not None:
        return same, False
    try:
        async with in_transaction():
            return await Task.create(**fields), True
    except IntegrityError:  # another report of the same task won the race
        return await Task.get(**identity), False


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
