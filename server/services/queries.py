"""Reads that feed the pages: what a cadre sees on Today, in history, on the quota and apps pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.domain import pseudonyms
from server.domain.regions import ancestor_paths
from server.domain.vocab import ACTIVITIES, default_activity
from server.models import Outcome, Quota, QuotaRevision, Region, RosterItem, Task, TimeEntry, User
from server.services.apps import visible_apps
from server.services.directory import home_region
from server.services.tasks import visible_tasks
from server.web.i18n import localized_name


@dataclass
class Choice:
    """One big button on Today: a task, or a kind of work without a task."""

    value: str
    label: str
    activity: str
    task: int | None = None


@dataclass
class TodayView:
    region: Region
    choices: list[Choice]
    entries: list[TimeEntry]
    minutes_today: int
    last_day: date | None
    last_day_minutes: int
    task_titles: dict[int, str] = field(default_factory=dict)
    last_entries: list[TimeEntry] = field(default_factory=list)  # what "same as last time" copies


async def today_view(user: User, key: str, today: date, activity_labels: dict[str, str]) -> TodayView:
    region = await home_region(user)
    tasks = await visible_tasks(user, on_day=today)
    choices = [Choice(f"task:{t.id}", t.title, default_activity(t.metric), t.id) for t in tasks]
    choices += [Choice(f"activity:{a}", activity_labels[a], a) for a in ACTIVITIES]
    entries = await TimeEntry.filter(reporter_key=key, date=today).order_by("id")
    last = await TimeEntry.filter(reporter_key=key, date__lt=today).order_by("-date").first()
    last_entries = await TimeEntry.filter(reporter_key=key, date=last.date).order_by("id") if last else []
    titles = await task_titles({e.task_id for e in [*entries, *last_entries]})
    last_minutes = sum(e.minutes for e in last_entries)
    return TodayView(
        region,
        choices,
        entries,
        sum(e.minutes for e in entries),
        last.date if last else None,
        last_minutes,
        titles,
        last_entries,
    )


async def task_titles(ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    return dict(await Task.filter(id__in=wanted).values_list("id", "title")) if wanted else {}


async def entries_by_day(key: str, first: date, last: date) -> list[tuple[date, list[TimeEntry]]]:
    """The caller's entries from `first` to `last` (a week of History), newest day first."""
    entries = await TimeEntry.filter(reporter_key=key, date__gte=first, date__lte=last).order_by("-date", "id")
    days: dict[date, list[TimeEntry]] = {}
    for entry in entries:
        days.setdefault(entry.date, []).append(entry)
    return list(days.items())


async def logged_before(key: str, day: date) -> bool:
    """Whether the caller logged anything before `day`: History offers an earlier week then."""
    return await TimeEntry.filter(reporter_key=key, date__lt=day).exists()


async def reportable_regions(user: User) -> list[Region]:
    """The home region and those below it: where a cadre may report quotas."""
    home = await home_region(user)
    return await Region.filter(path__startswith=home.path).order_by("path").limit(500)


async def issuing_regions(user: User) -> list[Region]:
    """Who may have issued a task to this cadre: the home region and every level above it."""
    home = await home_region(user)
    return await Region.filter(path__in=ancestor_paths(home.path)).order_by("path")


async def roster_view(user: User, key: str) -> list[dict[str, Any]]:
    """Every app the caller sees (apps.visible_app_filter), with what they said of it (None:
    not on their roster)."""
    said = dict(await RosterItem.filter(reporter_key=key).values_list("app_id", "resident_use"))
    apps = await visible_apps(user)
    return [
        {"id": a.id, "name": localized_name(a.name, a.name_hant), "function": a.function, "use": said.get(a.id)}
        for a in apps
    ]


async def my_quotas(quota_key: str, reporter_key: str, secret: str, limit: int = 20) -> list[dict[str, Any]]:
    """The quotas this cadre reported, newest first, with what they said of how each was met."""
    ids: list[int] = []
    for quota_id in (
        await QuotaRevision.filter(reporter_key=quota_key).order_by("-id").values_list("quota_id", flat=True)
    ):
        if quota_id not in ids:
            ids.append(quota_id)
    ids = ids[:limit]
    quotas = {q.id: q for q in await Quota.filter(id__in=ids).select_related("task", "region")}
    refs = {pseudonyms.quota_ref(secret, i): i for i in ids}
    outcomes = {refs[o.quota_ref]: o for o in await Outcome.filter(reporter_key=reporter_key, quota_ref__in=list(refs))}
    return [
        {
            "id": i,
            "title": localized_name(quotas[i].task.title, None),
            "region": localized_name(quotas[i].region.name, quotas[i].region.name_hant),
            "target": quotas[i].target,
            "outcome": outcomes.get(i),
        }
        for i in ids
        if i in quotas
    ]
