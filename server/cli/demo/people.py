"""The demo's people and what they log: accounts, about a hundred days of entries, and the rosters and
outcomes of the latest month that is due. Every account dates from before the first month with
entries, and every cadre logs on many days, so the demo's reporters are established (DESIGN.md §2)
honestly, not by exemption."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from server.cli.demo.county import COUNTY, USAGE, Place
from server.cli.demo.output import progress
from server.config import Settings
from server.domain import pseudonyms
from server.domain.periods import latest_due
from server.domain.vocab import ACTIVITIES, RESIDENT_USE
from server.models import App, Outcome, RosterItem, Task, TimeEntry, User

ENTRY_DAYS = 100  # three whole months are published whatever day the demo is loaded on


def first_entry_day(today: date) -> date:
    return today - timedelta(days=ENTRY_DAYS)


STAFF = [
    ("admin", "admin", None),
    ("supervisor", "supervisor", COUNTY[0]),
    ("supervisor-shiqiao", "supervisor", "360721105"),
    ("supervisor-meilin", "supervisor", "360721102"),
]


async def create_people(
    places: list[Place], password_hash: str, created_on: date
) -> tuple[list[User], list[tuple[str, str]]]:
    """Two cadres per village and one grid worker in its first grid (cadre001 in 石桥镇上坪村, reading
    Traditional), a cadre in each scenario village outside the county, an admin and supervisors."""
    cadres = _cadres(places)
    people = []
    for i, (username, role, region) in enumerate(STAFF + cadres, start=1):
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
        progress("accounts", i, len(STAFF) + len(cadres))
    grid_worker = next(u for u, _r, code in cadres if len(code) == 14)
    logins = [(u, r) for u, r, _region in STAFF] + [
        ("cadre001", "cadre, 石桥镇上坪村, reads Traditional Chinese"),
        ("cadre003", "cadre"),
        (grid_worker, "grid worker"),
    ]
    return people, logins


def _cadres(places: list[Place]) -> list[tuple[str, str, str]]:
    """(username, role, home) of every cadre, numbered so that cadre001 and cadre002 live in 石桥镇上坪村."""
    ordered = sorted(places, key=lambda p: p.code != "360721105201")
    homes = [p.code for p in ordered for _twice in range(2)]
    homes += [p.code + "01" for p in ordered if p.township]  # county villages have grids
    return [(f"cadre{n:03d}", "cadre", code) for n, code in enumerate(homes, start=1)]


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
        key = pseudonyms.reporter_key(settings.secret, person.id)
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
        key = pseudonyms.reporter_key(settings.secret, person.id)
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
                quota_ref=pseudonyms.quota_ref(settings.secret, quota_id),
                status=rng.choice(["met", "partly", "missed"]),
                means=means,
                cost_yuan=cost,
                reported_on=said_on,
            )
        progress("rosters and outcomes", i, len(people))
