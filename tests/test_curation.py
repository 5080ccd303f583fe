"""Issue 12: tasks and apps as an administrator tidies them, through the API. Counts show from k,
a merge moves every reference in one go, and a published month reads the same before and after."""

from burden_cases import DAYS, VILLAGES, county_with_reporters, log_days
from conftest import AFTER, MONTH, add_user, bearer, publish_month, scenario

from server.domain import pseudonyms
from server.models import App, Outcome, Quota, RosterItem, Task, TimeEntry

REGIONS = scenario("escalation")["regions"]  # the county of tests/test_admin_accounts.py
TOWNSHIP = "360721105"
READ = f"period={MONTH.key}&lang=zh-Hans"


async def duplicate_of(client, admin, ids, title="反诈APP注册"):
    """The same demand entered again under another title, with its own quota in the first village."""
    task = (await client.get("/api/tasks", headers=admin)).json()[0]
    body = {k: task[k] for k in ("metric", "issued_by", "period_start", "period_end", "ranking", "penalty", "evidence")}
    answer = await client.post("/api/tasks", json={**body, "title": title}, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def test_usage_counts_distinct_reporters_from_k_only(village_client, village_settings, during_month):
    _supervisor, ids = await county_with_reporters(village_client, per_village=(3, 2, 0, 0, 0))
    admin = await bearer(village_client, "root")
    spare = await duplicate_of(village_client, admin, ids)
    await log_days(village_client, "lone", VILLAGES[0], DAYS[:2], task=spare)
    usage = {t["id"]: t for t in (await village_client.get("/api/tasks/usage", headers=admin)).json()}
    assert (usage[ids["reg"]]["reporters"], usage[spare]["reporters"]) == (
        5,
        None,
    )  # k = 5: one reporter is "fewer than k"
    assert set(usage[spare]) == {"id", "title", "issued_by", "period_start", "period_end", "hidden", "reporters"}
    bad = await village_client.get("/api/tasks/usage?page=x&lang=en", headers=admin)
    assert (bad.status_code, bad.json()["error"]["fields"]) == (422, {"page": "Must be a whole number."})


async def test_a_merge_moves_every_reference_and_the_published_month_reads_the_same(
    village_client, village_settings, during_month
):
    supervisor, ids = await county_with_reporters(village_client)
    admin = await bearer(village_client, "root")
    duplicate = await duplicate_of(village_client, admin, ids)
    await village_client.post(
        "/api/quotas",
        json={"task": duplicate, "region": VILLAGES[0], "target": 100, "base": "population"},
        headers=admin,
    )
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    summary = f"/api/summaries/{TOWNSHIP}?{READ}"
    before = (await village_client.get(summary, headers=supervisor)).json()
    assert before["top_sources"]["tasks"]  # the month names the task being merged away

    merged = await village_client.post(f"/api/tasks/{ids['reg']}/merge", json={"into": duplicate}, headers=admin)
    assert merged.status_code == 204, merged.text
    assert await TimeEntry.filter(task_id=ids["reg"]).count() == 0
    assert await Quota.filter(task_id=ids["reg"]).count() == 0
    assert (
        await Quota.filter(task_id=duplicate, region_id=VILLAGES[0]).count() == 1
    )  # two quotas of one village became one
    assert (await Task.get(id=ids["reg"])).hidden  # a published month counted it: it stays, hidden
    assert (await village_client.get(summary, headers=supervisor)).json() == before
    cadre = await bearer(village_client, f"c{VILLAGES[0]}-0")
    offered = [t["id"] for t in (await village_client.get("/api/tasks", headers=cadre)).json()]
    assert ids["reg"] not in offered and duplicate in offered


async def test_a_merge_of_a_task_no_release_counted_deletes_it_and_keeps_outcomes_once(client):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    await client.post("/api/regions", json={"regions": REGIONS}, headers=admin)
    await add_user("li", "cadre", VILLAGES[0])
    li = await bearer(client, "li")
    first = (
        await client.post(
            "/api/tasks",
            json={
                "title": "反诈助手注册",
                "metric": "registrations",
                "issued_by": TOWNSHIP,
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
            },
            headers=admin,
        )
    ).json()["id"]
    second = (
        await client.post(
            "/api/tasks",
            json={
                "title": "反诈助手APP注册",
                "metric": "registrations",
                "issued_by": TOWNSHIP,
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
            },
            headers=admin,
        )
    ).json()["id"]
    quotas = []
    for task in (first, second):
        answer = await client.post(
            "/api/quotas",
            json={"task": task, "region": VILLAGES[0], "target": 500 + task, "base": "population"},
            headers=li,
        )
        quotas.append(answer.json()["id"])
        said = await client.post(
            f"/api/quotas/{answer.json()['id']}/outcome", json={"status": "met", "means": ["door_to_door"]}, headers=li
        )
        assert said.status_code == 204, said.text
    answer = await client.post(f"/api/tasks/{second}/merge", json={"into": first}, headers=admin)
    assert answer.status_code == 204
    assert not await Task.exists(id=second)
    assert await Quota.filter(task_id=first).values_list("id", flat=True) == [quotas[0]]
    assert await Outcome.all().values_list("quota_ref", flat=True) == [
        pseudonyms.quota_ref("test-secret-" + "x" * 32, quotas[0])
    ]
    itself = await client.post(f"/api/tasks/{first}/merge?lang=en", json={"into": first}, headers=admin)
    assert (itself.status_code, itself.json()["error"]["fields"]) == (
        422,
        {"into": "Choose another task to merge it into."},
    )
    nothing = await client.post(f"/api/tasks/{first}/merge?lang=en", json={"into": "x"}, headers=admin)
    assert (nothing.status_code, list(nothing.json()["error"]["fields"])) == (422, ["into"])
    unknown = await client.post(f"/api/tasks/{first}/merge?lang=zh-Hans", json={"into": 99999}, headers=admin)
    assert (unknown.status_code, unknown.json()["error"]["fields"]) == (404, {"into": "找不到。"})


async def test_a_merge_offers_the_task_kept_to_whoever_reported_the_one_merged_away(client):
    """Cadres of two townships report one demand in other words; each sees only their own report
    (it is scoped to their township). Merged, the one kept is seen in both: the quotas and entries
    moved onto it must stay in their reporters' pickers."""
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    west = [
        {"code": "360721106", "parent": "360721", "level": "township", "name": "河西镇", "population": 9000},
        {"code": "360721106201", "parent": "360721106", "level": "village", "name": "西村", "population": 1200},
    ]
    await client.post("/api/regions", json={"regions": REGIONS + west}, headers=admin)
    await add_user("li", "cadre", VILLAGES[0])
    await add_user("zhao", "cadre", "360721106201")
    cadres = [await bearer(client, name) for name in ("li", "zhao")]
    body = {"metric": "registrations", "issued_by": "360721", "period_start": "2026-01-01", "period_end": "2026-12-31"}
    kept, merged = [
        (await client.post("/api/tasks", json={**body, "title": title}, headers=cadre)).json()["id"]
        for title, cadre in zip(("反诈助手注册", "反诈APP注册"), cadres, strict=True)
    ]
    assert [[t["id"] for t in (await client.get("/api/tasks", headers=cadre)).json()] for cadre in cadres] == [
        [kept],
        [merged],
    ]
    assert (await client.post(f"/api/tasks/{merged}/merge", json={"into": kept}, headers=admin)).status_code == 204
    assert [[t["id"] for t in (await client.get("/api/tasks", headers=cadre)).json()] for cadre in cadres] == [
        [kept],
        [kept],
    ]
    apps = [
        (
            await client.post(
                "/api/apps", json={"name": name, "function": "反诈", "owner_level": "county"}, headers=cadre
            )
        ).json()["id"]
        for name, cadre in zip(("反诈助手", "反诈APP"), cadres, strict=True)
    ]
    assert (await client.post(f"/api/apps/{apps[1]}/merge", json={"into": apps[0]}, headers=admin)).status_code == 204
    assert [[a["id"] for a in (await client.get("/api/apps", headers=cadre)).json()] for cadre in cadres] == [
        apps[:1],
        apps[:1],
    ]


async def test_rename_and_hide_a_task_and_merge_apps(client):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    await client.post("/api/regions", json={"regions": REGIONS}, headers=admin)
    await add_user("li", "cadre", VILLAGES[0])
    li = await bearer(client, "li")
    task = (
        await client.post(
            "/api/tasks",
            json={
                "title": "反炸助手注册",
                "metric": "registrations",
                "issued_by": TOWNSHIP,
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
            },
            headers=admin,
        )
    ).json()["id"]
    renamed = await client.patch(f"/api/tasks/{task}", json={"title": "反诈助手注册"}, headers=admin)
    assert (renamed.status_code, renamed.json()["title"], renamed.json()["hidden"]) == (200, "反诈助手注册", False)
    hidden = await client.patch(f"/api/tasks/{task}", json={"hidden": True}, headers=admin)
    assert hidden.json()["hidden"] is True
    assert (await client.get("/api/tasks", headers=li)).json() == []
    bad = await client.patch(f"/api/tasks/{task}?lang=en", json={"title": "", "hidden": "yes"}, headers=admin)
    assert (bad.status_code, bad.json()["error"]["fields"]) == (
        422,
        {"title": "1 to 200 characters.", "hidden": "Must be true or false."},
    )

    apps = [
        (
            await client.post(
                "/api/apps", json={"name": name, "function": "反诈", "owner_level": "county"}, headers=admin
            )
        ).json()["id"]
        for name in ("反诈助手", "国家反诈中心")
    ]
    assert (
        await client.put(
            "/api/roster",
            json={"apps": [{"app": apps[0], "resident_use": "rare"}, {"app": apps[1], "resident_use": "none"}]},
            headers=li,
        )
    ).status_code == 200
    assert (await client.post(f"/api/apps/{apps[1]}/merge", json={"into": apps[0]}, headers=admin)).status_code == 204
    assert await RosterItem.all().values_list("app_id", "resident_use") == [(apps[0], "rare")]
    assert not await App.exists(id=apps[1])
    assert (await client.patch(f"/api/apps/{apps[0]}", json={"name": "国家反诈中心"}, headers=admin)).json()[
        "name"
    ] == "国家反诈中心"
    assert [a["id"] for a in (await client.get("/api/apps", headers=li)).json()] == [apps[0]]
    assert (await client.patch(f"/api/apps/{apps[0]}", json={"hidden": True}, headers=admin)).json()["hidden"] is True
    assert (await client.get("/api/apps", headers=li)).json() == []  # no picker offers a hidden app
    refused = await client.put("/api/roster", json={"apps": [{"app": apps[0], "resident_use": "some"}]}, headers=li)
    assert refused.status_code == 422


async def test_reporting_a_hidden_task_again_says_so(client):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    await client.post("/api/regions", json={"regions": REGIONS}, headers=admin)
    await add_user("li", "cadre", VILLAGES[0])
    body = {
        "title": "刷单任务",
        "metric": "likes",
        "issued_by": TOWNSHIP,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    }
    task = (await client.post("/api/tasks", json=body, headers=admin)).json()["id"]
    await client.patch(f"/api/tasks/{task}", json={"hidden": True}, headers=admin)
    again = await client.post("/api/tasks?lang=en", json=body, headers=await bearer(client, "li"))
    assert (again.status_code, again.json()["error"]["fields"]) == (
        422,
        {"title": "An administrator merged or hid this one. Choose it from the list instead."},
    )


async def test_app_merges_and_renames_leave_the_published_month_as_it_was(
    village_client, village_settings, during_month
):
    supervisor, ids = await county_with_reporters(village_client)
    admin = await bearer(village_client, "root")
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    summary = f"/api/summaries/{TOWNSHIP}?{READ}"
    before = (await village_client.get(summary, headers=supervisor)).json()
    assert [a["name"] for a in before["top_sources"]["apps"]] == ["反诈助手"]
    other = (
        await village_client.post(
            "/api/apps",
            json={"name": "国家反诈中心", "function": "anti_fraud", "owner_level": "province"},
            headers=admin,
        )
    ).json()["id"]
    assert (
        await village_client.post(f"/api/apps/{ids['antifraud']}/merge", json={"into": other}, headers=admin)
    ).status_code == 204
    assert (await village_client.get(summary, headers=supervisor)).json() == before
    assert (await App.get(id=ids["antifraud"])).hidden
    renamed = await village_client.patch(f"/api/tasks/{ids['reg']}", json={"title": "反诈助手APP注册"}, headers=admin)
    assert (renamed.status_code, renamed.json()["title"], renamed.json()["hidden"]) == (200, "反诈助手APP注册", False)
    assert renamed.json()["id"] != ids["reg"]  # a new task the published one was merged into
    app = await village_client.patch(f"/api/apps/{other}", json={"name": "国家反诈中心APP"}, headers=admin)
    assert app.json()["name"] == "国家反诈中心APP"
    assert (await village_client.get(summary, headers=supervisor)).json() == before
    cadre = await bearer(village_client, f"c{VILLAGES[0]}-0")
    assert [t["title"] for t in (await village_client.get("/api/tasks", headers=cadre)).json()] == ["反诈助手APP注册"]
