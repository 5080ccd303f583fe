"""What a cadre logs: quotas (with history), progress, outcomes, time entries and the app roster.

Sensitive rows are keyed by the reporter key, never the user. An acknowledged entry is committed
before the answer leaves, and (reporter_key, client_id) is unique in the database, so a replayed
batch can never count twice.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server import auth
from server.burden.messages import Name
from server.burden.quota_rules import Flag, QuotaFacts, quota_flags
from server.burden.regions import in_subtree
from server.burden.rules import Rules
from server.burden.series import check_series, uniform_growth_flag
from server.burden.vocab import ACTIVITIES, BASES, MEANS, OUTCOME_STATUSES, RESIDENT_USE
from server.db import day_param, row_placeholders
from server.directory import home_region, region_by_code, task_facts, visible_app_filter, visible_task, visible_task_ids
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.i18n import gettext as _
from server.i18n import localized_name
from server.messages import flags_json
from server.models import App, Outcome, ProgressPoint, Quota, QuotaRevision, Region, RosterItem, Task, TimeEntry, User
from server.parse import Reader, day_window
from server.parse import message as parse_message

MAX_BATCH = 500
MAX_TARGET = 10**12
DAY_MINUTES = 24 * 60


async def scoped_region(user: User, code: Any, field: str = "region") -> Region:
    """A region the user may report for: their home region or one below it (an admin: any)."""
    region = await region_by_code(code, field)
    if user.role != "admin" and not in_subtree(region.path, (await home_region(user)).path):
        raise Forbidden(_("This region is outside your area."), {field: _("This region is outside your area.")})
    return region


def read_quota(r: Reader) -> dict[str, Any]:
    fields = {
        "task": r.ident("task", required=True, unknown=_("Unknown task.")),
        "region": r.text("region", max_length=20),
        "target": r.integer("target", low=1, high=MAX_TARGET),
        "base": r.choice("base", BASES, default="population"),
        "eligible": r.integer("eligible", low=1, high=MAX_TARGET, required=False),
        "base_count": r.integer("base_count", low=1, high=MAX_TARGET, required=False),
        "client_id": r.client_id(required=False),
    }
    if fields["base"] == "eligible" and fields["eligible"] is None and "eligible" not in r.errors:
        r.fail("eligible", parse_message("eligible_needed"))
    return fields


async def save_quota(user: User, reporter_key: str, data: Any, today: date, rules: Rules) -> tuple[Quota, list[Flag], bool]:
    """Create or update the quota of a task for a region, keep the report as a revision; flags now,
    under the rules in force (JIANFU_RULES)."""
    r = Reader(data)
    fields = read_quota(r)
    r.done()
    task = await visible_task(user, fields["task"])
    region = await scoped_region(user, fields["region"])
    values = {k: fields[k] for k in ("target", "base", "eligible", "base_count")}
    async with in_transaction():
        earlier = await QuotaRevision.get_or_none(reporter_key=reporter_key, client_id=fields["client_id"]).select_related("quota")
        if earlier:
            if (earlier.quota.task_id, earlier.quota.region_id) != (task.id, region.code) or any(getattr(earlier, k) != v for k, v in values.items()):
                raise Conflict(_("This client_id was already used for a different quota."), {"client_id": _("Already used for a different quota.")})
            quota, created = earlier.quota, False
        else:
            quota, created = await _upsert_quota(task, region, values, today)
            await QuotaRevision.create(quota=quota, reporter_key=reporter_key, client_id=fields["client_id"], reported_on=today, **values)
    return quota, quota_flags(task_facts(task), quota_facts(quota, region), rules), created


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


def quota_json(quota: Quota, flags: list[Flag]) -> dict[str, Any]:
    return {
        "id": quota.id,
        "task": quota.task_id,
        "region": quota.region_id,
        "target": quota.target,
        "base": quota.base,
        "eligible": quota.eligible,
        "base_count": quota.base_count,
        "flags": flags_json(flags),
    }


async def reported_quota(user: User, quota_id: int) -> Quota:
    """A quota of a region in the user's area (404 otherwise: its existence is not revealed)."""
    quota = await Quota.get_or_none(id=quota_id).select_related("region", "task")
    if quota is None:
        raise NotFound("quota")
    if user.role != "admin" and not in_subtree(quota.region.path, (await home_region(user)).path):
        raise NotFound("quota")
    return quota


async def add_progress(user: User, quota_id: int, data: Any, rules: Rules) -> list[Flag]:
    """Attach counter readings to a quota; answer with its flags, the growth check included."""
    quota = await reported_quota(user, quota_id)
    points = read_points(data)
    async with in_transaction():
        for at, value in points:
            await ProgressPoint.get_or_create(quota=quota, at=at, defaults={"value": value})
    series = [(p.at, p.value) for p in await ProgressPoint.filter(quota_id=quota.id).order_by("at")]
    flags = quota_flags(task_facts(quota.task), quota_facts(quota, quota.region), rules)
    growth = uniform_growth_flag(series, quota.region_id, quota.task_id, rules)
    return flags + ([growth] if growth else [])


def read_points(data: Any) -> list[tuple[datetime, int]]:
    items = data.get("points") if isinstance(data, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= 10_000:
        raise InvalidInput({"points": _("Must be a list of 1 to %(count)s readings.", count=10_000)})
    now = datetime.now(timezone.utc)
    points, errors = [], {}
    for i, item in enumerate(items):
        r = Reader(item, prefix=f"points[{i}].")
        at = r.moment("at", latest=now)
        value = r.integer("value", low=0, high=MAX_TARGET * 1000)
        errors.update(r.errors)
        points.append((at, value))
    if len({at for at, _v in points}) != len(points) and not errors:
        errors["points"] = _("Two readings have the same time.")
    if errors:
        raise InvalidInput(errors)
    return points


def series_json(points: list[tuple[datetime, int]], rules: Rules) -> dict[str, Any]:
    verdict = check_series(points, rules)
    return {
        "uniform": verdict.uniform,
        "dispersion": verdict.dispersion,
        "p_value": verdict.p_value,
        "rate_per_minute": verdict.rate_per_minute,
        "intervals": verdict.intervals,
    }


async def save_outcome(user: User, reporter_key: str, quota_id: int, data: Any, today: date, secret: str) -> None:
    """How the caller met a quota; it counts in the release of the month it is received in."""
    quota = await reported_quota(user, quota_id)
    r = Reader(data)
    status = r.choice("status", OUTCOME_STATUSES)
    means = r.choices("means", MEANS)
    cost = r.number("cost_yuan", low=0, high=10_000_000, required=False)
    r.done()
    values = {"status": status, "means": ",".join(means), "cost_yuan": Decimal(str(round(cost, 2))) if cost is not None else None, "reported_on": today}
    await Outcome.update_or_create(reporter_key=reporter_key, quota_ref=auth.quota_ref(secret, quota.id), defaults=values)


def read_entry(item: Any, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    r = Reader(item)
    earliest, latest = day_window(today)
    entry = {
        "client_id": r.client_id(),
        "date": r.day("date", earliest=earliest, latest=latest),
        "minutes": r.minutes("minutes"),
        "activity": r.choice("activity", ACTIVITIES, default="other"),
        "task": r.ident("task", unknown=_("Unknown task.")),
        "note": r.text("note", required=False, max_length=500),
    }
    return entry, r.errors


def body_hash(entry: dict[str, Any]) -> str:
    canonical = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in entry.items() if k != "client_id"}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


async def save_entries(user: User, reporter_key: str, data: Any, today: date) -> dict[str, list]:
    """Accept what is valid, report duplicates and rejects per client_id; one bad entry blocks none."""
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
        raise InvalidInput({"entries": _("Must be a list of 1 to %(count)s entries.", count=MAX_BATCH)})
    result: dict[str, list] = {"accepted": [], "duplicates": [], "rejected": []}
    fresh: list[tuple[dict[str, Any], str]] = []
    read = [(item, *read_entry(item, today)) for item in items]
    visible = await visible_task_ids(user, [entry["task"] for _item, entry, errors in read if not errors])
    for item, entry, errors in read:
        errors = errors or _task_problem(entry, visible)
        if errors:
            result["rejected"].append({"client_id": _client_id_of(item), "error": InvalidInput(errors).body()["error"]})
        else:
            fresh.append((entry, body_hash(entry)))
    await _store_entries(reporter_key, today, fresh, result)
    return result


def _client_id_of(item: Any) -> str | None:
    """The client_id a rejected entry was sent under, to say which one it was: text only (a lone
    surrogate cannot be written back as UTF-8, nor 1e400 as JSON)."""
    value = item.get("client_id") if isinstance(item, dict) else None
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def _task_problem(entry: dict[str, Any], visible: set[int]) -> dict[str, str]:
    """An entry may name no task, or one the cadre can see (read_entry made it an id or None)."""
    task = entry["task"]
    if task is None or task in visible:
        return {}
    return {"task": _("Unknown task.")}


async def _store_entries(key: str, today: date, fresh: list[tuple[dict, str]], result: dict[str, list]) -> None:
    """One read of what the cadre already has (those client_ids, and those days' totals), one
    multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING: the unique (reporter_key, client_id)
    decides what is new, even against a concurrent replay of the batch."""
    if not fresh:
        return
    client_ids = [e["client_id"] for e, _h in fresh]
    days = list({e["date"] for e, _h in fresh})
    existing = await TimeEntry.filter(Q(client_id__in=client_ids) | Q(date__in=days), reporter_key=key).values_list("client_id", "body_hash", "date", "minutes")
    asked = set(client_ids)
    known = {cid: digest for cid, digest, _day, _minutes in existing if cid in asked}
    day_totals: dict[date, int] = {}
    for _cid, _digest, day, minutes in existing:
        if day in days:
            day_totals[day] = day_totals.get(day, 0) + minutes
    rows: list[dict[str, Any]] = []
    for entry, digest in fresh:
        cid = entry["client_id"]
        if cid in known:
            _classify_known(cid, known[cid] == digest, result)
            continue
        total = day_totals.get(entry["date"], 0) + entry["minutes"]
        if total > DAY_MINUTES:
            message = parse_message("day_full", day=entry["date"].isoformat())
            result["rejected"].append({"client_id": cid, "error": InvalidInput({"minutes": message}).body()["error"]})
            continue
        day_totals[entry["date"]], known[cid] = total, digest
        rows.append({**entry, "body_hash": digest})
    if not rows:
        return
    inserted = await _insert_new(key, today, rows)
    missed = [row for row in rows if row["client_id"] not in inserted]
    if missed:  # a concurrent request stored these client_ids first: same body or not?
        kept = dict(await TimeEntry.filter(reporter_key=key, client_id__in=[r["client_id"] for r in missed]).values_list("client_id", "body_hash"))
        for row in missed:
            _classify_known(row["client_id"], kept.get(row["client_id"]) == row["body_hash"], result)
    result["accepted"] += [row["client_id"] for row in rows if row["client_id"] in inserted]


ENTRY_COLUMNS = ("reporter_key", "client_id", "body_hash", "received_on", "date", "minutes", "activity", "task_id", "note")


async def _insert_new(key: str, today: date, rows: list[dict[str, Any]]) -> set[str]:
    """Insert the rows, skipping client_ids the reporter already used; answers the ids inserted.
    No region: where an entry counts is resolved through the secret at publication."""
    client = Tortoise.get_connection("default")
    received = day_param(client, today)
    params = [v for row in rows for v in (key, row["client_id"], row["body_hash"], received, day_param(client, row["date"]), row["minutes"], row["activity"], row["task"], row["note"])]
    values = row_placeholders(len(rows), len(ENTRY_COLUMNS))
    sql = f"INSERT INTO time_entry ({', '.join(ENTRY_COLUMNS)}) VALUES {values} ON CONFLICT (reporter_key, client_id) DO NOTHING RETURNING client_id"
    return {r["client_id"] for r in await client.execute_query_dict(sql, params)}


def _classify_known(client_id: str, same_body: bool, result: dict[str, list]) -> None:
    if same_body:
        result["duplicates"].append(client_id)
    else:
        error = Conflict(_("This client_id was already used for a different entry."), {"client_id": _("Already used for a different entry.")})
        result["rejected"].append({"client_id": client_id, "error": error.body()["error"]})


def entry_json(entry: TimeEntry) -> dict[str, Any]:
    return {
        "client_id": entry.client_id,
        "date": entry.date.isoformat(),
        "minutes": entry.minutes,
        "activity": entry.activity,
        "task": entry.task_id,
        "note": entry.note,
    }


async def own_entries(reporter_key: str, first: date | None = None, last: date | None = None) -> list[TimeEntry]:
    query = TimeEntry.filter(reporter_key=reporter_key)
    if first:
        query = query.filter(date__gte=first)
    if last:
        query = query.filter(date__lte=last)
    return await query.order_by("-date", "-id")


async def own_entry(reporter_key: str, client_id: str) -> TimeEntry:
    entry = None if "\x00" in client_id else await TimeEntry.get_or_none(reporter_key=reporter_key, client_id=client_id)
    if entry is None:  # (PostgreSQL refuses U+0000 even in a lookup, and none was ever stored)
        raise NotFound("client_id")
    return entry


async def edit_entry(user: User, reporter_key: str, client_id: str, data: Any, today: date) -> TimeEntry:
    """Correct one of the caller's entries; the day may still hold at most 24 hours."""
    entry = await own_entry(reporter_key, client_id)
    fields, errors = read_entry({**(data if isinstance(data, dict) else {}), "client_id": client_id}, today)
    if not errors:
        errors = _task_problem(fields, await visible_task_ids(user, [fields["task"]]))
    if errors:
        raise InvalidInput(errors)
    others = await TimeEntry.filter(reporter_key=reporter_key, date=fields["date"]).exclude(id=entry.id).values_list("minutes", flat=True)
    if sum(others) + fields["minutes"] > DAY_MINUTES:
        raise InvalidInput({"minutes": _("This would make more than 24 hours on %(day)s.", day=fields["date"].isoformat())})
    digest = body_hash(fields)
    entry.update_from_dict({"date": fields["date"], "minutes": fields["minutes"], "activity": fields["activity"], "task_id": fields["task"], "note": fields["note"], "body_hash": digest})
    await entry.save()
    return entry


async def delete_entry(reporter_key: str, client_id: str) -> TimeEntry:
    """Deletes one of the caller's entries and answers it, so that it can be put back (undo)."""
    entry = await own_entry(reporter_key, client_id)
    await entry.delete()
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
    known = set(await App.filter(await visible_app_filter(user, Q(id__in=wanted)), id__in=wanted).values_list("id", flat=True)) if wanted else set()
    for i, item in enumerate(items):
        if not errors and item.get("app") not in known:
            errors[f"apps[{i}].app"] = _("Unknown app.")
    if errors:
        raise InvalidInput(errors)
    async with in_transaction():
        await RosterItem.filter(reporter_key=reporter_key).delete()
        for app_id, use in rows.items():
            await RosterItem.create(reporter_key=reporter_key, app_id=app_id, resident_use=use, received_on=today)
    return await own_roster(reporter_key)


async def own_roster(reporter_key: str) -> list[dict[str, Any]]:
    items = await RosterItem.filter(reporter_key=reporter_key).select_related("app").order_by("app__name")
    return [{"app": i.app_id, "name": localized_name(i.app.name, i.app.name_hant), "resident_use": i.resident_use} for i in items]


async def export_rows(user: User, reporter_key: str, quota_key: str, secret: str) -> list[dict[str, Any]]:
    """Everything the caller logged, as rows for their own CSV: the data comes back to them, with
    places and tasks by name (an outcome under its quota's task and place)."""
    home = user.region_id
    rows: list[dict[str, Any]] = [
        {"record": "entry", "date": e.date.isoformat(), "region": home, "task": e.task_id, "activity": e.activity, "minutes": e.minutes, "note": e.note}
        for e in reversed(await own_entries(reporter_key))
    ]
    reported = await QuotaRevision.filter(reporter_key=quota_key).select_related("quota").order_by("id")
    quotas = {auth.quota_ref(secret, q.quota_id): q.quota for q in reported}
    for o in await Outcome.filter(reporter_key=reporter_key).order_by("id"):
        quota = quotas.get(o.quota_ref)
        where = {"region": quota.region_id, "task": quota.task_id} if quota else {}
        rows.append({"record": "outcome", "date": o.reported_on.isoformat(), **where, "status": o.status, "means": [m for m in o.means.split(",") if m], "cost_yuan": o.cost_yuan})
    for q in reported:
        rows.append({"record": "quota", "date": q.reported_on.isoformat(), "region": q.quota.region_id, "task": q.quota.task_id, "target": q.target, "base": q.base})
    for item in await own_roster(reporter_key):
        rows.append({"record": "roster", "app": item["name"], "resident_use": item["resident_use"]})
    return await _named(rows)


async def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with each region code and task id replaced by its name in the reader's script."""
    codes = {r["region"] for r in rows if r.get("region")}
    task_ids = {r["task"] for r in rows if r.get("task")}
    places = {r.code: localized_name(r.name, r.name_hant) for r in await Region.filter(code__in=codes)} if codes else {}
    titles = {t.id: localized_name(t.title, None) for t in await Task.filter(id__in=task_ids)} if task_ids else {}
    return [{**r, "region": places.get(r.get("region")), "task": titles.get(r.get("task"))} for r in rows]
