"""Tasks and apps as an administrator tidies them (issue 12): how many reporters use each (shown
only from k), merging duplicates, renaming, hiding spam.

A merge moves every live reference to the task (or app) kept, in one transaction. Releases are
stored (release_cell, release_flag) and name tasks and apps by id; readers look the titles up. So
the task (or app) merged away stays, hidden, when a published month counted it, and the month
reads as it did; one no release counted is deleted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from server.models import (
    App,
    Outcome,
    ProgressPoint,
    Quota,
    QuotaRevision,
    Region,
    ReviewDecision,
    RosterItem,
    Task,
    TimeEntry,
    User,
)
from server.services.directory import hidden_characters, hidden_problem, widen_scope
from server.services.leaving import counted, published_windows
from server.store import audit
from server.web import auth
from server.web.errors import Conflict, InvalidInput, NotFound
from server.web.i18n import gettext as _
from server.web.i18n import localized_name

PAGE_SIZE = 100
# What a renamed copy keeps of the task or app it replaces.
TASK_FIELDS = (
    "metric",
    "app_id",
    "issued_by_id",
    "period_start",
    "period_end",
    "frequency",
    "ranking",
    "penalty",
    "evidence",
    "scope_id",
    "hidden",
)
APP_FIELDS = ("function", "owner_level", "owner_region_id", "scope_id", "hidden")


async def _reporters(rows: type[TimeEntry] | type[RosterItem], column: str, ids: list[int], k: int) -> dict[int, int]:
    """Distinct reporters per task or app, only where they are k or more (the rest: fewer than k)."""
    if not ids:
        return {}
    counts = (
        await rows.filter(**{f"{column}__in": ids})
        .group_by(column)
        .annotate(n=Count("reporter_key", distinct=True))
        .filter(n__gte=k)
        .values_list(column, "n")
    )
    return dict(counts)


async def task_usage(k: int, page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """A page of tasks, by title, each with its distinct reporters (None: fewer than k)."""
    rows = (
        await Task.all()
        .order_by("hidden", "title", "period_start", "id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
        .values(
            "id",
            "title",
            "period_start",
            "period_end",
            "hidden",
            "issued_by_id",
            "issued_by__name",
            "issued_by__name_hant",
        )
    )
    counts = await _reporters(TimeEntry, "task_id", [r["id"] for r in rows], k)
    found = [
        {
            "id": r["id"],
            "title": r["title"],
            "issued_by": r["issued_by_id"],
            "issuer_name": localized_name(r["issued_by__name"], r["issued_by__name_hant"]),
            "period_start": r["period_start"],
            "period_end": r["period_end"],
            "hidden": r["hidden"],
            "reporters": counts.get(r["id"]),
        }
        for r in rows[:PAGE_SIZE]
    ]
    return found, len(rows) > PAGE_SIZE


async def app_usage(k: int, page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """A page of apps, by name, each with the distinct reporters listing it (None: fewer than k)."""
    rows = (
        await App.all()
        .order_by("hidden", "name", "id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
        .values("id", "name", "name_hant", "function", "owner_level", "hidden")
    )
    counts = await _reporters(RosterItem, "app_id", [r["id"] for r in rows], k)
    found = [
        {
            "id": r["id"],
            "name": localized_name(r["name"], r["name_hant"]),
            "function": r["function"],
            "owner_level": r["owner_level"],
            "hidden": r["hidden"],
            "reporters": counts.get(r["id"]),
        }
        for r in rows[:PAGE_SIZE]
    ]
    return found, len(rows) > PAGE_SIZE


def usage_json(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the API: dates as ISO text, the reporters null below k."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items() if k != "issuer_name"}


async def _row(model: type[Task] | type[App], ident: Any, field: str) -> Any:
    """The task or app with this id, or 404 naming the field (anything but a row id names none)."""
    found = (
        await model.get_or_none(id=ident)
        if isinstance(ident, int) and not isinstance(ident, bool) and 1 <= ident < 2**31
        else None
    )
    if found is None:
        raise NotFound(field)
    return found


def _into(data: Any) -> int:
    """The id a merge keeps, from `{"into": id}`."""
    into = data.get("into") if isinstance(data, dict) else None
    if isinstance(into, str) and into.isascii() and into.isdigit() and len(into) <= 9:
        into = int(into)  # a form's select sends text
    if not isinstance(into, int) or isinstance(into, bool):
        raise InvalidInput({"into": _("Choose what to merge it into.")})
    return into


async def _counted_in_release(
    model: type[TimeEntry] | type[RosterItem], dated: str, received: str, **where: Any
) -> bool:
    keep = counted(await published_windows(), dated, received)
    return keep is not None and await model.filter(keep, **where).exists()


async def merge_tasks(admin: User, source_id: int, data: Any, secret: str, today: date) -> Task:
    """Move everything that names the source task onto the task kept, in one transaction."""
    source, target = await _row(Task, source_id, "task"), await _row(Task, _into(data), "into")
    if source.id == target.id:
        raise InvalidInput({"into": _("Choose another task to merge it into.")})
    async with in_transaction():
        await _fold_task(source, target, secret)
        await audit.record(admin, "task_merged", f"{source.title} → {target.title}", today)
    return target


async def _seen_where(source: Task | App, target: Task | App) -> None:
    """Widen the target's scope to hold the source's: whoever reported or logged the source keeps
    seeing what their rows now name (a task reported in one township, merged into one reported in
    another, would otherwise vanish from the first township's pickers)."""
    scope = await Region.get_or_none(code=source.scope_id) if source.scope_id else None
    await widen_scope(target, scope)


async def _fold_task(source: Task, target: Task, secret: str) -> None:
    """Entries, quotas (with their reports, progress and outcomes) and review decisions move to the
    target, which is then seen wherever the source was; the source goes, or stays hidden when a
    published month counted it."""
    await _seen_where(source, target)
    published = await _counted_in_release(TimeEntry, "date", "received_on", task_id=source.id)
    await TimeEntry.filter(task_id=source.id).update(task_id=target.id)
    for quota in await Quota.filter(task_id=source.id):
        same = await Quota.get_or_none(task_id=target.id, region_id=quota.region_id)
        if same is None:
            await Quota.filter(id=quota.id).update(task_id=target.id)
        else:
            await _merge_quota(quota, same, secret)
    await ReviewDecision.filter(task_id=source.id).update(task_id=target.id)
    if published:
        await Task.filter(id=source.id).update(hidden=True)
    else:
        await Task.filter(id=source.id).delete()


async def _merge_quota(source: Quota, kept: Quota, secret: str) -> None:
    """Two quotas of one region become one: its reports, progress and outcomes join the one kept
    (a reporter's outcome of the kept quota wins over theirs of the other), the newer target holds."""
    await QuotaRevision.filter(quota_id=source.id).update(quota_id=kept.id)
    taken = await ProgressPoint.filter(quota_id=kept.id).values_list("at", flat=True)
    await ProgressPoint.filter(quota_id=source.id, at__in=list(taken)).delete()
    await ProgressPoint.filter(quota_id=source.id).update(quota_id=kept.id)
    old_ref, new_ref = auth.quota_ref(secret, source.id), auth.quota_ref(secret, kept.id)
    answered = await Outcome.filter(quota_ref=new_ref).values_list("reporter_key", flat=True)
    await Outcome.filter(quota_ref=old_ref, reporter_key__in=list(answered)).delete()
    await Outcome.filter(quota_ref=old_ref).update(quota_ref=new_ref)
    if source.updated_on > kept.updated_on:
        values = {k: getattr(source, k) for k in ("target", "base", "eligible", "base_count", "updated_on")}
        await Quota.filter(id=kept.id).update(**values)
    await Quota.filter(id=source.id).delete()


async def merge_apps(admin: User, source_id: int, data: Any, today: date) -> App:
    """Move everything that names the source app onto the app kept, in one transaction."""
    source, target = await _row(App, source_id, "app"), await _row(App, _into(data), "into")
    if source.id == target.id:
        raise InvalidInput({"into": _("Choose another app to merge it into.")})
    async with in_transaction():
        await _fold_app(source, target)
        await audit.record(admin, "app_merged", f"{source.name} → {target.name}", today)
    return target


async def _app_in_releases(app_id: int) -> tuple[bool, list[int]]:
    """Whether a published month counted the app (on rosters, or through its tasks' hours), and
    the tasks of it that a published month counted."""
    keep = counted(await published_windows(), "date", "received_on")
    frozen = (
        list(set(await TimeEntry.filter(keep, task__app_id=app_id).values_list("task_id", flat=True)))
        if keep is not None
        else []
    )
    return bool(frozen) or await _counted_in_release(RosterItem, "received_on", "received_on", app_id=app_id), frozen


async def _fold_app(source: App, target: App) -> None:
    """Roster answers, tasks and review decisions move to the target app. A task a published month
    counted keeps its app: a month's hours by app are read through its tasks' apps, and must read
    as published. The target is then seen wherever the source was. The source goes, or stays hidden
    when a published month counted it."""
    await _seen_where(source, target)
    published, frozen = await _app_in_releases(source.id)
    listed = await RosterItem.filter(app_id=target.id).values_list("reporter_key", flat=True)
    await RosterItem.filter(app_id=source.id, reporter_key__in=list(listed)).delete()
    await RosterItem.filter(app_id=source.id).update(app_id=target.id)
    await Task.filter(app_id=source.id).exclude(id__in=frozen).update(app_id=target.id)
    await ReviewDecision.filter(app_id=source.id).update(app_id=target.id)
    if published:
        await App.filter(id=source.id).update(hidden=True)
    else:
        await App.filter(id=source.id).delete()


def _read_change(data: Any, name_field: str, max_length: int) -> tuple[str | None, bool | None]:
    """A new name and/or a hidden flag from `{name_field?, hidden?}`, each refused by its name."""
    data = data if isinstance(data, dict) else {}
    errors: dict[str, str] = {}
    name, hidden = data.get(name_field), data.get("hidden")
    if name is not None:
        name = name.strip() if isinstance(name, str) else ""
        if not 0 < len(name) <= max_length:
            errors[name_field] = _("1 to %(count)s characters.", count=max_length)
        elif hidden_characters(name):
            errors[name_field] = hidden_problem()
    if hidden is not None and not isinstance(hidden, bool):
        errors["hidden"] = _("Must be true or false.")
    if name is None and hidden is None:
        errors[name_field] = _("This field is required.")
    if errors:
        raise InvalidInput(errors)
    return name, hidden


async def change_task(admin: User, task_id: int, data: Any, secret: str, today: date) -> Task:
    """Rename a task, or hide it (no picker offers it; what cites it stays) or show it again. The
    answer is the task as it now stands (see `_renamed_task`)."""
    task: Task = await _row(Task, task_id, "task")
    title, hidden = _read_change(data, "title", 200)
    if title and title != task.title:
        if (
            await Task.filter(
                title=title, issued_by_id=task.issued_by_id, period_start=task.period_start, period_end=task.period_end
            )
            .exclude(id=task.id)
            .exists()
        ):
            message = _("Another task of this office and period has this title: merge the two instead.")
            raise Conflict(message, {"title": message})
        async with in_transaction():
            renamed = await _renamed_task(task, title, secret)
            await audit.record(admin, "task_renamed", f"{task.title} → {title}", today)
        task = renamed
    if hidden is not None and hidden != task.hidden:
        await Task.filter(id=task.id).update(hidden=hidden)
        if hidden:
            await audit.record(admin, "task_hidden", task.title, today)
    return await Task.get(id=task.id)


async def _renamed_task(task: Task, title: str, secret: str) -> Task:
    """A task a published month counted is renamed as a new task it is merged into, so the month
    keeps listing it under the title it was published with; any other is renamed in place."""
    if not await _counted_in_release(TimeEntry, "date", "received_on", task_id=task.id):
        await Task.filter(id=task.id).update(title=title)
        return await Task.get(id=task.id)
    copy = await Task.create(**{k: getattr(task, k) for k in TASK_FIELDS}, title=title)
    await _fold_task(task, copy, secret)
    return copy


async def change_app(admin: User, app_id: int, data: Any, today: date) -> App:
    """Rename an app (its Traditional name then follows through OpenCC), or hide or show it. An app
    a published month counted is renamed as a new app it is merged into, as for tasks."""
    app: App = await _row(App, app_id, "app")
    name, hidden = _read_change(data, "name", 100)
    if name and name != app.name:
        async with in_transaction():
            renamed = await _renamed_app(app, name)
            await audit.record(admin, "app_renamed", f"{app.name} → {name}", today)
        app = renamed
    if hidden is not None and hidden != app.hidden:
        await App.filter(id=app.id).update(hidden=hidden)
        if hidden:
            await audit.record(admin, "app_hidden", app.name, today)
    return await App.get(id=app.id)


async def _renamed_app(app: App, name: str) -> App:
    if not (await _app_in_releases(app.id))[0]:
        await App.filter(id=app.id).update(name=name, name_hant=None)
        return await App.get(id=app.id)
    copy = await App.create(**{k: getattr(app, k) for k in APP_FIELDS}, name=name)
    await _fold_app(app, copy)
    return copy
