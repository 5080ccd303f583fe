"""Renaming and hiding tasks and apps (issue 12). A task or app a published month counted is renamed
as a new one it is merged into (`merging`), so the month keeps the name it was published with."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from server.models import App, Task, TimeEntry, User
from server.services.merging import app_in_releases, counted_in_release, fold_app, fold_task, row_or_404
from server.services.spoofing import hidden_characters, hidden_problem
from server.store import audit
from server.web.errors import Conflict, InvalidInput
from server.web.i18n import gettext as _

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
    task: Task = await row_or_404(Task, task_id, "task")
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
    await _set_hidden(admin, task, hidden, "task_hidden", task.title, today)
    return await Task.get(id=task.id)


async def _renamed_task(task: Task, title: str, secret: str) -> Task:
    """A task a published month counted is renamed as a new task it is merged into, so the month
    keeps listing it under the title it was published with; any other is renamed in place."""
    if not await counted_in_release(TimeEntry, "date", "received_on", task_id=task.id):
        await Task.filter(id=task.id).update(title=title)
        return await Task.get(id=task.id)
    copy = await Task.create(**{k: getattr(task, k) for k in TASK_FIELDS}, title=title)
    await fold_task(task, copy, secret)
    return copy


async def change_app(admin: User, app_id: int, data: Any, today: date) -> App:
    """Rename an app (its Traditional name then follows through OpenCC), or hide or show it. An app
    a published month counted is renamed as a new app it is merged into, as for tasks."""
    app: App = await row_or_404(App, app_id, "app")
    name, hidden = _read_change(data, "name", 100)
    if name and name != app.name:
        async with in_transaction():
            renamed = await _renamed_app(app, name)
            await audit.record(admin, "app_renamed", f"{app.name} → {name}", today)
        app = renamed
    await _set_hidden(admin, app, hidden, "app_hidden", app.name, today)
    return await App.get(id=app.id)


async def _set_hidden(admin: User, row: Task | App, hidden: bool | None, action: str, label: str, today: date) -> None:
    """Hide a task or app as spam (pickers stop offering it), or show it again; hiding is audited."""
    if hidden is None or hidden == row.hidden:
        return
    await type(row).filter(id=row.id).update(hidden=hidden)
    if hidden:
        await audit.record(admin, action, label, today)


async def _renamed_app(app: App, name: str) -> App:
    if not (await app_in_releases(app.id))[0]:
        await App.filter(id=app.id).update(name=name, name_hant=None)
        return await App.get(id=app.id)
    copy = await App.create(**{k: getattr(app, k) for k in APP_FIELDS}, name=name)
    await fold_app(app, copy)
    return copy
