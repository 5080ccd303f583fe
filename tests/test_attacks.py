"""The publication issue's attacks (issue 10), replayed against the real pipeline.

Each test builds a tree of its own through POST /api/regions, has cadres send their rows through the
API during a frozen month (conftest.MONTH), publishes the month as the scheduler would on its day,
and then attacks it as a supervisor: only with what that supervisor's token reads (/api/burden,
/api/summaries, /api/flags, the dashboards, the tasks and apps lists), solved exactly by the
independent reader of tests/linear_attack.py (through tests/attack_reader.py). Where it can, a test
first shows that the attack would work without the protection (the naive difference is the planted
value, or the reader pins it down in a release that applies the per-cell rule alone), then that the
published figures do not give it.

Attack 10 (a copy of the store without the secret) is tests/test_store_copy.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import httpx
import pytest
import time_machine
from attack_reader import (
    FAMILY,
    Plant,
    Truth,
    api_system,
    entry_tables,
    leaks,
    naive_system,
    read_cell,
    read_month,
    release_system,
)
from conftest import (
    AFTER,
    DURING,
    LONG_AGO,
    MONTH,
    PASSWORD,
    PUBLISHED,
    SECRET,
    add_user,
    bearer,
    clear_store,
    publish_month,
)
from hypothesis import HealthCheck, example, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from server.app import create_app
from server.config import Settings
from server.domain.vocab import ACTIVITIES, RESIDENT_USE
from server.models import User
from server.store.release import forget_months
from server.web import auth

DAYS = [MONTH.first + timedelta(days=d) for d in range(MONTH.days)]
COUNTY = "510101"
DURING_DAY = date(2026, 3, 31)  # conftest.DURING as a local date: accounts made then are this month's


async def start(client: httpx.AsyncClient) -> Plant:
    await add_user("root", "admin", None)
    return Plant(client, await bearer(client, "root"))


async def supervisor_of(client: httpx.AsyncClient, region: str) -> dict[str, str]:
    await add_user(f"sup{region}", "supervisor", region)
    return await bearer(client, f"sup{region}")


def township(n: int) -> str:
    return f"{COUNTY}{n:03d}"


def village(t: int, v: int) -> str:
    return f"{township(t)}{200 + v}"


async def tree(plant: Plant, villages: dict[int, int]) -> None:
    """A county (no parent) with townships 1.. and their villages."""
    rows = [{"code": COUNTY, "parent": None, "level": "county", "name": "试点县"}]
    for t, count in villages.items():
        rows.append({"code": township(t), "parent": COUNTY, "level": "township"})
        rows += [{"code": village(t, v), "parent": township(t), "level": "village"} for v in range(1, count + 1)]
    await plant.regions(rows)


async def task(plant: Plant, title: str, issued_by: str = COUNTY) -> int:
    body = {
        "title": title,
        "metric": "registrations",
        "issued_by": issued_by,
        "period_start": MONTH.first.isoformat(),
        "period_end": MONTH.last.isoformat(),
        "frequency": "monthly",
        "ranking": "none",
        "penalty": "none",
        "evidence": "none",
    }
    answer = await plant.client.post("/api/tasks", json=body, headers=plant.admin)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def quota(plant: Plant, task_id: int, region: str, target: int = 10) -> int:
    answer = await plant.client.post(
        "/api/quotas",
        json={"task": task_id, "region": region, "target": target, "base": "population"},
        headers=plant.admin,
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["id"]


async def app(plant: Plant, name: str) -> int:
    answer = await plant.client.post(
        "/api/apps", json={"name": name, "function": "other", "owner_level": "province"}, headers=plant.admin
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["id"]


def spread(count: int, t: int, villages: int) -> list[str]:
    """Homes for `count` cadres over the first villages of township t."""
    return [village(t, 1 + i % villages) for i in range(count)]


async def staff(
    plant: Plant,
    prefix: str,
    homes: list[str],
    work=lambda i: [(60, "data_entry", None)],
    days=(DAYS[1], DAYS[8]),
    created_on: date = LONG_AGO,
) -> list[str]:
    """Cadres named prefix0, prefix1... at these homes, each logging work(i) on each of the days."""
    names = []
    for i, home in enumerate(homes):
        name = f"{prefix}{i}"
        await plant.cadre(name, home, created_on)
        await plant.log(
            name, [(day, minutes, activity, task_id) for day in days for minutes, activity, task_id in work(i)]
        )
        names.append(name)
    return names


def attacked(found: list[str]) -> str:
    return "the reader pinned down:\n" + "\n".join(found)


# 1. Fake accounts ------------------------------------------------------------------------------


async def test_supervisors_make_no_reporters_and_accounts_made_this_month_do_not_count_towards_k(
    client, settings, during_month
):
    """A township with one real, established cadre; nine accounts made this month (five by the
    admin, four through the real cadre's own invite) log backdated entries on two days of the
    month. The township has ten reporters but one established: it stays hidden, and nothing the
    county's supervisor reads gives the real cadre's 274 minutes of check-ins."""
    plant = await start(client)
    await tree(plant, {1: 1, 2: 1, 3: 1})
    supervisor = await supervisor_of(client, COUNTY)
    invite = await client.post(
        "/api/invites", json={"region": village(1, 1), "uses": 9, "expires": "2026-04-30"}, headers=supervisor
    )
    user = await client.post(
        "/api/users",
        json={"username": "fake-by-sup", "password": PASSWORD, "role": "cadre", "region": village(1, 1)},
        headers=supervisor,
    )
    assert (invite.status_code, invite.json()["error"]["code"], user.status_code, user.json()["error"]["code"]) == (
        403,
        "forbidden",
        403,
        "forbidden",
    )

    await staff(plant, "real", [village(1, 1)], lambda i: [(137, "check_in", None)])
    await staff(plant, "other", spread(12, 2, 1) + spread(14, 3, 1), lambda i: [(60, "data_entry", None)])
    backdated = (DAYS[1], DAYS[8])  # days past, sent at the month's end
    for n in range(5):
        made = await client.post(
            "/api/users",
            json={"username": f"fake{n}", "password": PASSWORD, "role": "cadre", "region": village(1, 1)},
            headers=plant.admin,
        )
        assert made.status_code == 201, made.text
        token = await auth.issue_token(await User.get(username=f"fake{n}"), 30)
        plant.adopt(f"fake{n}", village(1, 1), DURING_DAY, {"authorization": f"Bearer {token}"})
    real_invite = await client.post(
        "/api/invites",
        json={"region": village(1, 1), "uses": 4, "expires": "2026-04-30"},
        headers=plant.cadres["real0"].headers,
    )
    assert real_invite.status_code == 201, real_invite.text
    for n in range(5, 9):
        signed = await client.post(
            "/api/signup", json={"code": real_invite.json()["code"], "username": f"fake{n}", "password": PASSWORD}
        )
        assert signed.status_code == 201, signed.text
        plant.adopt(f"fake{n}", village(1, 1), DURING_DAY, {"authorization": f"Bearer {signed.json()['token']}"})
    for n in range(9):
        await plant.log(f"fake{n}", [(day, 30, "check_in", None) for day in backdated])
    await publish_month(settings)
    during_month.move_to(AFTER)
    truth = plant.truth(MONTH, settings.k, settings.min_level)

    # Were the nine counted, the township would show ten reporters, and its minutes minus the
    # fakes' own would be the real cadre's.
    fakes = sum(e.minutes for e in plant.entries if e.cadre.startswith("fake"))
    assert truth.value("cell", "reporters", township(1)) == (10, (1,))
    assert truth.figure("cell", "minutes", township(1))[0] - fakes == 274

    reading = await read_month(client, supervisor, COUNTY, MONTH)
    assert (reading.burden[township(1)]["suppressed"], reading.burden[township(1)]["reporters"]) == (True, None)
    assert reading.burden[COUNTY]["reporters"] == 36  # everyone's entries count in the figures
    own_staff = plant.own_staff(settings.min_level)
    found = leaks(api_system(reading, own_staff), truth, sums=(FAMILY,)) + leaks(
        await release_system(reading, own_staff), truth, sums=(FAMILY,)
    )
    assert not found, attacked(found)


async def test_a_no_from_a_cadre_who_is_not_established_is_not_given_away(client, settings, during_month):
    """The county's one cadre of its own logs no time (so is not established) but reports meeting a
    quota door to door: no fabrication, no yuan. Each township has twelve established cadres who
    say how they met theirs (four and five paid). The county's fabricated and yuan minus its
    townships' is that cadre's 0: it rests on nobody established, yet it is one person's answer
    (had they paid, the remainder would not be 0 and would have hidden), so it must not be shown."""
    plant = await start(client)
    await tree(plant, {1: 1, 2: 1})
    quota_task = await task(plant, "注册指标")
    names = await staff(plant, "a", spread(12, 1, 1)) + await staff(plant, "b", spread(12, 2, 1))
    for i, name in enumerate(names):
        paid = i % 12 < 4 + i // 12
        home = plant.cadres[name].region
        await plant.outcome(
            name,
            await quota(plant, quota_task, home),
            ("paid_service",) if paid else ("door_to_door",),
            100 if paid else 0,
        )
    await plant.cadre("own", COUNTY)
    await plant.outcome("own", await quota(plant, quota_task, COUNTY), ("door_to_door",))
    await publish_month(settings)
    during_month.move_to(AFTER)
    truth = plant.truth(MONTH, settings.k, settings.min_level)
    assert truth.figure("own", "paid_yuan", COUNTY) == (0, frozenset({"own"}))
    assert truth.value("cell", "paid_yuan", COUNTY) == (900, (24, 9, 15))

    reading = await read_month(client, await supervisor_of(client, COUNTY), COUNTY, MONTH, dashboards=False)
    # Every cell shows (12 established reporters a township): the API prints the yuan wherever it shows.
    assert [reading.burden[c]["reporters"] for c in (COUNTY, township(1), township(2))] == [24, 12, 12]
    own_staff = plant.own_staff(settings.min_level)
    found = leaks(api_system(reading, own_staff), truth, sums=(FAMILY,)) + leaks(
        await release_system(reading, own_staff), truth, sums=(FAMILY,)
    )
    assert not found, attacked(found)


# 2. Parent minus children on per-source figures ------------------------------------------------


@dataclass
class Uneven:
    """The uneven county: its tasks and apps, and what one cadre (the target) did alone."""

    lone_task: int
    quota_task: int
    zombie: int


async def uneven_county(plant: Plant, k: int) -> Uneven:
    """Townships of k-1, k, 2k-1 and 2k+5 cadres and one with none; 3 cadres of the county's own;
    one of the 2k-1 township's cadres on the township's own staff. In the 2k-1 township one cadre,
    the target, alone spends 185 minutes on a task, 45 on check-ins and 95 on evidence, pays 800
    yuan for a quota and says residents never use app Z; the others of the county who do the same
    are whole townships of k or more."""
    await tree(plant, {1: 2, 2: 3, 3: 2, 4: 2, 5: 1})
    lone, quota_task = await task(plant, "专项台账"), await task(plant, "注册指标")
    common, zombie = await app(plant, "政务通"), await app(plant, "僵尸APP")

    async def cadres(prefix: str, homes: list[str], work, outcome=None, roster=None) -> None:
        for name in await staff(plant, prefix, homes, work):
            i = int(name.removeprefix(prefix))
            if outcome and outcome(i):
                means, yuan = outcome(i)
                await plant.outcome(name, await quota(plant, quota_task, plant.cadres[name].region), means, yuan)
            if roster:
                await plant.roster(name, roster(i))

    await cadres("own", [COUNTY] * 3, lambda i: [(60, "meeting", None)])
    await cadres("small", spread(k - 1, 1, 2), lambda i: [(120, "data_entry", None)])
    payers = max(k, 6)
    await cadres(
        "exact",
        spread(k, 2, 3),
        lambda i: [(15, "data_entry", lone), (5, "evidence", None)],
        outcome=lambda i: (("paid_service",), 50) if i < 3 else (("door_to_door",), 0) if i < payers else None,
        roster=lambda i: {common: "some"},
    )
    await cadres(
        "big",
        spread(2 * k + 5, 4, 2),
        lambda i: [(30, "data_entry", lone), (5, "evidence", None)] + ([(10, "check_in", None)] if i < k + 2 else []),
        outcome=lambda i: (("paid_service",), 100) if i < 4 else (("door_to_door",), 0) if i < k + 2 else None,
        roster=lambda i: {common: "some", zombie: "common"},
    )
    # The 2k-1 township: the target, 2k-3 others in its villages, and one on the township's staff.
    await cadres(
        "mid",
        [township(3)] + spread(2 * k - 3, 3, 2),
        lambda i: [(45, "data_entry", None)],
        roster=lambda i: {common: "rare"},
    )
    await plant.cadre("target", village(3, 1))
    await plant.log(
        "target",
        [
            (DAYS[1], 92, "registration_drive", lone),
            (DAYS[1], 23, "check_in", None),
            (DAYS[1], 47, "evidence", None),
            (DAYS[8], 93, "registration_drive", lone),
            (DAYS[8], 22, "check_in", None),
            (DAYS[8], 48, "evidence", None),
        ],
    )
    await plant.outcome("target", await quota(plant, quota_task, village(3, 1)), ("paid_service",), 800)
    await plant.roster("target", {common: "some", zombie: "none"})
    return Uneven(lone, quota_task, zombie)


TOWNSHIP_LEVEL = {"k": 10, "min_level": "township"}
VILLAGE_LEVEL = {"k": 5, "min_level": "village"}


@pytest.mark.parametrize("config", [TOWNSHIP_LEVEL, VILLAGE_LEVEL], ids=["townships-k10", "villages-k5"])
async def test_parent_minus_children_gives_no_one_away(store, during_month, config):
    settings = Settings(database_url=store, secret=SECRET, **config)
    app_ = create_app(settings, manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_), base_url="http://jianfu.test") as client:
        plant = await start(client)
        case = await uneven_county(plant, settings.k)
        await publish_month(settings)
        during_month.move_to(AFTER)
        truth = plant.truth(MONTH, settings.k, settings.min_level)
        own_staff = plant.own_staff(settings.min_level)
        target = township(3) if settings.min_level == "township" else village(3, 1)

        # Without complementary suppression the subtraction works: the county's figure minus the
        # townships big enough to show their own is the target's, planted value for planted value.
        def naive(table: str) -> Fraction:
            shown = [t for t in (township(2), township(4)) if truth.value("cell", table, t)[1][0] >= settings.k]
            return truth.value("cell", table, COUNTY)[0] - sum(truth.value("cell", table, t)[0] for t in shown)

        assert naive(f"task:{case.lone_task}") == 185
        assert naive("category:check_in") == 45 and naive("evidence") == 95
        assert naive("paid_yuan") == 800 and naive("fabricated") == 1
        assert naive(f"app:{case.zombie}:none") == 1
        tables, relations = entry_tables([case.lone_task, case.quota_task])
        tables += ["outcomes", "fabricated", "paid_yuan"]
        assert leaks(naive_system(truth, tables, relations, own_staff), truth), (
            "the per-cell rule alone should give the target away"
        )

        # What the supervisor of the county reads gives nothing about anyone.
        supervisor = await supervisor_of(client, COUNTY)
        reading = await read_month(client, supervisor, COUNTY, MONTH)
        assert set(reading.parents) == set(truth.parents)
        found = leaks(api_system(reading, own_staff), truth, sums=(FAMILY,))
        assert not found, attacked(found)
        # ... nor would every figure the release stores, were some page to print them all.
        found = leaks(await release_system(reading, own_staff), truth, sums=(FAMILY,))
        assert not found, attacked(found)
        # The naive subtraction itself lacks a term: the county's or a shown township's figure.
        county, shown = reading.summaries[COUNTY], [reading.summaries[t] for t in (township(2), township(4))]
        assert None in [task_minutes(county, case.lone_task)] + [task_minutes(s, case.lone_task) for s in shown]
        assert None in [county["indices"]["paid_yuan"]] + [s["indices"]["paid_yuan"] for s in shown]
        assert (
            reading.summaries[target]["suppressed"] or task_minutes(reading.summaries[target], case.lone_task) is None
        )


def task_minutes(report: dict, task_id: int) -> float | None:
    listed = [t["hours"] for t in ((report.get("top_sources") or {}).get("tasks") or []) if t["id"] == task_id]
    return listed[0] * 60 if listed else None


async def test_minutes_minus_the_shown_categories_give_no_one_away(client, settings, during_month):
    """A cell's minutes are its categories' parent, as a county is its townships': minutes minus
    the shown categories is the sum of the hidden ones, and must not rest on fewer than k cadres.

    In a township of 19 cadres, 18 only enter data (45 minutes on each of two days); one, the
    target, alone does check-ins: 161 minutes on each of two days. Check-ins (1 cadre) hide, and so
    do the empty categories (no single one is then solvable, so the auditor is content); the
    township's minutes show (19 cadres). Were data entry (18) shown too, the township's hours per
    cadre a week, its cost and data entry's share would pin its minutes to 1942, and minus data
    entry's 1620 that is the target's 322 minutes of check-ins. The minutes minus the shown
    categories is a remainder like a parent minus its shown children: data entry hides with it."""
    plant = await start(client)
    await tree(plant, {1: 2, 2: 1, 3: 1})
    await staff(plant, "entry", spread(18, 1, 2), lambda i: [(45, "data_entry", None)])
    await staff(plant, "target", [village(1, 1)], lambda i: [(161, "check_in", None)])
    await staff(plant, "other", spread(12, 2, 1) + spread(11, 3, 1), lambda i: [(60, "data_entry", None)])
    await publish_month(settings)
    during_month.move_to(AFTER)
    truth = plant.truth(MONTH, settings.k, settings.min_level)
    assert truth.value("cell", "category:check_in", township(1)) == (322, (1,))
    reading = await read_month(client, await supervisor_of(client, COUNTY), COUNTY, MONTH, dashboards=False)
    body = reading.summaries[township(1)]
    assert (
        body["reporters"],
        body["categories"]["check_in"]["hours"],
        body["categories"]["duplicate_reporting"]["hours"],
    ) == (19, None, None)
    cell = read_cell(reading.burden[township(1)], MONTH, Fraction(25))
    hidden_sum = cell["minutes"] - sum(v for t, v in cell.items() if t.startswith("category:"))
    assert hidden_sum != 322, "minutes minus the shown categories is the target's 322 minutes of check-ins"
    found = leaks(api_system(reading, plant.own_staff(settings.min_level)), truth)
    assert not found, attacked(found)


# 3, 4, 6, 7. Weeks, late uploads, moved villages ----------------------------------------------


async def small_county(plant: Plant, k: int) -> None:
    """Township 1: k+2 cadres and one alone in its second village; township 2: k+3; township 3:
    2 (hidden); 2 of the county's own staff."""
    await tree(plant, {1: 2, 2: 2, 3: 1})
    await staff(plant, "a", spread(k + 2, 1, 1), lambda i: [(50 + i, "data_entry", None), (10, "evidence", None)])
    await staff(plant, "lone", [village(1, 2)], lambda i: [(77, "check_in", None)])
    await staff(plant, "b", spread(k + 3, 2, 2), lambda i: [(40, "data_entry", None), (20, "meeting", None)])
    await staff(plant, "c", spread(2, 3, 1), lambda i: [(90, "study", None)])
    await staff(plant, "own", [COUNTY, COUNTY], lambda i: [(30, "meeting", None)])


async def test_weeks_and_other_periods_are_never_published_to_a_supervisor(client, settings, during_month):
    """No week (nor a quarter, a year or a day) for a month minus its weeks to work on: 422 everywhere."""
    plant = await start(client)
    await small_county(plant, settings.k)
    await publish_month(settings)
    during_month.move_to(AFTER)
    supervisor = await supervisor_of(client, COUNTY)
    for period in ("2026-W10", "2026-W13", "2026-Q1", "2026", "2026-03-01"):
        for url in (
            f"/api/burden/{COUNTY}",
            f"/api/flags/{COUNTY}",
            f"/api/summaries/{COUNTY}",
            f"/api/summaries/{COUNTY}.csv",
            f"/dashboard/{COUNTY}",
            f"/api/burden/{township(1)}",
        ):
            answer = await client.get(f"{url}?period={period}", headers=supervisor)
            assert answer.status_code == 422, (url, period, answer.status_code)
            assert "reporters" not in answer.text and "hours" not in answer.text.lower()
    assert (await client.get(f"/api/burden/{COUNTY}?period={MONTH.key}", headers=supervisor)).status_code == 200


async def test_a_late_upload_counts_in_no_published_month(client, settings, during_month):
    """Entries dated in the month but received on its publication day or later: the release (made
    late, on the next day) leaves them out, and after publication nothing changes."""
    plant = await start(client)
    await small_county(plant, settings.k)
    supervisor = await supervisor_of(client, COUNTY)
    during_month.move_to(AFTER)  # 8 April: the month was due on the 7th, the job has not run yet
    await staff(plant, "late", [village(3, 1)], lambda i: [(600, "evidence", None)])
    await plant.log("a0", [(DAYS[20], 300, "evidence", None)])
    await publish_month(settings, today=PUBLISHED + timedelta(days=1))
    truth = plant.truth(MONTH, settings.k, settings.min_level)
    everything = Truth.of(plant, MONTH, settings.k, settings.min_level, cutoff=PUBLISHED + timedelta(days=30))
    # Were late rows counted, the county's minutes would grow by exactly the late cadre's 1200 and a0's 300.
    assert everything.figure("cell", "minutes", COUNTY)[0] - truth.figure("cell", "minutes", COUNTY)[0] == 1500
    first = await read_month(client, supervisor, COUNTY, MONTH)
    county = first.summaries[COUNTY]
    assert county["reporters"] == truth.figure("cell", "reporters", COUNTY)[0] == 2 * settings.k + 10
    own_staff = plant.own_staff(settings.min_level)
    found = leaks(api_system(first, own_staff), truth, sums=(FAMILY,)) + leaks(
        await release_system(first, own_staff), truth, sums=(FAMILY,)
    )
    assert not found, attacked(found)
    # After publication: more late rows, a restart (only the store remembers): the same figures.
    await staff(plant, "later", [village(1, 2)] * 3, lambda i: [(200, "check_in", None)])
    await plant.log("lone0", [(DAYS[25], 100, "check_in", None)])
    forget_months()
    again = await read_month(client, supervisor, COUNTY, MONTH)
    assert again.figures() == first.figures()


async def test_a_village_moved_after_publication_changes_nothing(village_client, village_settings, during_month):
    """Villages are published (k = 5). After publication the lone cadre's village moves to
    township 2: every figure of the month reads as before, for the county and both townships."""
    plant = await start(village_client)
    await small_county(plant, village_settings.k)
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    supervisors = {code: await supervisor_of(village_client, code) for code in (COUNTY, township(1), township(2))}
    before = await read_month(village_client, supervisors[COUNTY], COUNTY, MONTH)
    own = {code: await read_root(village_client, headers, code) for code, headers in supervisors.items()}
    truth = plant.truth(MONTH, village_settings.k, village_settings.min_level)
    found = leaks(api_system(before, plant.own_staff("village")), truth, sums=(FAMILY,))
    assert not found, attacked(found)
    await plant.regions([{"code": village(1, 2), "parent": township(2), "level": "village"}])
    # Recomputed on today's tree, township 1 would lose exactly the lone cadre's 154 minutes.
    moved_tree = plant.truth(MONTH, village_settings.k, village_settings.min_level)
    assert truth.figure("cell", "minutes", township(1))[0] - moved_tree.figure("cell", "minutes", township(1))[0] == 154
    forget_months()
    after = await read_month(village_client, supervisors[COUNTY], COUNTY, MONTH)
    assert (after.figures(), after.parents) == (before.figures(), before.parents)
    for code, headers in supervisors.items():
        assert await read_root(village_client, headers, code) == own[code], code
    # Who may read the village follows today's tree; what was published about it does not move.
    moved = f"/api/burden/{village(1, 2)}?period={MONTH.key}"
    assert (await village_client.get(moved, headers=supervisors[township(1)])).status_code == 404
    assert (await village_client.get(moved, headers=supervisors[township(2)])).json() == before.burden[village(1, 2)]
    assert village(1, 2) not in [c["region"]["code"] for c in own[township(2)]["burden"]["children"]]


async def read_root(client: httpx.AsyncClient, headers: dict[str, str], code: str) -> dict:
    """A supervisor's own region: its summary (children included), document and flags."""
    period = f"period={MONTH.key}"
    return {
        name: (await client.get(f"{url}/{code}?{period}", headers=headers)).json()
        for name, url in (("burden", "/api/burden"), ("summary", "/api/summaries"), ("flags", "/api/flags"))
    }


# 5. Outcomes and rosters count in the month they are received ---------------------------------

APRIL = MONTH.following()
APRIL_DAYS = [APRIL.first + timedelta(days=d) for d in range(APRIL.days)]


async def test_outcomes_and_rosters_count_once_in_the_month_received_and_months_share_nothing(
    client, settings, during_month
):
    """March: twelve cadres of township 1 report how they met their quotas (four paid 100 yuan) and
    confirm their rosters. On 20 April the target, one of them, reports paying 800 yuan and says
    residents never use app Z. A snapshot of everything said so far, taken at each publication,
    would differ by the target's answers alone; the releases count each answer in the month it was
    received, so April's figures come from April's answers only and March's never change."""
    plant = await start(client)
    await tree(plant, {1: 2, 2: 1, 3: 1})
    quota_task = await task(plant, "注册指标")
    common, zombie = await app(plant, "政务通"), await app(plant, "僵尸APP")
    quotas = {v: await quota(plant, quota_task, v) for v in (village(1, 1), village(1, 2))}
    both_months = (DAYS[1], DAYS[8])
    names = await staff(plant, "a", spread(12, 1, 2), lambda i: [(60, "data_entry", None)], days=both_months)
    names += await staff(
        plant, "b", spread(12, 2, 1) + spread(11, 3, 1), lambda i: [(45, "data_entry", None)], days=both_months
    )
    for i, name in enumerate(names[:12]):
        await plant.outcome(
            name,
            quotas[plant.cadres[name].region],
            ("paid_service",) if i < 4 else ("door_to_door",),
            100 if i < 4 else 0,
        )
        await plant.roster(name, {common: "some", zombie: "common"})
    await publish_month(settings)
    during_month.move_to(AFTER)
    supervisor = await supervisor_of(client, COUNTY)
    march = await read_month(client, supervisor, COUNTY, MONTH)
    march_truth = plant.truth(MONTH, settings.k, settings.min_level)  # before April replaces a4's answers in the store
    assert march.burden[township(1)]["indices"]["paid_yuan"] == 400

    # April: everyone logs again; the target (a4, paid nothing in March) now says 800 yuan and app Z is unused.
    during_month.move_to(datetime(2026, 4, 20, 4, 0, tzinfo=UTC))
    for name in names:
        await plant.log(name, [(APRIL_DAYS[1], 50, "data_entry", None), (APRIL_DAYS[2], 50, "data_entry", None)])
    await plant.outcome("a4", quotas[plant.cadres["a4"].region], ("paid_service",), 800)
    await plant.roster("a4", {common: "some", zombie: "none"})
    # Snapshots of all that was said would give the target away: the new one minus the old one.
    said_by_march = sum(o.yuan for o in plant.outcomes.values() if o.cadre != "a4")  # a4 paid nothing in March
    said_by_april = sum(o.yuan for o in plant.outcomes.values())
    assert said_by_april - said_by_march == 800
    await publish_month(settings, APRIL, today=date(2026, 5, 7))
    during_month.move_to(datetime(2026, 5, 8, 4, 0, tzinfo=UTC))
    forget_months()
    supervisor = await bearer(client, f"sup{COUNTY}")  # a month on, the first login has expired

    assert (await read_month(client, supervisor, COUNTY, MONTH)).figures() == march.figures()
    april = await read_month(client, supervisor, COUNTY, APRIL)
    april_truth = plant.truth(APRIL, settings.k, settings.min_level)
    # April holds April's answers only: one outcome and one roster, hidden; no yuan of March.
    assert april_truth.value("cell", "paid_yuan", COUNTY) == (800, (1, 1, 0))
    assert april_truth.value("cell", "roster_reporters", COUNTY) == (1, (1,))
    assert [april.burden[c]["indices"]["paid_yuan"] for c in (COUNTY, township(1))] == [None, None]
    assert [april.burden[c]["indices"]["apps_per_reporter"] for c in (COUNTY, township(1))] == [None, None]
    assert april.burden[COUNTY]["reporters"] == 35
    own_staff = plant.own_staff(settings.min_level)
    march_system = api_system(march, own_staff)
    april_system = api_system(april, own_staff, previous=march_system)
    # The change against March is read too: it carries March's minutes into April's, to the minute.
    assert (
        april_system[1]["minutes"][COUNTY]
        == march_system[1]["minutes"][COUNTY] + round(april.burden[COUNTY]["change"]["hours"] * 60)
        == 35 * 100
    )
    for system, reading, truth in ((march_system, march, march_truth), (april_system, april, april_truth)):
        found = leaks(system, truth, sums=(FAMILY,)) + leaks(
            await release_system(reading, own_staff), truth, sums=(FAMILY,)
        )
        assert not found, attacked(found)


# 8. Another k ----------------------------------------------------------------------------------


@pytest.mark.parametrize("other", [{"k": 7}, {"k": 12, "min_level": "village"}, {"k": 5, "wage": 40.0}])
async def test_another_k_reads_the_same_published_month(client, settings, during_month, store, other):
    plant = await start(client)
    await small_county(plant, settings.k)
    await publish_month(settings)
    during_month.move_to(AFTER)
    supervisor = await supervisor_of(client, COUNTY)
    first = await read_month(client, supervisor, COUNTY, MONTH)
    restarted = create_app(Settings(database_url=store, secret=SECRET, **other), manage_store=False)
    forget_months()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=restarted), base_url="http://jianfu.test") as http:
        again = await read_month(http, supervisor, COUNTY, MONTH)
    assert (again.figures(), again.parents) == (first.figures(), first.parents)


# 9. Flags belong to the release ----------------------------------------------------------------


async def test_flags_are_frozen_with_the_release_and_name_no_village(client, settings, during_month):
    """The county asks township 1 for 1500 registrations; the township passes 1200 to each of its
    villages (1000 people each). Live, the quotas' own flags name the villages; the release files
    them under the township that set the targets. Quotas posted after publication, that would flag
    more places, change none of the month's flags."""
    plant = await start(client)
    await small_county(plant, settings.k)
    body = {
        "title": "反诈注册",
        "metric": "registrations",
        "issued_by": COUNTY,
        "period_start": MONTH.first.isoformat(),
        "period_end": MONTH.last.isoformat(),
        "frequency": "once",
        "ranking": "weekly",
        "penalty": "rectification_report",
        "evidence": "screenshots",
    }
    ranked = (await client.post("/api/tasks", json=body, headers=plant.admin)).json()["id"]
    await quota(plant, ranked, township(1), 1500)
    live = [
        await client.post(
            "/api/quotas",
            json={"task": ranked, "region": village(1, v), "target": 1200, "base": "population"},
            headers=plant.admin,
        )
        for v in (1, 2)
    ]
    # Without the release, the quota's flags name the village that received the target.
    assert {village(1, 1), village(1, 2)} <= {f["region"] for answer in live for f in answer.json()["flags"]}
    await publish_month(settings)
    during_month.move_to(AFTER)
    supervisor = await supervisor_of(client, COUNTY)
    first = await read_month(client, supervisor, COUNTY, MONTH)
    flags = [f for found in first.flags.values() for f in found]
    assert {"escalation", "exceeds_base"} <= {f["kind"] for f in flags}
    villages = {code for code, level in plant.levels.items() if level == "village"}
    named = {f["region"] for f in flags} | {
        link["region"] for f in flags for link in (f["detail"] or {}).get("chain", [])
    }
    assert named and not named & villages, named
    assert not [v for v in villages if f"地{v}" in repr(first.flags)], "a village's name is in a flag"
    assert {
        (await client.get(f"/api/flags/{v}?period={MONTH.key}", headers=supervisor)).status_code
        for v in sorted(villages)
    } == {404}

    # After publication: targets that would raise new flags, live, change nothing in the month.
    more = await client.post(
        "/api/quotas",
        json={"task": ranked, "region": village(2, 1), "target": 5000, "base": "population"},
        headers=plant.admin,
    )
    assert village(2, 1) in [f["region"] for f in more.json()["flags"] if f["kind"] == "exceeds_base"]
    await quota(plant, ranked, township(3), 9000)
    await quota(plant, ranked, village(1, 1), 2000)
    forget_months()
    again = await read_month(client, supervisor, COUNTY, MONTH)
    assert again.flags == first.flags and again.figures() == first.figures()


# The property: generated counties ---------------------------------------------------------------

K = 5
SIZES = [0, 0, 0, K - 1, K - 1, K - 1, K, K, K, 2 * K - 1, 2 * K - 1, 1, 2]  # weight on 0, k-1, k and 2k-1


@st.composite
def counties(draw):
    """2-5 townships of 1-4 villages, cadres per village mostly 0, k-1, k or 2k-1, some own staff
    at the county and the townships; and a seed for what each cadre logs and says."""
    townships = draw(st.lists(st.lists(st.sampled_from(SIZES), min_size=1, max_size=4), min_size=2, max_size=5))
    own = draw(
        st.lists(st.sampled_from([0, 0, 0, 1, 2, K - 1]), min_size=len(townships) + 1, max_size=len(townships) + 1)
    )
    return {
        "townships": townships,
        "own": own,
        "min_level": draw(st.sampled_from(["township", "village"])),
        "seed": draw(st.integers(0, 2**32)),
    }


async def minted(name: str, role: str, region: str | None) -> dict[str, str]:
    return {"authorization": f"Bearer {await auth.issue_token(await add_user(name, role, region), 400)}"}


@pytest.fixture
def sqlite_store(migrated: str) -> str:
    """The store of the property below, skipped on PostgreSQL before hypothesis runs anything (a
    skip inside the test would be reported as its explicit example failing)."""
    if migrated.startswith("postgres"):
        pytest.skip("the generated counties run on SQLite; the PostgreSQL path is covered by the attacks above")
    return migrated


@examples(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(county=counties())
# Found by hypothesis: the county's one cadre of its own, on one day (not established), said no
# fabrication and no yuan; the county's 3 fabricated and 850 yuan minus township 1's gave that 0.
@example(county={"townships": [[4, 9, 9], [0]], "own": [1, 0, 0], "min_level": "township", "seed": 466697})
@pytest.mark.slow  # 40 generated counties, each published and attacked
async def test_no_generated_county_gives_anyone_away(sqlite_store, county):
    """The algorithm's property, run on SQLite only: every query of the release is shared with
    PostgreSQL, where the hand-built attacks above run too (the suite stays near 10 minutes)."""
    migrated = sqlite_store
    rng = random.Random(county["seed"])
    await clear_store(migrated)
    config = Settings(database_url=migrated, secret=SECRET, k=K, min_level=county["min_level"])
    web = create_app(config, manage_store=False)
    with time_machine.travel(DURING, tick=True) as clock:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://jianfu.test") as client:
            plant = Plant(client, await minted("root", "admin", None))
            await tree(plant, {t: len(villages) for t, villages in enumerate(county["townships"], start=1)})
            tasks = [await task(plant, "县级任务"), await task(plant, "镇级任务", township(1)), None, None]
            apps = [await app(plant, "政务通"), await app(plant, "僵尸APP")]
            quota_task = await task(plant, "注册指标")
            homes = [COUNTY] * county["own"][0]
            for t, villages in enumerate(county["townships"], start=1):
                homes += [township(t)] * county["own"][t]
                homes += [village(t, v) for v, count in enumerate(villages, start=1) for _ in range(count)]
            quotas: dict[str, int] = {}
            for i, home in enumerate(homes):
                name = f"c{i}"
                new = rng.random() < 0.1  # an account made this month: its rows count, it does not count towards k
                await plant.cadre(name, home, DURING_DAY if new else LONG_AGO)
                days = rng.sample(DAYS[:28], 1 if rng.random() < 0.1 else rng.choice([2, 2, 3]))
                visible = [t for t in tasks if t != tasks[1] or home.startswith(township(1))]
                await plant.log(
                    name,
                    [
                        (day, rng.choice([15, 30, 45, 60, 95, 120]), rng.choice(ACTIVITIES), rng.choice(visible))
                        for day in days
                        for _ in range(rng.choice([1, 1, 2, 3]))
                    ],
                )
                if rng.random() < 0.4:
                    if home not in quotas:
                        quotas[home] = await quota(plant, quota_task, home)
                    means = rng.choice(
                        [
                            ("door_to_door",),
                            ("door_to_door",),
                            ("paid_service",),
                            ("own_accounts",),
                            ("borrowed_phones", "paid_service"),
                        ]
                    )
                    await plant.outcome(
                        name, quotas[home], means, rng.choice([0, 50, 120, 800]) if "paid_service" in means else 0
                    )
                if rng.random() < 0.4:
                    await plant.roster(
                        name, {a: rng.choice(RESIDENT_USE) for a in rng.sample(apps, rng.choice([1, 2]))}
                    )
            await publish_month(config)
            clock.move_to(AFTER)
            reading = await read_month(
                client, await minted("sup", "supervisor", COUNTY), COUNTY, MONTH, dashboards=False
            )
            truth = plant.truth(MONTH, K, county["min_level"])
            own_staff = plant.own_staff(county["min_level"])
            found = leaks(api_system(reading, own_staff), truth, sums=(FAMILY,)) + leaks(
                await release_system(reading, own_staff), truth, sums=(FAMILY,)
            )
            assert not found, attacked(found)
