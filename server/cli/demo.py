"""The demo county: 青山县 with its townships, villages and grids, the shared scenarios, a few hundred
cadres and about three months of entries, outcomes and rosters, then the months that are due
published as the scheduler would. Deterministic for a given seed.

Every account dates from before the first month with entries, and every cadre logs on many days,
so the demo's reporters are established (DESIGN.md §2) honestly, not by exemption.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from tortoise.transactions import in_transaction

from server import db
from server.config import PROJECT_ROOT, Settings
from server.domain.periods import latest_due, period_containing
from server.domain.regions import child_path
from server.domain.vocab import ACTIVITIES, RESIDENT_USE
from server.models import App, Outcome, ProgressPoint, Quota, Region, RosterItem, Task, TimeEntry, User
from server.services import publication
from server.store.closure import rebuild_ancestors
from server.web import auth, i18n
from server.web.parse import local_today

DEMO_PASSWORD = "jianfu-demo"
COUNTY = ("360721", "青山县")
TOWNSHIPS = [
    "城关镇",
    "梅林镇",
    "白沙乡",
    "龙潭镇",
    "石桥镇",
    "竹溪乡",
    "高田镇",
    "杨柳镇",
    "金山乡",
    "黄坑乡",
    "桃源镇",
    "水口镇",
]
OVERLOADED = {"360721105", "360721107", "360721111"}  # the townships that escalate and rank
VILLAGE_FIRST, VILLAGE_SECOND = "上下东西南北新老大小前后", "坪塘湾岭冲桥山坑洲垄田坝"
SCENARIOS = PROJECT_ROOT.parent / "shared" / "scenarios"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# (name, function, owner level, how residents use it: weights of none, rare, some, common)
APPS = [
    ("反诈助手", "anti_fraud", "province", (3, 4, 2, 1)),
    ("学习平台", "study", "province", (3, 4, 2, 1)),
    ("平安乡村", "public_security", "city", (6, 3, 1, 0)),
    ("网格通", "grid_management", "county", (2, 3, 3, 2)),
    ("河长巡河", "river_patrol", "province", (7, 2, 1, 0)),
    ("民政救助系统", "social_assistance", "province", (1, 2, 4, 3)),
    ("医保缴费", "medical_insurance", "province", (0, 1, 3, 6)),
    ("乡村振兴填报", "rural_revitalization", "city", (4, 4, 2, 0)),
    ("文明实践", "civilization", "county", (8, 2, 0, 0)),
    ("村务公开", "village_affairs", "county", (2, 4, 3, 1)),
]
USAGE = {name: weights for name, _f, _l, weights in APPS}


@dataclass
class Place:
    code: str
    township: str
    overloaded: bool


def say(text: str) -> None:
    print(f"[demo] {text}", flush=True)


def progress(label: str, done: int, total: int) -> None:
    if done == total or done % max(1, total // 10) == 0:
        print(f"[demo] {label}: {done}/{total} ({100 * done // max(total, 1)}%)", flush=True)


def county_regions(rng: random.Random) -> list[dict[str, Any]]:
    """Province, city and county, then townships, villages (communities) and grids below them.

    石桥镇 holds exactly the five villages of the escalation scenario, so that case sits in the county.
    """
    rows = [
        {"code": "360000", "parent": None, "level": "province", "name": "东部省", "population": 45_000_000},
        {"code": "360700", "parent": "360000", "level": "city", "name": "东部市", "population": 8_900_000},
    ]
    county = {"code": COUNTY[0], "parent": "360700", "level": "county", "name": COUNTY[1], "population": 0}
    rows.append(county)
    known = {r["code"]: r for r in scenario("escalation").get("regions", [])}
    for t, township_name in enumerate(TOWNSHIPS, start=101):
        code = f"{COUNTY[0]}{t}"
        township = {"code": code, "parent": COUNTY[0], "level": "township", "name": township_name, "population": 0}
        rows.append(township)
        villages = [r for r in known.values() if r["parent"] == code]
        if not villages:
            names = rng.sample([a + b + "村" for a in VILLAGE_FIRST for b in VILLAGE_SECOND], rng.randint(8, 13))
            villages = [
                {"code": f"{code}{v}", "name": n, "population": rng.randint(700, 6200)}
                for v, n in enumerate(names, start=201)
            ]
        for village in villages:
            population = village["population"]
            rows.append(
                {
                    "code": village["code"],
                    "parent": code,
                    "level": "village",
                    "name": village["name"],
                    "population": population,
                    "households": population // 3,
                }
            )
            township["population"] += population
            for g in range(1, rng.randint(2, 4) + 1):
                rows.append(
                    {
                        "code": f"{village['code']}{g:02d}",
                        "parent": village["code"],
                        "level": "grid",
                        "name": f"{village['name']}第{g}网格",
                        "population": population // 3,
                    }
                )
        county["population"] += township["population"]
    return rows


def scenario(name: str) -> dict[str, Any]:
    path = SCENARIOS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


async def save_regions(rows: list[dict[str, Any]]) -> None:
    paths: dict[str, str] = {r.code: r.path for r in await Region.all()}
    for i, row in enumerate(rows, start=1):
        path = child_path(paths.get(row["parent"]) if row["parent"] else None, row["code"])
        paths[row["code"]] = path
        fields = {k: row.get(k) for k in ("level", "name", "population", "households")}
        await Region.update_or_create(
            code=row["code"],
            defaults={**fields, "parent_id": row["parent"], "path": path, "name_hant": row.get("name_hant")},
        )
        progress("regions", i, len(rows))


def scenario_cases() -> list[dict[str, Any]]:
    """The scenarios that describe regions (the vote counter is a series only)."""
    cases = [scenario(p.stem) for p in sorted(SCENARIOS.glob("*.json"))] if SCENARIOS.exists() else []
    return [case for case in cases if "regions" in case]


async def load_scenarios(today: date) -> dict[str, list[int]]:
    """The shared scenarios' regions, apps, tasks and quotas; answers quota ids per region."""
    quotas_by_region: dict[str, list[int]] = {}
    cases = scenario_cases()
    for case in cases:
        await save_regions(case["regions"])
        apps = {}
        for app in case.get("apps", []):
            apps[app["key"]] = (
                await App.get_or_create(
                    name=app["name"],
                    defaults={
                        "function": app["function"],
                        "owner_level": app["owner_level"],
                        "owner_region_id": app.get("owner_region"),
                    },
                )
            )[0]
        tasks = {}
        for task in case.get("tasks", []):
            fields = {k: task[k] for k in ("title", "metric", "frequency", "ranking", "penalty", "evidence")}
            tasks[task["key"]] = await Task.create(
                **fields,
                issued_by_id=task["issued_by"],
                app=apps.get(task.get("app")),
                period_start=date.fromisoformat(task["period_start"]),
                period_end=date.fromisoformat(task["period_end"]),
            )
        for quota in case.get("quotas", []):
            saved = await Quota.create(
                task=tasks[quota["task"]],
                region_id=quota["region"],
                target=quota["target"],
                base=quota["base"],
                eligible=quota.get("eligible"),
                updated_on=today,
            )
            quotas_by_region.setdefault(quota["region"], []).append(saved.id)
    say(f"scenarios: {len(cases)} cases loaded")
    return quotas_by_region


async def county_tasks(today: date) -> list[Task]:
    """What the county and the overloaded townships demand in the current and previous month."""
    month = period_containing(today, "month")
    apps = {a.name: a for a in await App.all()}
    specs = [
        ("反诈助手注册", "registrations", "反诈助手", COUNTY[0], "weekly", "rectification_report", "screenshots"),
        ("学习平台每日学习时长", "study_time", "学习平台", COUNTY[0], "daily", "criticism", "screenshots"),
        ("每日巡河打卡", "check_ins", "河长巡河", COUNTY[0], "none", "score_deduction", "gps_trace"),
        ("乡村振兴数据填报", "forms", "乡村振兴填报", COUNTY[0], "none", "none", "none"),
        ("平安乡村转发", "reposts", "平安乡村", "360721105", "weekly", "criticism", "screenshots"),
        ("入户走访", "visits", None, "360721101", "none", "none", "photos"),
    ]
    tasks = []
    for period in (month.previous(), month):
        for title, metric, app, issuer, ranking, penalty, evidence in specs:
            tasks.append(
                await Task.create(
                    title=title,
                    metric=metric,
                    app=apps.get(app),
                    issued_by_id=issuer,
                    period_start=period.first,
                    period_end=period.last,
                    frequency="monthly",
                    ranking=ranking,
                    penalty=penalty,
                    evidence=evidence,
                )
            )
    return tasks


async def county_quotas(
    tasks: list[Task], places: list[Place], today: date, rng: random.Random
) -> dict[str, list[int]]:
    """Registration quotas: the county to each township, each township to its villages (raised in
    the overloaded ones)."""
    registration = [t for t in tasks if t.metric == "registrations"]
    villages = await Region.filter(code__in=[p.code for p in places]).values("code", "parent_id", "population")
    by_township: dict[str, list[dict]] = {}
    for village in villages:
        by_township.setdefault(village["parent_id"], []).append(village)
    quota_ids: dict[str, list[int]] = {}
    for task in registration:
        for township, members in by_township.items():
            population = sum(v["population"] for v in members)
            township_target = int(population * 0.3)
            await Quota.create(
                task=task, region_id=township, target=township_target, base="population", updated_on=today
            )
            raise_by = rng.uniform(1.3, 1.8) if township in OVERLOADED else rng.uniform(0.9, 1.0)
            for village in members:
                share = township_target * village["population"] / population * raise_by
                target = int(share * (3.2 if township in OVERLOADED and rng.random() < 0.15 else 1))
                saved = await Quota.create(
                    task=task, region_id=village["code"], target=max(1, target), base="population", updated_on=today
                )
                quota_ids.setdefault(village["code"], []).append(saved.id)
    return quota_ids


ENTRY_DAYS = 100  # three whole months are published whatever day the demo is loaded on


def first_entry_day(today: date) -> date:
    return today - timedelta(days=ENTRY_DAYS)


async def create_people(
    places: list[Place], password_hash: str, created_on: date
) -> tuple[list[User], list[tuple[str, str]]]:
    """Two cadres per village and one grid worker in its first grid (cadre001 in 石桥镇上坪村, reading
    Traditional), a cadre in each scenario village outside the county, an admin and supervisors."""
    staff = [
        ("admin", "admin", None),
        ("supervisor", "supervisor", COUNTY[0]),
        ("supervisor-shiqiao", "supervisor", "360721105"),
        ("supervisor-meilin", "supervisor", "360721102"),
    ]
    ordered = sorted(places, key=lambda p: p.code != "360721105201")
    homes = [p.code for p in ordered for _twice in range(2)]
    homes += [p.code + "01" for p in ordered if p.township]  # county villages have grids
    cadres = [(f"cadre{n:03d}", "cadre", code) for n, code in enumerate(homes, start=1)]
    people = []
    for i, (username, role, region) in enumerate(staff + cadres, start=1):
        user = await User.create(
            username=username,
            password_hash=password_hash,
            role=role,
            region_id=region,
            locale="zh-Hant" if username == "cadre001" else None,
            created_on=created_on,
        )
        if role == "cadre":
            people.append(user)
        progress("accounts", i, len(staff) + len(cadres))
    grid_worker = next(u for u, _r, code in cadres if len(code) == 14)
    logins = [(u, r) for u, r, _region in staff] + [
        ("cadre001", "cadre, 石桥镇上坪村, reads Traditional Chinese"),
        ("cadre003", "cadre"),
        (grid_worker, "grid worker"),
    ]
    return people, logins


def day_entries(rng: random.Random, key: str, day: date, heavy: bool, tasks: list[Task]) -> list[TimeEntry]:
    if day.weekday() == 6 and rng.random() < 0.7:
        return []
    task_ids = [t.id for t in tasks if t.period_start <= day <= t.period_end]
    entries = []
    for n in range(rng.randint(1, 4 if heavy else 2)):
        activity = rng.choice(ACTIVITIES[:6] if heavy else ACTIVITIES)
        minutes = int(rng.choice([15, 30, 30, 45, 60, 90, 120]) * (1.8 if heavy else 1))
        task = rng.choice(task_ids) if task_ids and rng.random() < 0.5 else None
        client_id = f"demo-{key[:8]}-{day.isoformat()}-{n}"
        entries.append(
            TimeEntry(
                reporter_key=key,
                client_id=client_id,
                body_hash="demo",
                date=day,
                received_on=day,
                minutes=minutes,
                activity=activity,
                task_id=task,
            )
        )
    return entries


async def entries_for(
    people: list[User], heavy_regions: set[str], settings: Settings, today: date, rng: random.Random, tasks: list[Task]
) -> None:
    days = [today - timedelta(days=d) for d in range(ENTRY_DAYS, 0, -1)]
    batch: list[TimeEntry] = []
    total = 0
    for i, person in enumerate(people, start=1):
        key = auth.reporter_key(settings.secret, person.id)
        for day in days:
            batch += day_entries(rng, key, day, person.region_id in heavy_regions, tasks)
        if len(batch) > 2000 or i == len(people):
            await TimeEntry.bulk_create(batch, batch_size=500)
            total += len(batch)
            batch = []
        progress(f"{ENTRY_DAYS} days of entries ({total} so far)", i, len(people))


async def rosters_and_outcomes(
    people: list[User], quotas: dict[str, list[int]], settings: Settings, today: date, rng: random.Random
) -> None:
    """Rosters confirmed and outcomes told during the latest month that is due, so its release has them."""
    apps = await App.all()
    month = latest_due(today, settings.publish_days)
    for i, person in enumerate(people, start=1):
        key = auth.reporter_key(settings.secret, person.id)
        said_on = month.first + timedelta(days=rng.randint(0, month.days - 1))
        for app in rng.sample(apps, min(len(apps), rng.randint(4, 10))):
            use = rng.choices(RESIDENT_USE, weights=USAGE.get(app.name, (2, 3, 3, 2)))[0]
            await RosterItem.create(reporter_key=key, app=app, resident_use=use, received_on=said_on)
        for quota_id in quotas.get(person.region_id, [])[:2]:
            bought = rng.random() < 0.3
            means = (
                "paid_service"
                if bought
                else rng.choice(["door_to_door", "own_accounts,door_to_door", "borrowed_phones"])
            )
            cost = Decimal(rng.randint(200, 4000)) if bought else None
            await Outcome.create(
                reporter_key=key,
                quota_ref=auth.quota_ref(settings.secret, quota_id),
                status=rng.choice(["met", "partly", "missed"]),
                means=means,
                cost_yuan=cost,
                reported_on=said_on,
            )
        progress("rosters and outcomes", i, len(people))


async def scripted_progress(quota_id: int) -> None:
    """The vote counter's scripted readings, so one quota shows the uniform-growth flag."""
    for point in scenario("vote-counter").get("scripted", []):
        await ProgressPoint.create(
            quota_id=quota_id, at=datetime.fromisoformat(point["at"]).replace(tzinfo=SHANGHAI), value=point["value"]
        )


async def load_demo(settings: Settings, *, only_if_empty: bool = False, seed: int = 2024) -> None:
    i18n.load_catalogs(settings.locales_dir)
    async with db.connect(settings.database_url):
        if await Region.exists():
            if only_if_empty:
                say("the store already holds regions: demo data not loaded again")
                return
            sys.exit("the store is not empty: demo data goes into an empty store only")
        rng, today = random.Random(seed), local_today(settings.timezone)
        say(f"loading the demo county {COUNTY[1]} (seed {seed})")
        async with in_transaction() as connection:
            await save_regions(county_regions(rng))
            for name, function, level, _usage in APPS:
                await App.create(name=name, function=function, owner_level=level)
            scenario_quotas = await load_scenarios(today)
            say(f"region ancestors: {await rebuild_ancestors(client=connection)} rows")
            villages = (
                await Region.filter(level="village", path__startswith=f"/360000/360700/{COUNTY[0]}/")
                .order_by("code")
                .values_list("code", "parent_id")
            )
            places = [Place(code, township, township in OVERLOADED) for code, township in villages]
            tasks = await county_tasks(today)
            quotas = await county_quotas(tasks, places, today, rng)
            places += [Place(code, "", False) for code in scenario_quotas if code not in quotas]
            for region, ids in scenario_quotas.items():
                quotas.setdefault(region, []).extend(ids)
            created_on = first_entry_day(today).replace(day=1) - timedelta(days=1)
            people, logins = await create_people(places, PasswordHasher().hash(DEMO_PASSWORD), created_on)
            await entries_for(people, {p.code for p in places if p.overloaded}, settings, today, rng, tasks)
            await rosters_and_outcomes(people, quotas, settings, today, rng)
            if scenario_quotas.get("420121101201"):
                await scripted_progress(scenario_quotas["420121101201"][0])
        say(
            f"done: {len(people)} cadres in {len(places)} villages and townships, "
            f"{await TimeEntry.all().count()} time entries"
        )
        await publication.publish_due(settings, today, say=say)
        say(f"demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in logins:
            say(f"  {username:<20} {role}")
