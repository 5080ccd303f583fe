"""What a cadre logs: quotas (with history), progress, outcomes, time entries and the app roster.

The flow of each: read the body, check the caller may touch the place or task (scope), apply the
rules (ledger_rules, burden/), write through ledger_store. An acknowledged entry is committed before
the answer leaves, and (reporter_key, client_id) is unique in the database, so a replayed batch can
never count twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q

from server.domain import pseudonyms
from server.domain.entries import (
    CONFLICT,
    DUPLICATE,
    NewEntry,
    Refusal,
    body_hash,
    fits_in_day,
    known_refusal,
    plan_entries,
)
from server.domain.messages import Name
from server.domain.quota_rules import Flag, QuotaFacts, quota_flags
from server.domain.rules import Rules
from server.domain.series import uniform_growth_flag
from server.domain.vocab import MEANS, OUTCOME_STATUSES, RESIDENT_USE
from server.models import Quota, Region, TimeEntry, User
from server.services.apps import visible_app_filter
from server.services.directory import region_by_code
from server.services.scope import in_user_area
from server.services.tasks import task_facts, visible_task
from server.store import ledger as ledger_store
from server.web.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.web.i18n import gettext as _
from server.web.i18n import localized_name
from server.web.ledger_forms import read_points, read_quota
from server.web.parse import Reader
from server.web.parse import message as parse_message


async def scoped_region(user: User, code: Any, field: str = "region") -> Region:
    """A region the user may report for: their home region or one below it (an admin: any)."""
    region = await region_by_code(code, field)
    if not await in_user_area(user, region.path, "report"):
        raise Forbidden(_("This region is outside your area."), {field: _("This region is outside your area.")})
    return region


async def save_quota(
    user: User, reporter_key: str, data: Any, today: date, rules: Rules
) -> tuple[Quota, list[Flag], bool]:
    """Create or update the quota of a task for a region, keep the report as a revision; flags now,
    under the rules in force (JIANFU_RULES)."""
    r = Reader(data)
    fields = read_quota(r)
    r.done()
    task = await visible_task(user, fields["task"])
    region = await scoped_region(user, fields["region"])
    values = {k: fields[k] for k in ("target", "base", "eligible", "base_count")}
    quota, created, earlier = await ledger_store.report_quota(
        task, region, values, reporter_key, fields["client_id"], today
    )
    if earlier and ((quota.task_id, quota.region_id), {k: getattr(earlier, k) for k in values}) != (
        (task.id, region.code),
        values,
    ):
        raise Conflict(
            _("This client_id was already used for a different quota."),
            {"client_id": _("Already used for a different quota.")},
        )
    return quota, quota_flags(task_facts(task), quota_facts(quota, region), rules), created


def quota_facts(quota: Quota, region: Region) -> QuotaFacts:
    return QuotaFacts(
        region=region.code,
        region_name=Name(region.name, region.name_hant),
        target=quota.target,
        base=quota.base,
        population=region.population,
        households=region.households,
        eligible=quota.eligible,
        base_count=quota.base_count,
    )


async def reported_quota(user: User, quota_id: int) -> Quota:
    """A quota of a region in the user's area (404 otherwise: its existence is not revealed)."""
    quota = await ledger_store.quota_with_place(quota_id)
    if quota is None or not await in_user_area(user, quota.region.path, "report"):
        raise NotFound("quota")
    return quota


async def add_progress(user: User, quota_id: int, data: Any, rules: Rules) -> list[Flag]:
    """Attach counter readings to a quota; answer with its flags, the growth check included."""
    quota = await reported_quota(user, quota_id)
    series = await ledger_store.add_points(quota, read_points(data))
    flags = quota_flags(task_facts(quota.task), quota_facts(quota, quota.region), rules)
    growth = uniform_growth_flag(series, quota.region_id, quota.task_id, rules)
    return flags + ([growth] if growth else [])


async def save_outcome(user: User, reporter_key: str, quota_id: int, data: Any, today: date, secret: str) -> None:
    """How the caller met a quota; it counts in the release of the month it is received in."""
    quota = await reported_quota(user, quota_id)
    r = Reader(data)
    status = r.choice("status", OUTCOME_STATUSES)
    means = r.choices("means", MEANS)
    cost = r.number("cost_yuan", low=0, high=10_000_000, required=False)
    r.done()
    values = {
        "status": status,
        "means": ",".join(means),
        "cost_yuan": Decimal(str(round(cost, 2))) if cost is not None else None,
        "reported_on": today,
    }
    await ledger_store.save_outcome(reporter_key, pseudonyms.quota_ref(secret, quota.id), values)


async def store_entries(key: str, today: date, entries: list[NewEntry], result: dict[str, list]) -> None:
    """Store entries whose task and kind of work are decided (services.records), adding to `result`
    what became of each. One read of what the cadre already has (those client_ids, and those days'
    totals), one insert of what is new (ledger_store.insert_entries), then the ids a concurrent
    request stored first, compared by body."""
    fresh = [(said, body_hash(said)) for said in (e.said() for e in entries)]
    if not fresh:
        return
    stored = await ledger_store.entries_touching(
        key, [e["client_id"] for e, _h in fresh], list({e["date"] for e, _h in fresh})
    )
    plan = plan_entries(fresh, stored)
    _record(plan.refused, result)
    if not plan.rows:
        return
    inserted = await ledger_store.insert_entries(key, today, plan.rows)
    missed = [row for row in plan.rows if row["client_id"] not in inserted]
    if missed:  # a concurrent request stored these client_ids first: same body or not?
        kept = await ledger_store.stored_digests(key, [row["client_id"] for row in missed])
        _record(
            [known_refusal(row["client_id"], kept.get(row["client_id"]) == row["body_hash"]) for row in missed], result
        )
    result["accepted"] += [row["client_id"] for row in plan.rows if row["client_id"] in inserted]


def _record(refused: list[Refusal], result: dict[str, list]) -> None:
    """Entries not stored, as the answer tells them: replays as duplicates, the rest as rejected."""
    for refusal in refused:
        if refusal.kind == DUPLICATE:
            result["duplicates"].append(refusal.client_id)
        elif refusal.kind == CONFLICT:
            error = Conflict(
                _("This client_id was already used for a different entry."),
                {"client_id": _("Already used for a different entry.")},
            )
            result["rejected"].append(error.rejection(refusal.client_id))
        else:
            message = parse_message("day_full", day=refusal.day.isoformat())
            result["rejected"].append(InvalidInput({"minutes": message}).rejection(refusal.client_id))


own_entries = ledger_store.own_entries  # the caller's own rows: nothing to check on the way


async def own_entry(reporter_key: str, client_id: str) -> TimeEntry:
    entry = await ledger_store.own_entry(reporter_key, client_id)
    if entry is None:
        raise NotFound("client_id")
    return entry


async def edit_entry(reporter_key: str, change: NewEntry, today: date) -> TimeEntry:
    """Correct one of the caller's entries (its task and kind of work decided, services.records);
    the day may still hold at most 24 hours."""
    entry = await own_entry(reporter_key, change.client_id)
    if not fits_in_day(await ledger_store.minutes_beside(entry, change.date), change.minutes):
        raise InvalidInput(
            {"minutes": _("This would make more than 24 hours on %(day)s.", day=change.date.isoformat())}
        )
    values = {
        "date": change.date,
        "minutes": change.minutes,
        "activity": change.activity,
        "task_id": change.task,
        "note": change.note,
    }
    return await ledger_store.update_entry(entry, {**values, "body_hash": body_hash(change.said())})


async def delete_entry(reporter_key: str, client_id: str) -> TimeEntry:
    """Deletes one of the caller's entries and answers it, so that it can be put back (undo)."""
    entry = await own_entry(reporter_key, client_id)
    await ledger_store.delete_entry(entry)
    return entry


async def replace_roster(user: User, reporter_key: str, data: Any, today: date) -> list[dict[str, Any]]:
    """The apps the caller must use, replacing what they said before; confirmed today, so the
    whole roster counts in this month's release."""
    items = data.get("apps") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) > 200:
        raise InvalidInput({"apps": _("Must be a list of at most %(count)s apps.", count=200)})
    rows, errors = {}, {}
    for i, item in enumerate(items):
        r = Reader(item, prefix=f"apps[{i}].")
        app_id = r.integer("app", low=1, high=2**31 - 1)
        rows[app_id] = r.choice("resident_use", RESIDENT_USE)
        errors.update(r.errors)
    wanted = [a for a in rows if a]  # an app the caller does not see is unknown to them
    known = await ledger_store.app_ids(await visible_app_filter(user, Q(id__in=wanted)), wanted) if wanted else set()
    for i, item in enumerate(items):
        if not errors and item.get("app") not in known:
            errors[f"apps[{i}].app"] = _("Unknown app.")
    if errors:
        raise InvalidInput(errors)
    await ledger_store.replace_roster(reporter_key, rows, today)
    return await own_roster(reporter_key)


async def own_roster(reporter_key: str) -> list[dict[str, Any]]:
    items = await ledger_store.roster_items(reporter_key)
    return [
        {"app": i.app_id, "name": localized_name(i.app.name, i.app.name_hant), "resident_use": i.resident_use}
        for i in items
    ]
