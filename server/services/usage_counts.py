"""How many reporters use each task and app, a page at a time, for the administrator tidying them
(issue 12): shown only from k, like every count of people."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.functions import Count

from server.models import App, RosterItem, Task, TimeEntry
from server.web.i18n import localized_name

PAGE_SIZE = 100


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


# What a page of tasks reads: the issuer's name comes with each task, not in a query per task.
TASK_COLUMNS = (
    "id",
    "title",
    "period_start",
    "period_end",
    "hidden",
    "issued_by_id",
    "issued_by__name",
    "issued_by__name_hant",
)


async def task_usage(k: int, page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """A page of tasks, by title, each with its distinct reporters (None: fewer than k)."""
    rows = (
        await Task.all()
        .order_by("hidden", "title", "period_start", "id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
        .values(*TASK_COLUMNS)
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
