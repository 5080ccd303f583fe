"""Hostile input (issue 11, "Lost data and 500s"): every type confusion on every field is a
localized 4xx naming the field, one bad entry never blocks the good ones, text a store cannot keep
(U+0000) is refused on both backends, a 500 still carries the security headers, and nothing a
person typed reaches the server's output."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from clock import app_today
from conftest import PASSWORD, SECRET, add_user, bearer, load_scenario, scenario
from receiver import free_port
from starlette.routing import Route

from server.app import create_app
from server.models import Invite, Region, Review, TimeEntry, User

DURATION = "Type a duration like 90, 1.5h, 1:30 or 2h27m."
UNSAVABLE = "Contains a character that cannot be saved."
# What an attacker throws at every field: the wrong JSON types, numbers no column holds, text no
# store keeps (U+0000 for PostgreSQL, a lone surrogate for UTF-8), and digit strings that int()
# refuses (over 4,300 digits) or misreads ("²".isdigit() is true).
HOSTILE = [
    [5],
    [],
    {"a": 1},
    {},
    True,
    False,
    None,
    2**70,
    -(2**70),
    1e308,
    "\u0000",
    "a\u0000b",
    "\ud800",
    "9" * 5000,
    "--5",
    "²",
]


def day(offset: int = -1) -> str:
    return (app_today() + timedelta(days=offset)).isoformat()


def entry(client_id: str, minutes: object = 30, **more: object) -> dict:
    return {"client_id": client_id, "date": day(), "minutes": minutes, "activity": "data_entry", **more}


async def send(client: httpx.AsyncClient, method: str, url: str, body: object, headers: dict) -> httpx.Response:
    """JSON as a hostile client writes it: ASCII escapes, so a lone surrogate goes over the wire."""
    raw = json.dumps(body).encode()
    return await client.request(method, url, content=raw, headers={**headers, "content-type": "application/json"})


async def township(client: httpx.AsyncClient) -> tuple[dict, dict, dict]:
    """The escalation scenario; the admin, and a cadre of the township (villages below them)."""
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    ids = await load_scenario(client, admin, scenario("escalation"))
    await add_user("li", "cadre", "360721105")
    return admin, await bearer(client, "li"), ids


# --- Lost data: a bad entry took the good ones with it -------------------------------------------


@pytest.mark.parametrize("minutes", [[5], {}, [], {"minutes": 5}, True, False])
async def test_a_minutes_that_is_no_duration_rejects_its_entry_alone(client, minutes):
    _admin, li, _ids = await township(client)
    answer = await send(
        client,
        "POST",
        "/api/entries?lang=en",
        {"entries": [entry("good"), entry("bad", minutes), entry("typed", "5")]},
        li,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["accepted"], body["duplicates"]) == (["good", "typed"], [])
    assert body["rejected"] == [
        {
            "client_id": "bad",
            "error": {
                "code": "invalid",
                "message": "Please check these fields: Duration.",
                "fields": {"minutes": DURATION},
                "labels": {"minutes": "Duration"},
            },
        }
    ]
    assert await TimeEntry.all().order_by("client_id").values_list("client_id", "minutes") == [
        ("good", 30),
        ("typed", 5),
    ]


async def test_an_edit_whose_minutes_is_a_list_is_422(client):
    _admin, li, _ids = await township(client)
    await client.post("/api/entries", json={"entries": [entry("a")]}, headers=li)
    for minutes in ([1], {}, True):
        answer = await send(
            client, "PUT", "/api/entries/a?lang=en", {"date": day(), "minutes": minutes, "activity": "meeting"}, li
        )
        assert (answer.status_code, answer.json()["error"]["fields"]) == (422, {"minutes": DURATION})
    assert await TimeEntry.all().values_list("minutes", "activity") == [(30, "data_entry")]


async def test_a_task_id_beyond_any_column_is_422_naming_task(client):
    """2**70 overflowed SQLite's integer inside the visibility query."""
    _admin, li, ids = await township(client)
    batch = [
        entry("huge", task=2**70),
        entry("negative", task=-(2**70)),
        entry("text", task="1"),
        entry("ok", task=ids["reg"]),
    ]
    body = (await send(client, "POST", "/api/entries?lang=en", {"entries": batch}, li)).json()
    assert body["accepted"] == ["ok"]
    assert {r["client_id"]: r["error"]["fields"] for r in body["rejected"]} == {
        cid: {"task": "Unknown task."} for cid in ("huge", "negative", "text")
    }
    edit = await send(client, "PUT", "/api/entries/ok?lang=en", {"date": day(), "minutes": 30, "task": 2**70}, li)
    assert (edit.status_code, edit.json()["error"]["fields"]) == (422, {"task": "Unknown task."})
    quota = await send(
        client, "POST", "/api/quotas?lang=en", {"task": 2**70, "region": "360721105201", "target": 10}, li
    )
    assert (quota.status_code, quota.json()["error"]["fields"]) == (422, {"task": "Unknown task."})


async def test_a_rejected_client_id_that_cannot_be_written_back_is_answered_as_null(client):
    """A lone surrogate cannot be encoded as UTF-8, nor 1e400 (infinity) as JSON: the answer
    says null instead of failing as a whole."""
    _admin, li, _ids = await township(client)
    raw = (
        b'{"entries": [{"client_id": "\\ud800", "minutes": 1}, {"client_id": 1e400, "minutes": 1}, '
        + json.dumps(entry("ok")).encode()
        + b"]}"
    )
    answer = await client.post("/api/entries?lang=en", content=raw, headers={**li, "content-type": "application/json"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == ["ok"] and [r["client_id"] for r in body["rejected"]] == [None, None]
    assert body["rejected"][0]["error"]["fields"]["client_id"] == UNSAVABLE


# --- U+0000: PostgreSQL refuses it in text, even in a lookup -------------------------------------


async def test_a_nul_anywhere_in_text_is_422_naming_the_field(client):
    admin, li, ids = await township(client)
    batch = [entry("ok1"), entry("nulnote", note="a\u0000b"), entry("nul\u0000id"), entry("ok2", note="fine")]
    body = (await send(client, "POST", "/api/entries?lang=en", {"entries": batch}, li)).json()
    assert (body["accepted"], body["duplicates"]) == (["ok1", "ok2"], [])
    assert {r["client_id"]: r["error"]["fields"] for r in body["rejected"]} == {
        "nulnote": {"note": UNSAVABLE},
        "nul\u0000id": {"client_id": UNSAVABLE},
    }
    assert await TimeEntry.all().order_by("client_id").values_list("client_id", flat=True) == ["ok1", "ok2"]

    edit = await send(client, "PUT", "/api/entries/ok1?lang=en", {"date": day(), "minutes": 30, "note": "\u0000"}, li)
    assert (edit.status_code, edit.json()["error"]["fields"]) == (422, {"note": UNSAVABLE})
    missing = await client.put("/api/entries/a%00b?lang=en", json={"date": day(), "minutes": 30}, headers=li)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    assert (await client.delete("/api/entries/a%00b", headers=li)).status_code == 404

    cases = [
        ("/api/apps", admin, {"name": "反诈\u0000", "function": "anti_fraud", "owner_level": "province"}, "name"),
        (
            "/api/tasks",
            li,
            {
                "title": "\u0000",
                "metric": "registrations",
                "issued_by": "360721",
                "period_start": "2024-04-01",
                "period_end": "2024-04-30",
            },
            "title",
        ),
        (
            "/api/quotas",
            li,
            {"task": ids["reg"], "region": "360721105201", "target": 10, "client_id": "q\u0000"},
            "client_id",
        ),
        (
            "/api/regions",
            admin,
            {
                "regions": [
                    {
                        "code": "360721105206",
                        "parent": "360721105",
                        "level": "village",
                        "name": "新村\u0000",
                        "population": 100,
                    }
                ]
            },
            "regions[0].name",
        ),
        (
            "/api/users",
            admin,
            {"username": "new\u0000user", "password": PASSWORD, "role": "cadre", "region": "360721105"},
            "username",
        ),
        (
            "/api/invites",
            admin,
            {"region": "360721105\u0000", "role": "cadre", "uses": 1, "expires": day(30)},
            "region",
        ),
        ("/api/signup", {}, {"code": "ABCD\u0000", "username": "newcomer", "password": PASSWORD}, "code"),
        ("/api/signup", {}, {"code": "ABCD", "username": "new\u0000comer", "password": PASSWORD}, "username"),
        ("/api/session", {}, {"username": "li\u0000", "password": PASSWORD}, "username"),
    ]
    for url, headers, body, field in cases:
        answer = await send(client, "POST", f"{url}?lang=en", body, headers)
        assert (answer.status_code, answer.json()["error"]["fields"].get(field)) == (422, UNSAVABLE), (url, answer.text)
    assert await Region.filter(code="360721105206").count() == 0
    assert await User.all().count() == 2


# --- Other 500s ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period", ["9999-12", "9999-W52", "0001-01", "1999-12", "3000-01", "2024-03\n", "٢٠٢٤-٠٣", "2024-W10"]
)
async def test_an_extreme_period_is_422(client, period):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    await load_scenario(client, admin, scenario("escalation"))
    await add_user("sup", "supervisor", "360721")
    supervisor = await bearer(client, "sup")
    for url in ("/api/burden/360721", "/api/flags/360721", "/api/summaries/360721", "/api/summaries/360721.csv"):
        answer = await client.get(url, params={"period": period, "lang": "en"}, headers=supervisor)
        assert (answer.status_code, answer.json()["error"]["fields"]) == (
            422,
            {"period": "Published figures are monthly: give a month such as 2024-03."},
        ), url
    if period.strip() == period:  # (the body's text is stripped: "2024-03\n" is March there)
        answer = await send(client, "POST", "/api/reviews?lang=en", {"region": "360721", "period": period}, supervisor)
        assert answer.status_code == 422 and "period" in answer.json()["error"]["fields"]


def test_periods_keep_to_years_whose_neighbours_are_dates():
    from server.domain.periods import PeriodError, parse_period, publication_day

    for text in ("9999-12", "9999-W52", "1999-12", "3000-01", "0000-01", "2024-13", "2024-W54", "2024-03\n"):
        with pytest.raises(PeriodError):
            parse_period(text)
    first, last = parse_period("2000-01"), parse_period("2999-12")
    assert (first.previous().key, last.following().key) == ("1999-12", "3000-01")
    assert publication_day(last).isoformat() == "3000-01-07"
    assert publication_day(last, 10**7).year == 9999  # a setting far out of range: never, not a crash


@pytest.mark.parametrize("username", ["a" * 41, "a" * 10_000, "li\u0000"])
async def test_the_login_form_answers_an_impossible_username_like_any_wrong_one(client, username):
    await add_user("li", "cadre", None)
    answer = await client.post(
        "/login?lang=en", data={"username": username, "password": "whatever"}, headers={"sec-fetch-site": "same-origin"}
    )
    assert answer.status_code == 401, answer.text[:300]
    assert "Wrong username or password." in answer.text and "jianfu_session" not in answer.cookies
    api = await send(client, "POST", "/api/session?lang=en", {"username": username, "password": "whatever"}, {})
    assert api.status_code == 422 and "username" in api.json()["error"]["fields"]


# --- Every field of every write, against everything hostile --------------------------------------


def named(field: str, fields: dict) -> bool:
    """Whether an error's fields name this one (batches prefix it: regions[0].name, points[0].at)."""
    return any(key == field or key.endswith(f".{field}") or key.startswith(f"{field}[") for key in fields)


STRONG = "vermilion otter hums quietly 47"  # a password no strength rule refuses
CODE_LETTERS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # invite codes' alphabet, read the same however typed


async def fresh_invite() -> str:
    code = "".join(secrets.choice(CODE_LETTERS) for _ in range(16))
    await Invite.create(
        code=code, region_id="360721105", role="cadre", uses_left=5, expires=app_today() + timedelta(days=30)
    )
    return code


async def fuzz_setup(client):
    admin, li, ids = await township(client)
    await add_user("sup", "supervisor", "360721")
    supervisor = await bearer(client, "sup")
    await client.post("/api/entries", json={"entries": [entry("mine", 10, date=day(-2))]}, headers=li)
    quota = (
        await client.post("/api/quotas", json={"task": ids["reg"], "region": "360721105201", "target": 100}, headers=li)
    ).json()["id"]
    sup = await User.get(username="sup")
    review = await Review.create(
        region_id="360721", period="2026-03", opened_by=sup, opened_on=app_today(), snapshot={}
    )
    return {"admin": admin, "cadre": li, "supervisor": supervisor, "anyone": {}}, ids, quota, review.id


def endpoints(ids: dict, quota: int, review: int) -> dict[str, tuple[str, str, str, object, list[str]]]:
    """name -> (method, url, who, a maker of valid bodies, the fields to spoil one at a time)."""
    unique = lambda: "u" + uuid.uuid4().hex[:12]  # noqa: E731
    return {
        "entries": (
            "POST",
            "/api/entries",
            "cadre",
            lambda: {
                "client_id": unique(),
                "date": day(-3),
                "minutes": 1,
                "activity": "meeting",
                "task": ids["reg"],
                "note": "n",
            },
            ["entries", "client_id", "date", "minutes", "activity", "task", "note"],
        ),
        "edit": (
            "PUT",
            "/api/entries/mine",
            "cadre",
            lambda: {"date": day(-2), "minutes": 10, "activity": "meeting", "task": ids["reg"], "note": "n"},
            ["date", "minutes", "activity", "task", "note"],
        ),
        "quotas": (
            "POST",
            "/api/quotas",
            "cadre",
            lambda: {
                "task": ids["reg"],
                "region": "360721105202",
                "target": 50,
                "base": "eligible",
                "eligible": 60,
                "base_count": 70,
            },
            ["task", "region", "target", "base", "eligible", "base_count", "client_id"],
        ),
        "tasks": (
            "POST",
            "/api/tasks",
            "cadre",
            lambda: {
                "title": unique(),
                "metric": "registrations",
                "app": ids["antifraud"],
                "issued_by": "360721",
                "period_start": "2024-04-01",
                "period_end": "2024-04-30",
                "frequency": "once",
                "ranking": "none",
                "penalty": "none",
                "evidence": "none",
            },
            [
                "title",
                "metric",
                "app",
                "issued_by",
                "period_start",
                "period_end",
                "frequency",
                "ranking",
                "penalty",
                "evidence",
            ],
        ),
        "apps": (
            "POST",
            "/api/apps",
            "admin",
            lambda: {"name": unique(), "function": "anti_fraud", "owner_level": "county", "owner_region": "360721"},
            ["name", "function", "owner_level", "owner_region"],
        ),
        "outcome": (
            "POST",
            f"/api/quotas/{quota}/outcome",
            "cadre",
            lambda: {"status": "met", "means": ["door_to_door"], "cost_yuan": 12.5},
            ["status", "means", "cost_yuan"],
        ),
        "progress": (
            "POST",
            f"/api/quotas/{quota}/progress",
            "cadre",
            lambda: {"points": [{"at": "2024-04-02T10:00:00+08:00", "value": 5}]},
            ["points", "at", "value"],
        ),
        "series": (
            "POST",
            "/api/series/check",
            "cadre",
            lambda: {"points": [{"at": "2024-04-02T10:00:00+08:00", "value": 5}]},
            ["points", "at", "value"],
        ),
        "roster": (
            "PUT",
            "/api/roster",
            "cadre",
            lambda: {"apps": [{"app": ids["antifraud"], "resident_use": "some"}]},
            ["apps", "app", "resident_use"],
        ),
        "reviews": (
            "POST",
            "/api/reviews",
            "supervisor",
            lambda: {"region": "360721", "period": "2026-03"},
            ["region", "period"],
        ),
        "decisions": (
            "POST",
            f"/api/reviews/{review}/decisions",
            "supervisor",
            lambda: {
                "kind": "reduce_quota",
                "region": "360721105",
                "task": ids["reg"],
                "app": ids["antifraud"],
                "new_target": 10,
            },
            ["kind", "region", "task", "app", "new_target"],
        ),
        # (code last: a code that passes is stored, and would then be a parent of the wrong level)
        "regions": (
            "POST",
            "/api/regions",
            "admin",
            lambda: {
                "regions": [
                    {
                        "code": "360721105299",
                        "parent": "360721105",
                        "level": "village",
                        "name": "试村",
                        "name_hant": "試村",
                        "population": 10,
                        "households": 3,
                    }
                ]
            },
            ["regions", "parent", "level", "name", "name_hant", "population", "households", "code"],
        ),
        "users": (
            "POST",
            "/api/users",
            "admin",
            lambda: {"username": unique(), "password": STRONG, "role": "cadre", "region": "360721105", "locale": "en"},
            ["username", "password", "role", "region", "locale"],
        ),
        "invites": (
            "POST",
            "/api/invites",
            "admin",
            lambda: {"region": "360721105", "role": "cadre", "uses": 2, "expires": day(30)},
            ["region", "role", "uses", "expires"],
        ),
        "signup": (
            "POST",
            "/api/signup",
            "anyone",
            lambda: {"code": None, "username": unique(), "password": STRONG, "locale": "en"},
            ["code", "username", "password", "locale"],
        ),
        "session": (
            "POST",
            "/api/session",
            "anyone",
            lambda: {"username": "li", "password": PASSWORD},
            ["username", "password"],
        ),
    }


# Bodies whose fields sit in a list: the hostile value goes into its first item.
LISTED = {"entries": "entries", "progress": "points", "series": "points", "roster": "apps", "regions": "regions"}


def with_value(name: str, body: dict, field: str, value: object) -> dict:
    outer = LISTED.get(name)
    if outer is None or field == outer:
        return {**body, field: value}
    if name == "entries":
        return {"entries": [{**body, field: value}]}
    return {outer: [{**body[outer][0], field: value}]}


@pytest.mark.parametrize("name", list(endpoints({"reg": 1, "antifraud": 1}, 1, 1)))
async def test_every_field_of_every_write_answers_hostile_values_with_a_4xx_naming_it(client, settings, name):
    """Each field of each write gets each hostile value, the rest of the body valid. The answer is
    below 500, and a 4xx names the field; a batch of entries still takes the good one beside it.
    Every request comes from its own address (and a sign-up with its own code), so no throttle
    answers in place of the reading."""
    people, ids, quota, review = await fuzz_setup(client)
    method, url, who, valid, fields = endpoints(ids, quota, review)[name]
    app = create_app(settings, manage_store=False)
    problems, count = [], 0
    for field in fields:
        for value in HOSTILE:
            body = valid()
            if name == "signup":
                body["code"] = await fresh_invite()
            body = with_value(name, body, field, value)
            if name == "entries" and field != "entries":  # beside a good entry, which must count
                body["entries"].insert(0, {**valid(), "client_id": "good-" + uuid.uuid4().hex[:8]})
            count += 1
            transport = httpx.ASGITransport(
                app=app, client=(f"10.{count // 65536}.{count // 256 % 256}.{count % 256}", 4000)
            )
            async with httpx.AsyncClient(transport=transport, base_url="http://jianfu.test") as http:
                answer = await send(http, method, f"{url}?lang=en", body, people[who])
            seen = f"{field}={value!r:.30}: {answer.status_code} {answer.text[:300]}"
            if answer.status_code >= 500:
                problems.append(seen)
            elif answer.status_code >= 400:
                error = answer.json()["error"]
                typed_a_name = name == "session" and error["code"] == "invalid_credentials"  # text, just no account's
                if not (named(field, error["fields"]) or typed_a_name) or not error["message"]:
                    problems.append(seen)
            elif name == "entries" and field != "entries":
                result = answer.json()
                if not result["accepted"] or not result["accepted"][0].startswith("good-"):
                    problems.append(seen)
                if any(not named(field, r["error"]["fields"]) for r in result["rejected"]):
                    problems.append(seen)
    assert problems == []


# --- A 500 still carries the security headers, and its log names no one ---------------------------


async def test_a_500_carries_the_security_headers_and_its_message_stays_out_of_the_log(settings, caplog):
    app = create_app(settings, manage_store=False)

    async def boom(request):
        raise RuntimeError(request.query_params["who"])  # as an ORM quotes a value it refuses

    app.router.routes[:0] = [Route("/api/boom", boom), Route("/boom", boom)]
    # The exception must not leave the app either: the server would print it again, message and all.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
        with caplog.at_level(logging.INFO):
            json_answer = await http.get("/api/boom?lang=en&who=lixia")
            page = await http.get("/boom?lang=en&who=lixia")
    assert (json_answer.status_code, json_answer.json()["error"]["code"]) == (500, "internal")
    assert (
        json_answer.json()["error"]["message"]
        == "Something went wrong on our side. Nothing was saved from this request."
    )
    assert page.status_code == 500 and "text/html" in page.headers["content-type"]
    for answer in (json_answer, page):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["content-language"] == "en"
    assert "RuntimeError" in caplog.text and "in boom" in caplog.text  # where it happened is logged
    ours = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith(("httpx", "httpcore"))
    )
    assert "lixia" not in ours


@pytest.mark.slow  # a real server process
def test_the_typed_username_of_a_failed_login_stays_out_of_the_servers_output(tmp_path):
    """A real server, as an attacker tries usernames no account can have, through the form and the
    API: nothing answers 500, and its whole output names none of them."""
    port = free_port()
    env = {
        **os.environ,
        "JIANFU_DATABASE_URL": f"sqlite://{tmp_path}/logs.sqlite3",
        "JIANFU_SECRET": SECRET,
        "JIANFU_PASSWORD": PASSWORD,
    }
    subprocess.run(
        [sys.executable, "-m", "server", "create-user", "lixia", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    typed = ["Telltalename" + "x" * 29, "Telltalelong" + "y" * 9_988, "Telltalenul\u0000", "Telltaleplain"]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=10) as http:
            for _ in range(100):
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            statuses = []
            for name in typed:
                statuses.append(
                    http.post(
                        "/login",
                        data={"username": name, "password": "wrong"},
                        headers={"sec-fetch-site": "same-origin"},
                    ).status_code
                )
                statuses.append(http.post("/api/session", json={"username": name, "password": "wrong"}).status_code)
    finally:
        server.terminate()
        server.wait(timeout=10)
    output = (tmp_path / "server.log").read_text(errors="replace")
    assert "Application startup complete" in output or "Uvicorn running" in output  # the log was captured
    assert statuses == [401, 422, 401, 422, 401, 422, 401, 401]
    assert "Telltale" not in output and "Traceback" not in output
