"""The demo county: 青山县 with its townships, villages and grids, the shared scenarios, a few hundred
cadres and about three months of entries, outcomes and rosters, then the months that are due
published as the scheduler would. Deterministic for a given seed.

Here: `load_demo`, which puts them in one transaction in this order (one random generator, so the
order is part of the seed's meaning). `county` holds the county and its demands, `scenarios` the
shared cases, `people` the accounts and what they log, `output` what the loading prints.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

from argon2 import PasswordHasher
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server import db
from server.cli.demo.county import (
    APPS,
    COUNTY,
    OVERLOADED,
    Place,
    county_quotas,
    county_regions,
    county_tasks,
    save_regions,
)
from server.cli.demo.output import say
from server.cli.demo.people import create_people, entries_for, first_entry_day, rosters_and_outcomes
from server.cli.demo.scenarios import load_scenarios, scripted_progress
from server.config import Settings
from server.models import App, Region, Task, TimeEntry, User
from server.services import publication
from server.store.closure import rebuild_ancestors
from server.web import i18n
from server.web.parse import local_today

DEMO_PASSWORD = "jianfu-demo"
VOTE_COUNTER_VILLAGE = "420121101201"  # the scenario village whose quota gets the scripted readings


async def load_demo(settings: Settings, *, only_if_empty: bool = False, seed: int = 2024) -> None:
    """The demo into an empty store, then the months that are due published and the logins printed."""
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
            people, places, logins = await _fill(settings, today, rng, connection)
        say(
            f"done: {len(people)} cadres in {len(places)} villages and townships, "
            f"{await TimeEntry.all().count()} time entries"
        )
        await publication.publish_due(settings, today, say=say)
        say(f"demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in logins:
            say(f"  {username:<20} {role}")


async def _fill(
    settings: Settings, today: date, rng: random.Random, connection: BaseDBAsyncClient
) -> tuple[list[User], list[Place], list[tuple[str, str]]]:
    """Everything the demo holds: the places and their quotas, then the people and what they logged.
    Answers the cadres, the places they live in and the logins to print."""
    places, tasks, quotas, scenario_quotas = await _places_and_quotas(today, rng, connection)
    created_on = first_entry_day(today).replace(day=1) - timedelta(days=1)
    people, logins = await create_people(places, PasswordHasher().hash(DEMO_PASSWORD), created_on)
    await entries_for(people, {p.code for p in places if p.overloaded}, settings, today, rng, tasks)
    await rosters_and_outcomes(people, quotas, settings, today, rng)
    if scenario_quotas.get(VOTE_COUNTER_VILLAGE):
        await scripted_progress(scenario_quotas[VOTE_COUNTER_VILLAGE][0])
    return people, places, logins


async def _places_and_quotas(
    today: date, rng: random.Random, connection: BaseDBAsyncClient
) -> tuple[list[Place], list[Task], dict[str, list[int]], dict[str, list[int]]]:
    """The county's regions and apps, the scenarios, the closure over both, the county's tasks and quotas.

    Answers the places cadres live in (the county's villages, then the scenarios' regions with
    quotas), the county's tasks, every region's quota ids, and the scenarios' alone."""
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
    return places, tasks, quotas, scenario_quotas
