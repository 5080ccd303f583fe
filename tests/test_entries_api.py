import asyncio
from datetime import timedelta

from clock import app_today
from conftest import add_user, bearer, load_scenario, scenario

from server.models import RosterItem, TimeEntry


def yesterday() -> str:
    """The app's yesterday, asked at each use: a module constant goes stale if the suite runs past midnight."""
    return (app_today() - timedelta(days=1)).isoformat()


async def two_cadres(client):
    await add_user("root", "admin", None)
    ids = await load_scenario(client, await bearer(client, "root"), scenario("escalation"))
    await add_user("li", "cadre", "360721105201")
    await add_user("wang", "cadre", "360721105202")
    return await bearer(client, "li"), await bearer(client, "wang"), ids


def entry(client_id, minutes=30, day=None, **more):
    return {"client_id": client_id, "date": day or yesterday(), "minutes": minutes, "activity": "data_entry", **more}


async def test_batch_accepts_duplicates_and_conflicts_per_client_id(client):
    li, _wang, _ids = await two_cadres(client)
    first = await client.post("/api/entries", json={"entries": [entry("a"), entry("b", "1.5h")]}, headers=li)
    assert first.json() == {"accepted": ["a", "b"], "duplicates": [], "rejected": []}
    replay = await client.post(
        "/api/entries?lang=en", json={"entries": [entry("a"), entry("b", 91), entry("c", "2h27m")]}, headers=li
    )
    body = replay.json()
    assert (body["accepted"], body["duplicates"]) == (["c"], ["a"])
    assert body["rejected"] == [
        {
            "client_id": "b",
            "error": {
                "code": "conflict",
                "message": "This client_id was already used for a different entry.",
                "fields": {"client_id": "Already used for a different entry."},
            },
        }
    ]
    assert await TimeEntry.all().order_by("client_id").values_list("client_id", "minutes") == [
        ("a", 30),
        ("b", 90),
        ("c", 147),
    ]


async def test_one_bad_entry_never_blocks_the_good_ones(client):
    li, _wang, ids = await two_cadres(client)
    today = app_today()
    future = (today + timedelta(days=30)).isoformat()
    batch = [
        entry("ok1"),
        entry("late", day=future),
        entry("long", minutes="25h"),
        entry("zero", minutes=0),
        {"client_id": "odd", "date": yesterday(), "minutes": 10, "activity": "dancing"},
        entry("notask", task=999999),
        entry("booltask", task=True),
        "not an object",
        entry("ok2", task=ids["reg"]),
    ]
    answer = await client.post("/api/entries?lang=en", json={"entries": batch}, headers=li)
    body = answer.json()
    assert (answer.status_code, body["accepted"], body["duplicates"]) == (200, ["ok1", "ok2"], [])
    assert {r["client_id"]: r["error"]["fields"] for r in body["rejected"]} == {
        "late": {
            "date": (
                f"Must be between {(today - timedelta(days=400)).isoformat()} "
                f"and {(today + timedelta(days=1)).isoformat()}."
            )
        },
        "long": {"minutes": "Must be between 1 minute and 24 hours."},
        "zero": {"minutes": "Must be between 1 minute and 24 hours."},
        "odd": {
            "activity": (
                "Must be one of: registration_drive, data_entry, check_in, evidence, duplicate_reporting, "
                "study, meeting, other."
            )
        },
        "notask": {"task": "Unknown task."},
        "booltask": {"task": "Unknown task."},
        None: {
            "body": "Must be an object.",
            "client_id": "This field is required.",
            "date": "This field is required.",
            "minutes": "This field is required.",
        },
    }
    assert await TimeEntry.all().count() == 2


async def test_a_day_holds_at_most_24_hours(client):
    li, _wang, _ids = await two_cadres(client)
    answer = await client.post(
        "/api/entries", json={"entries": [entry("a", "20h"), entry("b", "3h"), entry("c", "2h")]}, headers=li
    )
    body = answer.json()
    assert (body["accepted"], [r["client_id"] for r in body["rejected"]]) == (["a", "b"], ["c"])


async def test_batch_size_is_capped_at_500(client):
    li, _wang, _ids = await two_cadres(client)
    answer = await client.post("/api/entries", json={"entries": [entry(str(i), 1) for i in range(501)]}, headers=li)
    assert (answer.status_code, list(answer.json()["error"]["fields"])) == (422, ["entries"])
    assert await TimeEntry.all().count() == 0


async def test_entries_carry_a_reporter_key_and_no_user_or_time_of_day(client):
    li, _wang, _ids = await two_cadres(client)
    await client.post("/api/entries", json={"entries": [entry("a")]}, headers=li)
    row = (await TimeEntry.all().values())[0]
    # No region either: where an entry counts is resolved through the secret at publication.
    assert set(row) == {
        "id",
        "reporter_key",
        "client_id",
        "body_hash",
        "received_on",
        "date",
        "minutes",
        "activity",
        "task_id",
        "note",
    }
    assert len(row["reporter_key"]) == 64 and row["received_on"] == app_today()


async def test_each_cadre_reads_only_their_own_entries(client):
    li, wang, _ids = await two_cadres(client)
    await client.post("/api/entries", json={"entries": [entry("li-1", note="我的备注")]}, headers=li)
    await client.post(
        "/api/entries", json={"entries": [entry("li-1", 45)]}, headers=wang
    )  # same client_id, another person
    mine = await client.get("/api/entries", headers=li)
    theirs = await client.get("/api/entries", headers=wang)
    assert mine.json() == [
        {
            "client_id": "li-1",
            "date": yesterday(),
            "minutes": 30,
            "activity": "data_entry",
            "task": None,
            "note": "我的备注",
        }
    ]
    assert [e["minutes"] for e in theirs.json()] == [45]


async def test_entries_filter_by_date_range(client):
    li, _wang, _ids = await two_cadres(client)
    days = [(app_today() - timedelta(days=n)).isoformat() for n in (1, 5, 10)]
    await client.post("/api/entries", json={"entries": [entry(d, day=d) for d in days]}, headers=li)
    answer = await client.get(f"/api/entries?from={days[1]}&to={days[0]}", headers=li)
    assert [e["date"] for e in answer.json()] == [days[0], days[1]]
    bad = await client.get("/api/entries?from=someday&lang=en", headers=li)
    assert (bad.status_code, bad.json()["error"]["fields"]) == (422, {"from": "Must be a date like 2024-03-01."})


async def test_supervisor_and_admin_get_no_entries_endpoint(client):
    await two_cadres(client)
    await add_user("sup", "supervisor", "360721105")
    for username in ("sup", "root"):
        answer = await client.get("/api/entries", headers=await bearer(client, username))
        assert (answer.status_code, answer.json()["error"]["code"]) == (403, "forbidden")


async def test_edit_and_delete_own_entry(client):
    li, wang, _ids = await two_cadres(client)
    await client.post("/api/entries", json={"entries": [entry("a")]}, headers=li)
    edited = await client.put(
        "/api/entries/a", json={"date": yesterday(), "minutes": "1:15", "activity": "meeting"}, headers=li
    )
    assert edited.json() == {
        "client_id": "a",
        "date": yesterday(),
        "minutes": 75,
        "activity": "meeting",
        "task": None,
        "note": None,
    }
    stranger = await client.delete("/api/entries/a", headers=wang)
    assert stranger.status_code == 404
    assert (await client.delete("/api/entries/a", headers=li)).status_code == 204
    assert await TimeEntry.all().count() == 0


async def test_roster_replaces_the_callers_apps(client):
    case = scenario("duplicate-systems")
    await add_user("root", "admin", None)
    ids = await load_scenario(client, await bearer(client, "root"), case)
    await add_user("zhao", "cadre", "510104020005")
    zhao = await bearer(client, "zhao")
    apps = [{"app": ids[a["app"]], "resident_use": a["resident_use"]} for a in case["roster"][0]["apps"]]
    answer = await client.put("/api/roster", json={"apps": apps}, headers=zhao)
    assert [(a["name"], a["resident_use"]) for a in answer.json()["apps"]] == [
        ("市公租房管理系统", "none"),
        ("省住房保障信息平台", "none"),
        ("省租赁补贴申报系统", "none"),
    ]
    smaller = await client.put("/api/roster", json={"apps": apps[:1]}, headers=zhao)
    assert len(smaller.json()["apps"]) == 1 and await RosterItem.all().count() == 1
    bad = await client.put("/api/roster?lang=en", json={"apps": [{"app": 777, "resident_use": "none"}]}, headers=zhao)
    assert (bad.status_code, bad.json()["error"]["fields"]) == (422, {"apps[0].app": "Unknown app."})


async def test_apps_are_listed_in_traditional_characters_without_vocabulary_swaps(client):
    case = scenario("duplicate-systems")
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    await load_scenario(client, admin, case)
    again = await client.post("/api/apps", json={k: v for k, v in case["apps"][0].items() if k != "key"}, headers=admin)
    assert again.status_code == 200
    listed = await client.get("/api/apps?lang=zh-Hant", headers=admin)
    assert sorted(a["name"] for a in listed.json()) == sorted(
        ["市公租房管理系統", "省住房保障信息平臺", "省租賃補貼申報系統"]
    )


async def test_export_csv_holds_everything_the_cadre_logged(client):
    li, wang, ids = await two_cadres(client)
    await client.post("/api/entries", json={"entries": [entry("a", note="只给自己看", task=ids["reg"])]}, headers=li)
    await client.post("/api/entries", json={"entries": [entry("b")]}, headers=wang)
    await client.post("/api/quotas", json={"task": ids["reg"], "region": "360721105201", "target": 1500}, headers=li)
    answer = await client.get("/api/me/export.csv?lang=zh-Hans", headers=li)
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    lines = answer.text.lstrip("\ufeff").splitlines()
    assert (
        lines[0] == "记录,日期,地方,任务,工作类型,分钟,我的备注,应用,群众使用情况,指标数,基数,结果,完成方式,花费（元）"
    )
    assert lines[1] == f"用时,{yesterday()},上坪村,反诈助手注册,数据录入,30,只给自己看,,,,,,,"
    assert lines[2] == f"指标,{app_today().isoformat()},上坪村,反诈助手注册,,,,,,1500,户籍人口,,,"
    assert len(lines) == 3  # wang's entry is not here


async def test_concurrent_replays_of_a_batch_store_each_entry_once(client):
    li, _wang, _ids = await two_cadres(client)
    batch = {"entries": [entry(f"r{i}", 10) for i in range(40)]}
    answers = await asyncio.gather(*(client.post("/api/entries", json=batch, headers=li) for _ in range(4)))
    for answer in answers:
        body = answer.json()
        assert (body["rejected"], sorted(body["accepted"] + body["duplicates"])) == (
            [],
            sorted(f"r{i}" for i in range(40)),
        )
    assert await TimeEntry.all().count() == 40
