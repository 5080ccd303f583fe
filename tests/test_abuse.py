"""Abuse (issue 11): tasks one account reports stay in its area until enough reporters logged them,
and apps it adds until enough reporters listed them; invite codes that cannot be guessed, weak
passwords, look-alike usernames and names, and review decisions outside the reviewed area."""

import re
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from clock import app_today
from conftest import AFTER, MONTH, PASSWORD, SECRET, add_user, bearer, publish_month, scenario

from server.app import create_app
from server.config import Settings
from server.models import App, Quota, Review, RosterItem, Task, TimeEntry, User
from server.services import registration
from server.web.errors import TooManyAttempts
from server.web.i18n import in_locale
from server.web.throttle import LoginThrottle

REGIONS = scenario("escalation")["regions"]
PROVINCE, COUNTY, TOWNSHIP, VILLAGE, NEIGHBOUR = "360000", "360721", "360721105", "360721105201", "360721105202"
# A second township of the same county, with one village: the other side of the line.
OTHER_TOWNSHIP, FAR_VILLAGE = "360721106", "360721106201"
MORE = [
    {"code": OTHER_TOWNSHIP, "parent": COUNTY, "level": "township", "name": "河西镇", "population": 15000},
    {"code": FAR_VILLAGE, "parent": OTHER_TOWNSHIP, "level": "village", "name": "西岭村", "population": 900},
]


async def area(client):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    assert (await client.post("/api/regions", json={"regions": REGIONS + MORE}, headers=admin)).status_code == 200
    return admin


def running_task(title, issued_by=PROVINCE):
    today = app_today()
    return {
        "title": title,
        "metric": "reposts",
        "issued_by": issued_by,
        "period_start": (today - timedelta(days=3)).isoformat(),
        "period_end": (today + timedelta(days=3)).isoformat(),
    }


async def titles(client, headers):
    return sorted(t["title"] for t in (await client.get("/api/tasks", headers=headers)).json())


async def test_a_task_a_cadre_reports_stays_in_their_township_until_k_reporters_logged_it(client):
    admin = await area(client)
    for name, home in (("li", VILLAGE), ("wang", NEIGHBOUR), ("zhao", FAR_VILLAGE), ("county", COUNTY)):
        await add_user(name, "cadre", home)
    li, wang, zhao, county = [await bearer(client, n) for n in ("li", "wang", "zhao", "county")]

    made = await client.post("/api/tasks", json=running_task("全省每日转发"), headers=li)
    assert made.status_code == 201, made.text
    task = made.json()["id"]
    assert await titles(client, li) == await titles(client, wang) == ["全省每日转发"]  # the creator's township
    assert await titles(client, zhao) == await titles(client, county) == []  # not the province's Today pages
    page = await client.get("/", headers=zhao)
    assert page.status_code == 200 and "全省每日转发" not in page.text
    refused = await client.post(
        "/api/entries",
        json={
            "entries": [
                {"client_id": "z1", "date": app_today().isoformat(), "minutes": 30, "activity": "other", "task": task}
            ]
        },
        headers=zhao,
    )
    assert refused.json()["accepted"] == [] and [r["client_id"] for r in refused.json()["rejected"]] == ["z1"]

    # The township's cadres log it: at k (10) distinct reporters it is everyone's on its line.
    logged = await client.post(
        "/api/entries",
        json={
            "entries": [
                {"client_id": "l1", "date": app_today().isoformat(), "minutes": 30, "activity": "other", "task": task}
            ]
        },
        headers=li,
    )
    assert logged.json()["accepted"] == ["l1"]
    for n in range(8):
        for copy in range(2):  # one reporter's second entry is no second reporter
            await TimeEntry.create(
                reporter_key=f"{n:064d}",
                client_id=f"c{copy}",
                body_hash="x",
                date=app_today(),
                received_on=app_today(),
                minutes=20,
                activity="other",
                task_id=task,
            )
    assert await titles(client, zhao) == []  # 9 reporters
    await TimeEntry.create(
        reporter_key="f" * 64,
        client_id="c",
        body_hash="x",
        date=app_today(),
        received_on=app_today(),
        minutes=20,
        activity="other",
        task_id=task,
    )
    assert await titles(client, zhao) == await titles(client, county) == ["全省每日转发"]
    assert (await Task.get(id=task)).scope_id is None

    # What the admin sets up is everyone's on its line at once, as before.
    assert (await client.post("/api/tasks", json=running_task("县里的任务", COUNTY), headers=admin)).status_code == 201
    assert await titles(client, zhao) == ["全省每日转发", "县里的任务"]


async def test_the_same_task_reported_from_two_townships_is_seen_in_both(client):
    await area(client)
    await add_user("li", "cadre", VILLAGE)
    await add_user("zhao", "cadre", FAR_VILLAGE)
    await add_user("other", "cadre", "360721105203")
    li, zhao, other = [await bearer(client, n) for n in ("li", "zhao", "other")]
    first = await client.post("/api/tasks", json=running_task("同一个任务", COUNTY), headers=li)
    again = await client.post("/api/tasks", json=running_task("同一个任务", COUNTY), headers=zhao)
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
    assert await titles(client, zhao) == await titles(client, li) == await titles(client, other) == ["同一个任务"]
    assert (await Task.get(id=first.json()["id"])).scope_id == COUNTY  # the smallest region holding both


async def test_a_task_is_issued_on_the_creators_own_line_never_below_it(client):
    await area(client)
    await add_user("county", "cadre", COUNTY)
    await add_user("li", "cadre", VILLAGE)
    county, li = await bearer(client, "county"), await bearer(client, "li")
    below = await client.post("/api/tasks?lang=en", json=running_task("镇里发的", TOWNSHIP), headers=county)
    assert (below.status_code, below.json()["error"]["fields"]) == (
        403,
        {"issued_by": "This region is outside your area."},
    )
    elsewhere = await client.post("/api/tasks?lang=en", json=running_task("别的镇发的", OTHER_TOWNSHIP), headers=li)
    assert elsewhere.status_code == 403
    for issuer in (COUNTY, PROVINCE):
        assert (
            await client.post("/api/tasks", json=running_task(f"由{issuer}发", issuer), headers=county)
        ).status_code == 201
    assert (await client.post("/api/tasks", json=running_task("镇里发的", TOWNSHIP), headers=li)).status_code == 201


INVITE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


async def invite_code(client, uses=1):
    await area(client)
    await add_user("li", "cadre", VILLAGE)
    expires = (app_today() + timedelta(days=7)).isoformat()
    answer = await client.post(
        "/api/invites", json={"region": VILLAGE, "uses": uses, "expires": expires}, headers=await bearer(client, "li")
    )
    assert answer.status_code == 201
    return answer.json()["code"]


async def test_invite_codes_are_long_and_read_aloud_in_groups(client):
    code = await invite_code(client)
    assert INVITE.fullmatch(code), code  # 16 characters of 32: 80 bits
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")  # as heard and typed
    joined = await client.post(
        "/api/signup", json={"code": f" {typed} ", "username": "newcadre", "password": "three words here"}
    )
    assert joined.status_code == 201, joined.text


async def test_guessing_invite_codes_from_one_address_is_stopped_and_others_still_join(client):
    code = await invite_code(client)
    throttle, today = LoginThrottle(SECRET), app_today()
    account = {"username": "guesser", "password": "three words here"}
    statuses = []
    with in_locale("en"):
        for n in range(300):
            try:
                await registration.sign_up({**account, "code": f"{n:016d}"}, today, throttle, "198.51.100.9")
            except TooManyAttempts as error:
                statuses.append(error.status)
                assert (
                    error.retry_after > 0
                    and error.message == f"Too many failed attempts. Try again in {error.retry_after} seconds."
                )
                continue
            except Exception as error:  # noqa: BLE001 -- the refusal of a wrong code
                statuses.append(error.status)
    assert statuses.index(429) <= 50 and set(statuses[50:]) == {429}
    with pytest.raises(TooManyAttempts):  # the right code from that address waits too
        await registration.sign_up({**account, "code": code}, today, throttle, "198.51.100.9")
    user = await registration.sign_up(
        {"username": "newcadre", "password": "three words here", "code": code}, today, throttle, "203.0.113.20"
    )
    assert (user.username, user.region_id) == ("newcadre", VILLAGE)


async def test_the_sign_up_endpoint_answers_429_to_a_guessing_address(client):
    """The throttle is wired to POST /api/signup: 300 wrong guesses a second no longer each get 422."""
    await invite_code(client)
    answers = [
        await client.post(
            "/api/signup?lang=en", json={"code": f"{n:016d}", "username": "guesser", "password": "three words here"}
        )
        for n in range(60)
    ]
    statuses = [a.status_code for a in answers]
    assert set(statuses[:50]) == {422} and set(statuses[50:]) == {429}
    assert int(answers[-1].headers["retry-after"]) > 0 and answers[-1].json()["error"]["code"] == "too_many_attempts"


async def test_one_code_cannot_be_used_to_probe_usernames(client):
    code = await invite_code(client, uses=5)
    await add_user("zhangsan", "cadre", VILLAGE)
    throttle, probe = LoginThrottle(SECRET), {"code": code, "username": "zhangsan", "password": "three words here"}
    for n in range(20):
        with pytest.raises(Exception) as taken:
            await registration.sign_up(probe, app_today(), throttle, f"198.51.100.{n}")
        assert taken.value.status == 409
    with pytest.raises(TooManyAttempts):
        await registration.sign_up(probe, app_today(), throttle, "198.51.100.99")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (
            "12345678",
            "This password is too common or too easy to guess. Choose a longer one, a few unrelated words for example.",
        ),
        (
            "password",
            "This password is too common or too easy to guess. Choose a longer one, a few unrelated words for example.",
        ),
        (
            "88888888",
            "This password is too common or too easy to guess. Choose a longer one, a few unrelated words for example.",
        ),
        (" " * 8, "A password may not be only spaces."),
        ("NewCadre", "A password may not contain the username."),
        ("my newcadre pass", "A password may not contain the username."),
    ],
)
async def test_weak_passwords_are_refused_at_creation_sign_up_and_change(client, password, problem):
    code = await invite_code(client, uses=2)
    admin = await bearer(client, "root")
    created = await client.post(
        "/api/users?lang=en",
        json={"username": "newcadre", "password": password, "role": "cadre", "region": VILLAGE},
        headers=admin,
    )
    assert (created.status_code, created.json()["error"]["fields"]) == (422, {"password": problem})
    joined = await client.post("/api/signup?lang=en", json={"code": code, "username": "newcadre", "password": password})
    assert (joined.status_code, joined.json()["error"]["fields"]) == (422, {"password": problem})
    await add_user("newcadre", "cadre", VILLAGE)
    changed = await client.post(
        "/api/me/password?lang=en",
        json={"current_password": PASSWORD, "new_password": password},
        headers=await bearer(client, "newcadre"),
    )
    assert (changed.status_code, changed.json()["error"]["fields"]) == (422, {"new_password": problem})
    assert await User.filter(username="newcadre").count() == 1


async def test_usernames_that_look_alike_are_one_name_or_refused(client):
    admin = await area(client)
    body = {"password": "three words here", "role": "cadre", "region": VILLAGE}
    created = await client.post("/api/users", json={**body, "username": "Wang"}, headers=admin)
    assert (created.status_code, created.json()["username"]) == (201, "wang")
    for twin in ("WANG", "wang", "ｗａｎｇ"):  # full-width letters are letters too (NFKC)
        taken = await client.post("/api/users?lang=en", json={**body, "username": twin}, headers=admin)
        assert (taken.status_code, taken.json()["error"]["fields"]) == (409, {"username": "This username is taken."})
    hidden = "No control, invisible or direction-changing characters."
    for bad, problem in (
        (
            "w\u0430ng",
            "Letters of one alphabet only: no Latin mixed with look-alike letters such as Cyrillic.",
        ),  # Cyrillic а
        ("wa\u200bng", hidden),
        ("wa\u200dng", hidden),
        ("\ufeffwang", hidden),
        ("\u202egnaw", hidden),
        ("wa\u2066ng", hidden),
        ("wa\u0007ng", hidden),
    ):
        refused = await client.post("/api/users?lang=en", json={**body, "username": bad}, headers=admin)
        assert (refused.status_code, refused.json()["error"]["fields"]) == (422, {"username": problem}), bad
    assert (
        await client.post("/api/users", json={**body, "username": "李ming"}, headers=admin)
    ).status_code == 201  # Han with Latin imitates nothing
    assert (
        await client.post("/api/users", json={**body, "username": "иван"}, headers=admin)
    ).status_code == 201  # one alphabet
    signed = await client.post("/api/session", json={"username": "WANG", "password": "three words here"})
    assert (signed.status_code, signed.json()["user"]["username"]) == (200, "wang")


async def test_an_account_made_before_normalizing_still_signs_in(client):
    await add_user("Li", "cadre", None)  # two accounts whose names differ only in case, from before
    await add_user("li", "cadre", None)
    ids = {name: (await User.get(username=name)).id for name in ("Li", "li")}
    for typed, owner in (("Li", "Li"), ("li", "li"), ("LI", "li")):
        answer = await client.post("/api/session", json={"username": typed, "password": PASSWORD})
        assert (
            answer.status_code == 200 and (await User.get(username=answer.json()["user"]["username"])).id == ids[owner]
        )


async def test_region_app_and_task_names_refuse_hidden_characters(client):
    admin = await area(client)
    hidden = "No control, invisible or direction-changing characters."
    region = {"code": "360721107", "parent": COUNTY, "level": "township", "name": "\u202e镇桥石", "population": 1}
    answer = await client.post("/api/regions?lang=en", json={"regions": [region]}, headers=admin)
    assert (answer.status_code, answer.json()["error"]["fields"]) == (422, {"regions[0].name": hidden})
    app = await client.post(
        "/api/apps?lang=en", json={"name": "政务\u200b通", "function": "政务", "owner_level": "province"}, headers=admin
    )
    assert (app.status_code, app.json()["error"]["fields"]) == (422, {"name": hidden})
    task = await client.post("/api/tasks?lang=en", json=running_task("转发\u2067截图"), headers=admin)
    assert (task.status_code, task.json()["error"]["fields"]) == (422, {"title": hidden})


async def test_a_decision_names_only_a_task_with_a_quota_in_the_reviewed_region(client):
    await area(client)
    supervisor_user = await add_user("sup", "supervisor", TOWNSHIP)
    supervisor = await bearer(client, "sup")
    ours = await Task.create(
        title="本镇的任务",
        metric="reposts",
        issued_by_id=COUNTY,
        period_start=app_today(),
        period_end=app_today(),
        frequency="once",
        ranking="none",
        penalty="none",
        evidence="none",
    )
    theirs = await Task.create(
        title="河西镇的秘密任务",
        metric="reposts",
        issued_by_id=COUNTY,
        period_start=app_today(),
        period_end=app_today(),
        frequency="once",
        ranking="none",
        penalty="none",
        evidence="none",
    )
    for task, region in ((ours, VILLAGE), (theirs, FAR_VILLAGE)):
        await Quota.create(task=task, region_id=region, target=100, base="population", updated_on=app_today())
    review = await Review.create(
        region_id=TOWNSHIP, period="2026-03", opened_by=supervisor_user, opened_on=app_today(), snapshot={}
    )
    url = f"/api/reviews/{review.id}/decisions?lang=en"
    for task in (theirs.id, 999999):  # another township's task reads as one that does not exist
        outside = await client.post(url, json={"kind": "withdraw_quota", "task": task}, headers=supervisor)
        assert (outside.status_code, outside.json()["error"]["fields"]) == (
            422,
            {"task": "No quota of this task was reported in the region under review."},
        )
        assert "河西镇的秘密任务" not in outside.text
    inside = await client.post(url, json={"kind": "withdraw_quota", "task": ours.id}, headers=supervisor)
    assert (inside.status_code, inside.json()["task"]["title"]) == (201, "本镇的任务")


# Apps a cadre adds ------------------------------------------------------------------------------

APP = {"name": "村村通打卡", "function": "attendance", "owner_level": "township"}


async def app_names(client, headers):
    return sorted(a["name"] for a in (await client.get("/api/apps", headers=headers)).json())


async def roster_of(client, headers, *apps):
    return await client.put(
        "/api/roster?lang=en", json={"apps": [{"app": a, "resident_use": "some"} for a in apps]}, headers=headers
    )


async def people(client, *who):
    """Accounts by (name, role, home), signed in: their bearer headers in order."""
    for name, role, home in who:
        await add_user(name, role, home)
    return [await bearer(client, name) for name, _role, _home in who]


async def decision_apps(client, headers, region):
    """The apps the decision form of a new review of `region` offers (MONTH, published empty)."""
    opened = await client.post("/api/reviews", json={"region": region, "period": MONTH.key}, headers=headers)
    assert opened.status_code == 201, opened.text
    form = (await client.get(f"/reviews/{opened.json()['id']}", headers=headers)).text
    return re.search(r'<select id="app" name="app">(.*?)</select>', form, re.S).group(1)


async def test_an_app_a_cadre_adds_is_seen_in_their_township_only(client, settings, during_month):
    await area(client)
    li, wang, sup, zhao, county, far = await people(
        client,
        ("li", "cadre", VILLAGE),
        ("wang", "cadre", NEIGHBOUR),
        ("sup", "supervisor", TOWNSHIP),
        ("zhao", "cadre", FAR_VILLAGE),
        ("county", "cadre", COUNTY),
        ("far", "supervisor", OTHER_TOWNSHIP),
    )
    made = await client.post("/api/apps", json=APP, headers=li)
    assert made.status_code == 201, made.text
    assert (await App.get(id=made.json()["id"])).scope_id == TOWNSHIP
    assert (
        await app_names(client, li) == await app_names(client, wang) == await app_names(client, sup) == ["村村通打卡"]
    )
    assert await app_names(client, zhao) == await app_names(client, county) == await app_names(client, far) == []

    # My apps: one added on the page is scoped the same way; the page lists what its reader sees.
    assert (
        await client.post(
            "/apps/new",
            data={"name": "河东随手拍", "function": "reporting", "owner_level": "county", "resident_use": "rare"},
            headers=wang,
        )
    ).status_code == 303
    assert (await App.get(name="河东随手拍")).scope_id == TOWNSHIP
    mine, theirs = (await client.get("/apps", headers=li)).text, (await client.get("/apps", headers=zhao)).text
    assert "村村通打卡" in mine and "河东随手拍" in mine
    assert "村村通打卡" not in theirs and "河东随手拍" not in theirs

    # A decision names the apps seen in the region under review, whoever reviews it.
    await publish_month(settings)
    during_month.move_to(AFTER)
    assert "村村通打卡" in await decision_apps(client, sup, TOWNSHIP)
    assert "村村通打卡" not in await decision_apps(client, far, OTHER_TOWNSHIP)
    # Nor can the API name it there: an app unseen in the region is answered as unknown.
    review = (await client.get("/api/reviews", headers=far)).json()[0]
    named = await client.post(
        f"/api/reviews/{review['id']}/decisions?lang=en",
        json={"kind": "close_app", "app": made.json()["id"]},
        headers=far,
    )
    assert (named.status_code, named.json()["error"]["fields"]) == (422, {"app": "Not found."})


@pytest_asyncio.fixture
async def small_k_client(store):
    """A server that shares an app once 5 reporters list it (the default k is 10)."""
    app = create_app(Settings(database_url=store, secret=SECRET, k=5), manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
        yield http


async def test_an_app_is_everyones_once_k_reporters_list_it(small_k_client):
    client = small_k_client
    await area(client)
    li, wang, third, zhao, county = await people(
        client,
        ("li", "cadre", VILLAGE),
        ("wang", "cadre", NEIGHBOUR),
        ("third", "cadre", "360721105203"),
        ("zhao", "cadre", FAR_VILLAGE),
        ("county", "cadre", COUNTY),
    )
    app = (await client.post("/api/apps", json=APP, headers=li)).json()["id"]
    for headers in (li, wang):
        assert (await roster_of(client, headers, app)).status_code == 200
    for n in range(2):  # two more of the township's reporters
        await RosterItem.create(reporter_key=f"{n:064d}", app_id=app, resident_use="none", received_on=app_today())
    assert await app_names(client, zhao) == await app_names(client, county) == []  # 4 reporters
    assert (await roster_of(client, li, app)).status_code == 200  # the same reporter again is no fifth
    assert await app_names(client, zhao) == []
    assert (await roster_of(client, third, app)).status_code == 200
    assert await app_names(client, zhao) == await app_names(client, county) == ["村村通打卡"]
    assert (await App.get(id=app)).scope_id is None
    assert (await roster_of(client, zhao, app)).status_code == 200


async def test_an_app_from_another_township_is_unknown_to_a_roster_and_a_task(client):
    await area(client)
    li, zhao = await people(client, ("li", "cadre", VILLAGE), ("zhao", "cadre", FAR_VILLAGE))
    app = (await client.post("/api/apps", json=APP, headers=li)).json()["id"]
    refused = await roster_of(client, zhao, app)
    assert (refused.status_code, refused.json()["error"]["fields"]) == (422, {"apps[0].app": "Unknown app."})
    task = await client.post("/api/tasks?lang=en", json={**running_task("打卡截图", COUNTY), "app": app}, headers=zhao)
    assert (task.status_code, task.json()["error"]["fields"]) == (422, {"app": "Unknown app."})
    assert await RosterItem.all().count() == 0 and await Task.all().count() == 0

    # Added again from the other township, it is the same app, seen in both.
    again = await client.post("/api/apps", json=APP, headers=zhao)
    assert (again.status_code, again.json()["id"]) == (200, app)
    assert (await App.get(id=app)).scope_id == COUNTY
    assert (await roster_of(client, zhao, app)).status_code == 200


async def test_the_admins_apps_are_seen_everywhere(client):
    admin = await area(client)
    li, zhao, county, far = await people(
        client,
        ("li", "cadre", VILLAGE),
        ("zhao", "cadre", FAR_VILLAGE),
        ("county", "cadre", COUNTY),
        ("far", "supervisor", OTHER_TOWNSHIP),
    )
    official = await client.post(
        "/api/apps", json={"name": "赣服通", "function": "services", "owner_level": "province"}, headers=admin
    )
    assert official.status_code == 201 and (await App.get(id=official.json()["id"])).scope_id is None
    await client.post("/api/apps", json=APP, headers=li)
    assert await app_names(client, admin) == ["村村通打卡", "赣服通"]  # an admin sees every app
    assert await app_names(client, li) == ["村村通打卡", "赣服通"]
    assert (
        await app_names(client, zhao) == await app_names(client, county) == await app_names(client, far) == ["赣服通"]
    )
    assert "赣服通" in (await client.get("/apps", headers=zhao)).text
    assert (await roster_of(client, zhao, official.json()["id"])).status_code == 200
