"""The ledger's reads and writes: quotas and their revisions, progress, outcomes, time entries and
rosters. Sensitive rows are keyed by the reporter key, never the user.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.db import day_param, row_placeholders
from server.models import App, Outcome, ProgressPoint, Quota, QuotaRevision, Region, RosterItem, Task, TimeEntry

ENTRY_COLUMNS = (
    "reporter_key",
    "client_id",
    "body_hash",
    "received_on",
    "date",
    "minutes",
    "activity",
    "task_id",
    "note",
)


async def report_quota(
    task: Task, region: Region, values: dict[str, Any], reporter_key: str, client_id: str | None, today: date
) -> tuple[Quota, bool, QuotaRevision | None]:
    """Create or update the quota and keep the report as a revision, unless the reporter already
    sent this client_id: then nothing is written and the earlier revision comes back, to compare."""
    async with in_transaction():
        earlier = await QuotaRevision.get_or_none(reporter_key=reporter_key, client_id=client_id).select_related(
            "quota"
        )
        if earlier:
            return earlier.quota, False, earlier
        quota, created = await _upsert_quota(task, region, values, today)
        await QuotaRevision.create(
            quota=quota, reporter_key=reporter_key, client_id=client_id, reported_on=today, **values
        )
    return quota, created, None


async def _upsert_quota(task: Task, region: Region, values: dict[str, Any], today: date) -> tuple[Quota, bool]:
    quota = await Quota.get_or_none(task_id=task.id, region_id=region.code)
    if quota is None:
        try:
            async with in_transaction():
                return await Quota.create(task=task, region=region, updated_on=today, **values), True
        except IntegrityError:  # another report of the same quota won the race: update it instead
            quota = await Quota.get(task_id=task.id, region_id=region.code)
    await Quota.filter(id=quota.id).update(updated_on=today, **values)
    quota.update_from_dict({**values, "updated_on": today})
    return quota, False


async def quota_with_place(quota_id: int) -> Quota | None:
    """A quota with its region and task."""
    return await Quota.get_or_none(id=quota_id).select_related("region", "task")


async def add_points(quota: Quota, points: list[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """Keep the readings (a time already read keeps its first value); answers the whole series."""
    async with in_transaction():
        for at, value in points:
            await ProgressPoint.get_or_create(quota=quota, at=at, defaults={"value": value})
    return [(p.at, p.value) for p in await ProgressPoint.filter(quota_id=quota.id).order_by("at")]


async def save_outcome(reporter_key: str, quota_ref: str, values: dict[str, Any]) -> None:
    await Outcome.update_or_create(reporter_key=reporter_key, quota_ref=quota_ref, defaults=values)


async def entries_touching(key: str, client_ids: list[str], days: list[date]) -> list[tuple[str, str, date, int]]:
    """(client_id, body_hash, date, minutes) of the reporter's entries with these ids or on these days."""
    return await TimeEntry.filter(Q(client_id__in=client_ids) | Q(date__in=days), reporter_key=key).values_list(
        "client_id", "body_hash", "date", "minutes"
    )


async def insert_entries(key: str, today: date, rows: list[dict[str, Any]]) -> set[str]:
    """One multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING: the unique (reporter_key,
    client_id) decides what is new, even against a concurrent replay; answers the ids inserted.
    No region: where an entry counts is resolved through the secret at publication."""
    client = Tortoise.get_connection("default")
    received = day_param(client, today)
    # In date order: each entry adds to its month's sums (store/entry_months.py), and two writers
    # of one reporter that took the months in different orders each waited for the other until
    # PostgreSQL killed one. In one order, the later writer waits at the first month both need.
    ordered = sorted(rows, key=lambda row: (row["date"], row["client_id"]))
    params = [
        v
        for row in ordered
        for v in (
            key,
            row["client_id"],
            row["body_hash"],
            received,
            day_param(client, row["date"]),
            row["minutes"],
            row["activity"],
            row["task"],
            row["note"],
        )
    ]
    values = row_placeholders(len(rows), len(ENTRY_COLUMNS))
    sql = (
        f"INSERT INTO time_entry ({', '.join(ENTRY_COLUMNS)}) VALUES {values} "
        "ON CONFLICT (reporter_key, client_id) DO NOTHING RETURNING client_id"
    )
    return {r["client_id"] for r in await client.execute_query_dict(sql, params)}


async def stored_digests(key: str, client_ids: list[str]) -> dict[str, str]:
    """The body_hash stored under each of these client_ids."""
    return dict(
        await TimeEntry.filter(reporter_key=key, client_id__in=client_ids).values_list("client_id", "body_hash")
    )


async def own_entries(reporter_key: str, first: date | None = None, last: date | None = None) -> list[TimeEntry]:
    query = TimeEntry.filter(reporter_key=reporter_key)
    if first:
        query = query.filter(date__gte=first)
    if last:
        query = query.filter(date__lte=last)
    return await query.order_by("-date", "-id")


async def own_entry(reporter_key: str, client_id: str) -> TimeEntry | None:
    if "\x00" in client_id:  # PostgreSQL refuses U+0000 even in a lookup, and none was ever stored
        return None
    return await TimeEntry.get_or_none(reporter_key=reporter_key, client_id=client_id)


async def minutes_beside(entry: TimeEntry, day: date) -> int:
    """What the entry's reporter logged on `day` in their other entries."""
    return sum(
        await TimeEntry.filter(reporter_key=entry.reporter_key, date=day)
        .exclude(id=entry.id)
        .values_list("minutes", flat=True)
    )


async def update_entry(entry: TimeEntry, values: dict[str, Any]) -> TimeEntry:
    entry.update_from_dict(values)
    await entry.save()
    return entry


async def delete_entry(entry: TimeEntry) -> None:
    await entry.delete()


async def app_ids(visible: Q, wanted: list[int]) -> set[int]:
    """Which of the `wanted` apps match `visible` (apps.visible_app_filter)."""
    return set(await App.filter(visible, id__in=wanted).values_list("id", flat=True)) if wanted else set()


async def replace_roster(reporter_key: str, uses: dict[int, str], today: date) -> None:
    """The reporter's roster becomes these apps (app id -> resident use), confirmed today."""
    async with in_transaction():
        await RosterItem.filter(reporter_key=reporter_key).delete()
        for app_id, use in uses.items():
            await RosterItem.create(reporter_key=reporter_key, app_id=app_id, resident_use=use, received_on=today)


async def roster_items(reporter_key: str) -> list[RosterItem]:
    return await RosterItem.filter(reporter_key=reporter_key).select_related("app").order_by("app__name")


async def quota_reports(quota_key: str) -> list[QuotaRevision]:
    """The quota reports a reporter sent, oldest first, each with its quota."""
    return await QuotaRevision.filter(reporter_key=quota_key).select_related("quota").order_by("id")


async def outcomes(reporter_key: str) -> list[Outcome]:
    return await Outcome.filter(reporter_key=reporter_key).order_by("id")


async def regions_named(codes: set[str]) -> list[Region]:
    return await Region.filter(code__in=codes) if codes else []


async def tasks_named(ids: set[int]) -> list[Task]:
    return await Task.filter(id__in=ids) if ids else []


async def tasks_with_quotas_under(path: str) -> list[Task]:
    """The tasks with a quota in the region at `path` or below it, by title."""
    task_ids = await Quota.filter(region__path__startswith=path).distinct().values_list("task_id", flat=True)
    return await Task.filter(id__in=list(task_ids)).order_by("title", "-period_start", "id")
