"""Shared, non-personal records: regions, accounts, invites, apps and tasks."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any, Iterable

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from server import auth
from server.closure import rebuild_ancestors
from server.burden.quota_rules import TaskFacts, task_flags
from server.burden.regions import RegionRow, ancestor_paths, child_path, in_subtree, level_below, on_line, save_order
from server.burden.vocab import EVIDENCE, FREQUENCIES, LEVELS, LOCALES, METRICS, PENALTIES, RANKINGS, ROLES
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.i18n import gettext as _
from server.i18n import localized_name
from server.models import App, Invite, Region, Task, User
from server.parse import Reader

MAX_REGIONS_PER_BATCH = 100_000


def read_region_rows(items: Any) -> list[dict[str, Any]]:
    """Validate a batch of regions field by field; one bad row rejects the batch (422, per-row fields)."""
    if not isinstance(items, list) or not items or len(items) > MAX_REGIONS_PER_BATCH:
        raise InvalidInput({"regions": _("Must be a list of 1 to %(count)s regions.", count=MAX_REGIONS_PER_BATCH)})
    errors: dict[str, str] = {}
    rows, seen = [], set()
    for i, item in enumerate(items):
        r = Reader(item, prefix=f"regions[{i}].")
        code = r.text("code", max_length=20)
        if code and not code.isdigit():
            r.fail("code", _("Must be digits only."))
        elif code in seen:
            r.fail("code", _("This code appears twice in the batch."))
        seen.add(code)
        row = {
            "code": code,
            "parent": r.text("parent", required=False, max_length=20),
            "level": r.choice("level", LEVELS),
            "name": r.text("name", max_length=100),
            "name_hant": r.text("name_hant", required=False, max_length=100),
            "population": r.integer("population", low=0, high=2_000_000_000),
            "households": r.integer("households", low=0, high=1_000_000_000, required=False),
        }
        errors.update(r.errors)
        rows.append(row)
    if errors:
        raise InvalidInput(errors)
    return rows


async def upsert_regions(items: Any) -> dict[str, int]:
    """Create or update regions by code, parents before children, all or nothing."""
    rows = read_region_rows(items)
    parents = {row["parent"] for row in rows if row["parent"]}
    known = await _regions_by_code(sorted(parents | {row["code"] for row in rows}))
    ordered, broken = save_order([RegionRow(r["code"], r["parent"], r["level"]) for r in rows], {c: known[c].path for c in known})
    errors = {}
    for i, row in enumerate(rows):
        if row["code"] in broken:
            errors[f"regions[{i}].parent"] = _("Unknown parent region, or the parents form a loop.")
    if errors:
        raise InvalidInput(errors)
    index = {row["code"]: (i, row) for i, row in enumerate(rows)}
    created = updated = 0
    moved: list[str] = []
    levels = {code: region.level for code, region in known.items()}
    fresh: list[Region] = []
    async with in_transaction() as connection:
        paths = {code: region.path for code, region in known.items()}
        for item in ordered:
            i, row = index[item.code]
            parent = row["parent"]
            if parent and not level_below(levels[parent], row["level"]):
                raise InvalidInput({f"regions[{i}].level": _("Must be a level below its parent's (%(level)s).", level=levels[parent])})
            old_path = paths.get(row["code"])
            if parent and old_path and in_subtree(paths[parent], old_path):
                raise InvalidInput({f"regions[{i}].parent": _("Unknown parent region, or the parents form a loop.")})
            path = child_path(paths.get(parent), row["code"])
            fields = {k: row[k] for k in ("level", "name", "name_hant", "population", "households")}
            if row["code"] in known:
                await _create(fresh, connection)  # an updated region may hang under a new one
                await Region.filter(code=row["code"]).using_db(connection).update(parent_id=parent, path=path, **fields)
                if old_path != path:
                    moved += await _move_subtree(old_path, path)
                updated += 1
            else:
                fresh.append(Region(code=row["code"], parent_id=parent, path=path, **fields))
                created += 1
            paths[row["code"]], levels[row["code"]] = path, row["level"]
        await _create(fresh, connection)
        await rebuild_ancestors([row["code"] for row in rows] + moved, client=connection)
    return {"created": created, "updated": updated}


async def _regions_by_code(codes: list[str], chunk: int = 5000) -> dict[str, Region]:
    """Regions by code, asked in chunks (PostgreSQL takes at most 32,767 parameters a query)."""
    found: dict[str, Region] = {}
    for i in range(0, len(codes), chunk):
        found.update({r.code: r for r in await Region.filter(code__in=codes[i : i + chunk])})
    return found


async def _create(fresh: list[Region], connection: Any) -> None:
    """New regions in bulk, in save order (parents first); the list is emptied."""
    if fresh:
        await Region.bulk_create(fresh, batch_size=1000, using_db=connection)
        fresh.clear()


async def _move_subtree(old_path: str, new_path: str) -> list[str]:
    """Re-root the paths below a moved region; answers the codes that moved with it."""
    below = await Region.filter(path__startswith=old_path).exclude(path=old_path)
    for region in below:
        region.path = new_path + region.path[len(old_path):]
        await region.save(update_fields=["path"])
    return [region.code for region in below]


async def region_by_code(code: str, field: str = "region") -> Region:
    region = await Region.get_or_none(code=code) if isinstance(code, str) else None
    if region is None:
        raise InvalidInput({field: _("Unknown region.")})
    return region


def region_json(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "parent": region.parent_id,
        "level": region.level,
        "name": localized_name(region.name, region.name_hant),
        "population": region.population,
        "households": region.households,
    }


async def region_detail(code: str) -> dict[str, Any]:
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound("region")
    children = await Region.filter(parent_id=code).order_by("code")
    return {**region_json(region), "children": [region_json(c) for c in children]}


def read_account(r: Reader) -> dict[str, Any]:
    username = r.text("username", max_length=40)
    if username and (len(username) < 3 or any(c.isspace() for c in username)):
        r.fail("username", _("3 to 40 characters, no spaces."))
    password = r.data.get("password")
    if not isinstance(password, str) or not 8 <= len(password) <= 200:
        r.fail("password", _("At least 8 characters."))
    locale = r.choice("locale", LOCALES, default="")
    return {"username": username, "password": password, "locale": locale or None}


async def create_user(data: Any, today: date) -> User:
    r = Reader(data)
    account = read_account(r)
    role = r.choice("role", ROLES)
    code = r.text("region", required=role != "admin", max_length=20)
    r.done()
    region = await region_by_code(code) if code else None
    return await _new_user(account, role, region, today)


async def _new_user(account: dict[str, Any], role: str, region: Region | None, today: date) -> User:
    password_hash = await auth.hash_password(account["password"])
    try:
        return await User.create(username=account["username"], password_hash=password_hash, role=role, region=region, locale=account["locale"], created_on=today)
    except IntegrityError:
        raise Conflict(_("This username is taken."), {"username": _("This username is taken.")}) from None


async def create_invite(user: User, data: Any, today: date) -> Invite:
    """Admins invite anyone anywhere; a cadre invites colleagues into their own region only.
    Supervisors invite nobody: accounts they made could be counted towards k beside one real
    reporter, and subtracting them would expose that one (DESIGN.md §2)."""
    if user.role not in ("admin", "cadre"):
        raise Forbidden()
    r = Reader(data)
    code = r.text("region", max_length=20)
    role = r.choice("role", ("cadre", "supervisor") if user.role == "admin" else ("cadre",), default="cadre")
    uses = r.integer("uses", low=1, high=1000)
    expires = r.day("expires", earliest=today, latest=today + timedelta(days=366))
    r.done()
    region = await region_by_code(code)
    if user.role == "cadre" and region.code != user.region_id:
        raise Forbidden(_("You may invite colleagues into your own region only."), {"region": _("You may invite colleagues into your own region only.")})
    return await Invite.create(code=secrets.token_hex(4).upper(), region=region, role=role, uses_left=uses, expires=expires)


async def sign_up(data: Any, today: date) -> User:
    """A new account from an invite code: a username and password, never a real name or phone."""
    r = Reader(data)
    code = r.text("code", max_length=32)
    account = read_account(r)
    r.done()
    async with in_transaction():
        invite = await Invite.get_or_none(code=code.upper())
        taken = await Invite.filter(code=code.upper(), uses_left__gt=0, expires__gte=today).update(uses_left=F("uses_left") - 1)
        if not invite or not taken:
            raise InvalidInput({"code": _("This invite code is unknown, used up or expired.")})
        region = await Region.get(code=invite.region_id)
        return await _new_user(account, invite.role, region, today)


async def create_app(data: Any) -> tuple[App, bool]:
    """A government app; the same name and owner region returns the app already known."""
    r = Reader(data)
    name = r.text("name", max_length=100)
    function = r.text("function", max_length=60)
    owner_level = r.choice("owner_level", LEVELS)
    owner = r.text("owner_region", required=False, max_length=20)
    r.done()
    owner_region = await region_by_code(owner, "owner_region") if owner else None
    existing = await App.get_or_none(name=name, owner_region_id=owner, owner_level=owner_level)
    if existing:
        return existing, False
    return await App.create(name=name, function=function, owner_level=owner_level, owner_region=owner_region), True


def app_json(app: App) -> dict[str, Any]:
    return {
        "id": app.id,
        "name": localized_name(app.name, app.name_hant),
        "function": app.function,
        "owner_level": app.owner_level,
        "owner_region": app.owner_region_id,
    }


async def list_apps() -> list[dict[str, Any]]:
    return [app_json(a) for a in await App.all().order_by("name")]


async def home_region(user: User) -> Region:
    if user.region_id is None:
        raise Forbidden(_("Your account has no home region."))
    loaded = getattr(user, "_region", None)  # fetched with the token (auth.current_user)
    if isinstance(loaded, Region) and loaded.code == user.region_id:
        return loaded
    return await Region.get(code=user.region_id)


async def visible_task_filter(user: User) -> Q:
    """Tasks issued on the line through the user's home region; an admin sees every task."""
    if user.role == "admin":
        return Q()
    home = await home_region(user)
    return Q(issued_by__path__in=ancestor_paths(home.path)) | Q(issued_by__path__startswith=home.path)


def read_task(r: Reader, today: date) -> dict[str, Any]:
    earliest, latest = today - timedelta(days=3650), today + timedelta(days=3650)
    task = {
        "title": r.text("title", max_length=200),
        "metric": r.choice("metric", METRICS),
        "app": r.integer("app", low=1, high=2**31 - 1, required=False),
        "issued_by": r.text("issued_by", max_length=20),
        "period_start": r.day("period_start", earliest=earliest, latest=latest),
        "period_end": r.day("period_end", earliest=earliest, latest=latest),
        "frequency": r.choice("frequency", FREQUENCIES, default="once"),
        "ranking": r.choice("ranking", RANKINGS, default="none"),
        "penalty": r.choice("penalty", PENALTIES, default="none"),
        "evidence": r.choice("evidence", EVIDENCE, default="none"),
    }
    if task["period_start"] and task["period_end"] and task["period_end"] < task["period_start"]:
        r.fail("period_end", _("Must not be before the start of the period."))
    return task


async def create_task(user: User, data: Any, today: date, min_level: str = "township") -> tuple[Task, bool]:
    """A demand as a cadre received it; the same title, issuer and period is the same task.

    Issuers are published places (DESIGN.md §2): time entries name their task, and a task issued
    by a village would place whoever logged it in that village."""
    r = Reader(data)
    fields = read_task(r, today)
    r.done()
    issuer = await region_by_code(fields["issued_by"], "issued_by")
    if LEVELS.index(issuer.level) > LEVELS.index(min_level):
        raise InvalidInput({"issued_by": _("Name the office that issued it: a township or a higher level.") if min_level == "township" else _("Name the office that issued it, at a level that is published.")})
    if user.role != "admin" and not on_line(issuer.path, (await home_region(user)).path):
        raise Forbidden(_("This region is outside your area."), {"issued_by": _("This region is outside your area.")})
    if fields["app"] is not None and not await App.exists(id=fields["app"]):
        raise InvalidInput({"app": _("Unknown app.")})
    fields["issued_by"], fields["app_id"] = issuer, fields.pop("app")
    identity = {"title": fields["title"], "issued_by_id": issuer.code, "period_start": fields["period_start"], "period_end": fields["period_end"]}
    same = await Task.get_or_none(**identity)
    if same:
        return same, False
    try:
        async with in_transaction():
            return await Task.create(**fields), True
    except IntegrityError:  # another report of the same task won the race
        return await Task.get(**identity), False


def task_facts(task: Task) -> TaskFacts:
    return TaskFacts(task.id, task.metric, task.issued_by_id, task.ranking, task.penalty, task.evidence, task.frequency, task.app_id)


def task_json(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "metric": task.metric,
        "app": task.app_id,
        "issued_by": task.issued_by_id,
        "period_start": task.period_start.isoformat(),
        "period_end": task.period_end.isoformat(),
        "frequency": task.frequency,
        "ranking": task.ranking,
        "penalty": task.penalty,
        "evidence": task.evidence,
        "flags": [f.as_json() for f in task_flags(task_facts(task))],
    }


async def visible_tasks(user: User, on_day: date | None = None) -> list[Task]:
    query = Task.filter(await visible_task_filter(user))
    if on_day:
        query = query.filter(period_start__lte=on_day, period_end__gte=on_day)
    return await query.order_by("-period_start", "id")


async def visible_task_ids(user: User, task_ids: Iterable[Any]) -> set[int]:
    """Which of these ids name tasks the user may log against: one query for a whole batch.
    (A list, not a set, comes in: JSON true would collapse with task 1 in a set.)"""
    wanted = list({i for i in task_ids if isinstance(i, int) and not isinstance(i, bool)})
    if not wanted:
        return set()
    return set(await Task.filter(await visible_task_filter(user), id__in=wanted).values_list("id", flat=True))


async def visible_task(user: User, task_id: Any, field: str = "task") -> Task:
    if isinstance(task_id, bool) or not isinstance(task_id, int):
        raise InvalidInput({field: _("Unknown task.")})
    task = await Task.filter(await visible_task_filter(user)).get_or_none(id=task_id)
    if task is None:
        raise InvalidInput({field: _("Unknown task.")})
    return task
