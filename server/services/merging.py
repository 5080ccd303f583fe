"""Merging duplicate tasks and apps (issue 12).

A merge moves every live reference to the task (or app) kept, in one transaction. Releases are
stored (release_cell, release_flag) and name tasks and apps by id; readers look the titles up. So
the task (or app) merged away stays, hidden, when a published month counted it, and the month
reads as it did; one no release counted is deleted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from server.domain import pseudonyms
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
from server.services.leaving import counted, published_windows
from server.services.sharing import widen_scope
from server.store import audit
from server.web.errors import InvalidInput, NotFound
from server.web.i18n import gettext as _


async def row_or_404(model: type[Task] | type[App], ident: Any, field: str) -> Any:
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


async def counted_in_release(
    model: type[TimeEntry] | type[RosterItem], dated: str, received: str, **where: Any
) -> bool:
    keep = counted(await published_windows(), dated, received)
    return keep is not None and await model.filter(keep, **where).exists()


async def merge_tasks(admin: User, source_id: int, data: Any, secret: str, today: date) -> Task:
    """Move everything that names the source task onto the task kept, in one transaction."""
    source, target = await row_or_404(Task, source_id, "task"), await row_or_404(Task, _into(data), "into")
    if source.id == target.id:
        raise InvalidInput({"into": _("Choose another task to merge it into.")})
    async with in_transaction():
        await fold_task(source, target, secret)
        await audit.record(admin, "task_merged", f"{source.title} → {target.title}", today)
    return target


async def _seen_where(source: Task | App, target: Task | App) -> None:
    """Widen the target's scope to hold the source's: whoever reported or logged the source keeps
    seeing what their rows now name (a task reported in one township, merged into one reported in
    another, would otherwise vanish from the first township's pickers)."""
    scope = await Region.get_or_none(code=source.scope_id) if source.scope_id else None
    await widen_scope(target, scope)


async def fold_task(source: Task, target: Task, secret: str) -> None:
    """Entries, quotas (with their reports, progress and outcomes) and review decisions move to the
    target, which is then seen wherever the source was; the source goes, or stays hidden when a
    published month counted it."""
    await _seen_where(source, target)
    published = await counted_in_release(TimeEntry, "date", "received_on", task_id=source.id)
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
    old_ref, new_ref = pseudonyms.quota_ref(secret, source.id), pseudonyms.quota_ref(secret, kept.id)
    answered = await Outcome.filter(quota_ref=new_ref).values_list("reporter_key", flat=True)
    await Outcome.filter(quota_ref=old_ref, reporter_key__in=list(answered)).delete()
    await Outcome.filter(quota_ref=old_ref).update(quota_ref=new_ref)
    if source.updated_on > kept.updated_on:
        values = {k: getattr(source, k) for k in ("target", "base", "eligible", "base_count", "updated_on")}
        await Quota.filter(id=kept.id).update(**values)
    await Quota.filter(id=source.id).delete()


async def merge_apps(admin: User, source_id: int, data: Any, today: date) -> App:
    """Move everything that names the source app onto the app kept, in one transaction."""
    source, target = await row_or_404(App, source_id, "app"), await row_or_404(App, _into(data), "into")
    if source.id == target.id:
        raise InvalidInput({"into": _("Choose another app to merge it into.")})
    async with in_transaction():
        await fold_app(source, target)
        await audit.record(admin, "app_merged", f"{source.name} → {target.name}", today)
    return target


async def app_in_releases(app_id: int) -> tuple[bool, list[int]]:
    """Whether a published month counted the app (on rosters, or through its tasks' hours), and
    the tasks of it that a published month counted."""
    keep = counted(await published_windows(), "date", "received_on")
    frozen = (
        list(set(await TimeEntry.filter(keep, task__app_id=app_id).values_list("task_id", flat=True)))
        if keep is not None
        else []
    )
    return bool(frozen) or await counted_in_release(RosterItem, "received_on", "received_on", app_id=app_id), frozen


async def fold_app(source: App, target: App) -> None:
    """Roster answers, tasks and review decisions move to the target app. A task a published month
    counted keeps its app: a month's hours by app are read through its tasks' apps, and must read
    as published. The target is then seen wherever the source was. The source goes, or stays hidden
    when a published month counted it."""
    await _seen_where(source, target)
    published, frozen = await app_in_releases(source.id)
    listed = await RosterItem.filter(app_id=target.id).values_list("reporter_key", flat=True)
    await RosterItem.filter(app_id=source.id, reporter_key__in=list(listed)).delete()
    await RosterItem.filter(app_id=source.id).update(app_id=target.id)
    await Task.filter(app_id=source.id).exclude(id__in=frozen).update(app_id=target.id)
    await ReviewDecision.filter(app_id=source.id).update(app_id=target.id)
    if published:
        await App.filter(id=source.id).update(hidden=True)
    else:
        await App.filter(id=source.id).delete()
