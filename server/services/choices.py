"""What a picker shows for each task: its title, and where several tasks share a title, what tells
them apart (the issuing region, the period, what it counts), so choosing one is never a guess."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from server.models import Region, Review, Task, User
from server.services.apps import visible_apps
from server.services.reviews import snapshot_in
from server.store import ledger as ledger_store
from server.web import labels
from server.web.i18n import format_day, format_month, localized_name
from server.web.i18n import gettext as _


@dataclass(frozen=True)
class TaskChoice:
    id: int
    title: str
    issuer: str
    period_start: date
    period_end: date
    metric: str


def period_words(first: date, last: date) -> str:
    """A calendar month as the month ("2026年11月"), any other span as its two days."""
    if (
        first.day == 1
        and (last.year, last.month) == (first.year, first.month)
        and last.day == monthrange(first.year, first.month)[1]
    ):
        return format_month(first)
    return _("%(first)s to %(last)s", first=format_day(first, "short"), last=format_day(last, "short"))


def task_labels(choices: Iterable[TaskChoice]) -> dict[int, str]:
    """Each task's label: the title alone when it is the only one by that name; else the title and
    whichever of issuer, period and metric differ among the namesakes (a number when none does)."""
    by_title: dict[str, list[TaskChoice]] = {}
    for choice in choices:
        by_title.setdefault(choice.title, []).append(choice)
    metrics, found = labels.metrics(), {}
    for title, same in by_title.items():
        if len(same) == 1:
            found[same[0].id] = title
            continue
        parts = [
            (lambda c: c.issuer, len({c.issuer for c in same}) > 1),
            (
                lambda c: period_words(c.period_start, c.period_end),
                len({(c.period_start, c.period_end) for c in same}) > 1,
            ),
            (lambda c: metrics.get(c.metric, ""), len({c.metric for c in same}) > 1),
        ]
        shown = [part for part, differs in parts if differs] or [parts[0][0], parts[1][0]]
        for number, choice in enumerate(same, start=1):
            words = [part(choice) for part in shown]
            if not any(differs for _part, differs in parts):
                words.append(_("No. %(number)s", number=number))
            found[choice.id] = " · ".join([title, *words])
    return found


async def task_choice_labels(tasks: list[Task]) -> dict[int, str]:
    """The picker labels of these tasks, in the reader's script (one query for the issuers)."""
    codes = {t.issued_by_id for t in tasks}
    issuers = (
        {r.code: localized_name(r.name, r.name_hant) for r in await Region.filter(code__in=codes)} if codes else {}
    )
    return task_labels(
        TaskChoice(
            t.id, localized_name(t.title, None), issuers.get(t.issued_by_id, ""), t.period_start, t.period_end, t.metric
        )
        for t in tasks
    )


async def decision_choices(user: User, review: Review) -> dict[str, Any]:
    """What a review's decision can name: the tasks with quotas in its place, the apps seen there
    (apps.visible_app_filter; an administrator sees every app), the place and its children."""
    found = await ledger_store.tasks_with_quotas_under(review.region.path)
    named = await task_choice_labels(found)
    tasks = [{"id": t.id, "title": named[t.id]} for t in found]
    apps = [
        {"id": a.id, "name": localized_name(a.name, a.name_hant)}
        for a in await visible_apps(user, region=review.region)
    ]
    frozen = snapshot_in(review)["summary"]
    places = [frozen["region"], *(child["region"] for child in frozen["children"])]
    return {"tasks": tasks, "apps": apps, "places": places}
