"""Where a place's hours went in a stored release (tasks, apps, complaint categories) and how they
changed against the previous month."""

from __future__ import annotations

from typing import Any

from server.domain import indices
from server.domain.messages import Name
from server.models import App, Task
from server.services.place_figures import rounded
from server.store.release import PublishedMonth, published_month


async def sources_and_change(month: PublishedMonth, code: str) -> dict[str, Any]:
    """Where the hours went (tasks, apps, complaint categories) and the change against the previous
    month, all from stored releases: a task or category the release hid is not listed, and an
    app's hours are the sum of its listed tasks."""
    if not month.shown(code) or not month.figures[code]["reporters"]:
        return {"top_sources": None, "categories": None, "change": None}
    figures = month.figures[code]
    total = figures["minutes"] / 60
    task_hours, app_hours = await _task_and_app_hours(figures)
    app_names = await _app_names(app_hours)
    return {
        "top_sources": {
            "tasks": [
                {"id": ident, "name": Name(name), "hours": hours, "share": rounded(part)}
                for (ident, name), hours, part in indices.top_sources(task_hours, total)
            ],
            "apps": [
                {"id": ident, "name": app_names[ident], "hours": hours, "share": rounded(part)}
                for ident, hours, part in indices.top_sources(app_hours, total)
                if ident in app_names
            ],
        },
        "categories": _categories(figures.get("categories", {}), total),
        "change": await _change(month, code),
    }


async def _task_and_app_hours(
    figures: dict[str, Any],
) -> tuple[dict[tuple[int, str], float], dict[int, float]]:
    """Hours per listed task (by id and title), and per app as the sum of its listed tasks."""
    # Plain values, not models: a province's release names a thousand tasks.
    named = [t["task"] for t in figures.get("tasks", [])]
    tasks = {t["id"]: t for t in await Task.filter(id__in=named).values("id", "title", "app_id")} if named else {}
    task_hours = {
        (ident, tasks[ident]["title"]): t["minutes"] / 60
        for t in figures.get("tasks", [])
        if (ident := t["task"]) in tasks
    }
    app_hours: dict[int, float] = {}
    for (ident, _title), hours in task_hours.items():
        if app := tasks[ident]["app_id"]:
            app_hours[app] = app_hours.get(app, 0.0) + hours
    return task_hours, app_hours


async def _app_names(app_hours: dict[int, float]) -> dict[int, Name]:
    """The names of the apps that have hours."""
    # No query for no apps: under load every query of a read waits for the writes in front of it.
    return (
        {
            a["id"]: Name(a["name"], a["name_hant"])
            for a in await App.filter(id__in=list(app_hours)).values("id", "name", "name_hant")
        }
        if app_hours
        else {}
    )


def _categories(categories: dict[str, float], total: float) -> dict[str, dict[str, float | None]]:
    """Hours and share of each complaint category; a category the release hid reads as null."""
    return {
        name: {"hours": round(minutes / 60, 2), "share": rounded(indices.share(minutes / 60, total))}
        if (minutes := categories.get(name)) is not None
        else {"hours": None, "share": None}
        for name in indices.CATEGORIES
    }


async def _change(month: PublishedMonth, code: str) -> dict[str, float] | None:
    """The change in hours against the previous month, split into reporters and hours per reporter;
    None when either month hides the place or has nobody there."""
    previous = await published_month(month.month.previous())
    if previous is None or not previous.shown(code) or not previous.figures[code]["reporters"]:
        return None
    before, now = previous.figures[code], month.figures[code]
    return indices.change((before["reporters"], before["minutes"]), (now["reporters"], now["minutes"]))
