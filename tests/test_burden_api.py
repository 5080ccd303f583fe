"""The burden engine through the API: indices, suppression, flags, publication and scope.

Every test logs during a fixed month of the past with a frozen clock (conftest.MONTH), publishes it
on its publication day as the scheduler would, and reads it after: nothing depends on today.
"""

import httpx
import pytest
from burden_cases import DAYS, PERIOD, county_with_reporters, log_days
from conftest import AFTER, MONTH, SECRET, add_user, bearer, load_scenario, publish_month, scenario

from server.app import create_app
from server.config import Settings
from server.domain.rules import Rules
from server.store.release import forget_months


async def test_a_township_summary_suppresses_small_villages_and_their_complement(
    village_client, village_settings, during_month
):
    supervisor, _ids = await county_with_reporters(village_client)
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    answer = await village_client.get(f"/api/burden/360721105?{PERIOD}", headers=supervisor)
    body = answer.json()
    assert (answer.status_code, body["region"], body["period"], body["reporters"], body["suppressed"]) == (
        200,
        {"code": "360721105", "name": "石桥镇", "level": "township"},
        MONTH.key,
        19,
        False,
    )
    assert body["indices"]["hours_per_reporter_week"] == 7.0 and body["indices"]["evidence_share"] == round(2 / 31, 3)
    # 枫树村 has 2 cadres (under k = 5); 茶园村 has no account at all, so its zero hides nothing.
    # 19 - 6 - 6 - 5 - 0 = 2 would reveal 枫树村, so 河口村 (5) is hidden too.
    assert [
        (c["region"]["name"], c["reporters"], c["suppressed"], c["known_zero"], c["indices"]["hours_per_reporter_week"])
        for c in body["children"]
    ] == [
        ("上坪村", 6, False, False, 7.0),
        ("下坪村", 6, False, False, 7.0),
        ("河口村", None, True, False, None),
        ("枫树村", None, True, False, None),
        ("茶园村", 0, False, True, None),
    ]
    hidden = body["children"][2]["indices"]
    assert [hidden[k] for k in ("hours_per_reporter_week", "burden_index", "cost_yuan", "evidence_share")] == [
        None,
        None,
        None,
        None,
    ]
    assert hidden["quota_pressure"] == round(1500 / 5100, 3)  # quotas are about places, not people


async def test_cost_and_burden_index_follow_the_formulas(village_client, village_settings, during_month):
    supervisor, ids = await county_with_reporters(village_client, per_village=(6, 6, 6, 6, 6))
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    body = (await village_client.get(f"/api/burden/360721105?{PERIOD}", headers=supervisor)).json()
    indices = body["indices"]
    assert indices["cost_yuan"] == 30 * 31 * 25  # 30 cadres x 31 hours x 25 yuan; nobody paid for anything
    expected = 100 * (
        0.35 * 7 / 20
        + 0.20 * (indices["quota_pressure"] - 0.5) / 3.5 * (indices["quota_pressure"] > 0.5)
        + 0.10 * 1.0
        + 0.10 * 2 / 31
    )
    assert indices["burden_index"] == pytest.approx(round(expected, 1), abs=0.051)
    assert body["top_sources"]["tasks"] == [{"id": ids["reg"], "name": "反诈助手注册", "hours": 930.0, "share": 1.0}]
    assert body["categories"]["evidence"] == {"hours": 60.0, "share": round(2 / 31, 3)}


async def test_flags_show_the_escalation_with_its_chain(village_client, village_settings, during_month):
    supervisor, ids = await county_with_reporters(village_client)
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    flags = (await village_client.get(f"/api/flags/360721105?{PERIOD}", headers=supervisor)).json()["flags"]
    escalation = [f for f in flags if f["kind"] == "escalation"]
    assert [(f["region"], f["severity"], f["ratio"], f["task"], f["detail"]["chain"]) for f in escalation] == [
        ("360721105", "warning", 1.25, ids["reg"], [{"region": "360721105", "ratio": 1.25}])
    ]
    assert sorted({f["kind"] for f in flags}) == ["escalation", "ranking_pressure", "vanity_metric"]


async def test_a_month_answers_409_until_its_publication_and_weeks_are_never_published(client, settings, during_month):
    supervisor, _ids = await county_with_reporters(client, per_village=(0, 0, 0, 0, 0))
    answer = await client.get(f"/api/burden/360721?{PERIOD}&lang=en", headers=supervisor)
    body = answer.json()["error"]
    assert (answer.status_code, body["code"], body["available_on"]) == (409, "not_published", "2026-04-07")
    assert body["message"] == "This period is not published yet. It will be on 2026-04-07."
    for bad in ("2024-13", "2026-W10", "soon"):
        wrong = await client.get(f"/api/burden/360721?period={bad}&lang=en", headers=supervisor)
        assert (wrong.status_code, wrong.json()["error"]["fields"]) == (
            422,
            {"period": "Published figures are monthly: give a month such as 2024-03."},
        )
    await publish_month(settings)
    during_month.move_to(AFTER)
    assert (await client.get(f"/api/burden/360721?{PERIOD}", headers=supervisor)).status_code == 200
    latest = await client.get("/api/burden/360721", headers=supervisor)  # no period: the latest published month
    assert (latest.status_code, latest.json()["period"]) == (200, MONTH.key)


async def test_nothing_below_the_township_is_published_by_default(client, settings, during_month):
    supervisor, _ids = await county_with_reporters(client)
    await publish_month(settings)
    during_month.move_to(AFTER)
    body = (await client.get(f"/api/burden/360721105?{PERIOD}", headers=supervisor)).json()
    assert (body["reporters"], body["children"]) == (19, [])
    village = await client.get(f"/api/burden/360721105201?{PERIOD}", headers=supervisor)
    assert village.status_code == 404


async def test_scope_supervisors_read_their_subtree_cadres_their_own_line(client, settings, during_month):
    _supervisor, _ids = await county_with_reporters(client, per_village=(1, 0, 0, 0, 0))
    await publish_month(settings)
    during_month.move_to(AFTER)
    await add_user("sup-village", "supervisor", "360721105202")
    outside = await client.get(f"/api/burden/360721105201?{PERIOD}", headers=await bearer(client, "sup-village"))
    assert (outside.status_code, outside.json()["error"]["code"]) == (404, "not_found")
    cadre = await bearer(client, "c360721105201-0")
    own_township = await client.get(f"/api/burden/360721105?{PERIOD}", headers=cadre)
    assert (own_township.status_code, own_township.json()["suppressed"], own_township.json()["reporters"]) == (
        200,
        True,
        None,
    )
    province = await client.get(f"/api/burden/360000?{PERIOD}", headers=cadre)
    assert (province.status_code, province.json()["region"]["code"]) == (
        200,
        "360000",
    )  # the province is on the cadre's line
    await client.post(
        "/api/regions",
        json={
            "regions": [{"code": "360722", "parent": "360700", "level": "county", "name": "邻县", "population": 1000}]
        },
        headers=await bearer(client, "root"),
    )
    neighbour = await client.get(f"/api/burden/360722?{PERIOD}", headers=cadre)
    assert neighbour.status_code == 404


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("zh-Hans", "指标 ÷ 符合条件的人数；高于 1.25 为严重。"),
        ("zh-Hant", "指標 ÷ 符合條件的人數；高於 1.25 為嚴重。"),
        ("en", "Target ÷ eligible people; critical above 1.25."),
    ],
)
async def test_the_method_page_states_the_rules_in_force(store, lang, sentence):
    app = create_app(
        Settings(database_url=store, secret=SECRET, k=12, rules=Rules(eligible_critical=1.25)), manage_store=False
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
        answer = await http.get(f"/method?lang={lang}")
    assert answer.status_code == 200
    assert sentence in answer.text
    assert {"zh-Hans": "至少 12 名", "zh-Hant": "至少 12 名", "en": "at least 12 distinct established cadres"}[
        lang
    ] in answer.text


async def test_duplicate_systems_scenario_flags_duplicate_and_zombie_apps(
    village_client, village_settings, during_month
):
    case = scenario("duplicate-systems")
    await add_user("root", "admin", None)
    ids = await load_scenario(village_client, await bearer(village_client, "root"), case)
    roster = [{"app": ids[a["app"]], "resident_use": a["resident_use"]} for a in case["roster"][0]["apps"]]
    for n in range(5):
        await log_days(village_client, f"grid{n}", "510104020005", DAYS[:2], minutes=90, activity="duplicate_reporting")
        await village_client.put("/api/roster", json={"apps": roster}, headers=await bearer(village_client, f"grid{n}"))
    await add_user("sup", "supervisor", "510104")
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    flags = (
        await village_client.get(f"/api/flags/510104020005?{PERIOD}", headers=await bearer(village_client, "sup"))
    ).json()["flags"]
    assert sorted((f["kind"], f["region"], f["app"]) for f in flags) == [
        ("duplicate_app", "510104020005", ids["city"]),
        ("zombie_app", "510104020005", ids["city"]),
        ("zombie_app", "510104020005", ids["prov_a"]),
        ("zombie_app", "510104020005", ids["prov_b"]),
    ]
    for expected in case["expect"]["flags"]:
        assert any(all(f[k] == v for k, v in expected.items()) for f in flags)
    few = await village_client.get(
        f"/api/flags/510104020005?{PERIOD}&lang=en", headers=await bearer(village_client, "sup")
    )
    assert "Residents never use 市公租房管理系统, say 100% of the cadres required to use it." in [
        f["message"] for f in few.json()["flags"]
    ]


async def test_flags_name_the_region_that_set_a_target_never_the_village_that_received_it(
    client, settings, during_month
):
    case = scenario("village-activity-quota")
    case["tasks"][0].update(period_start=MONTH.first.isoformat(), period_end=MONTH.last.isoformat())
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    ids = await load_scenario(client, admin, case)
    await client.post("/api/quotas", json={**case["quotas"][0], "task": ids["active"]}, headers=admin)
    await add_user("sup", "supervisor", "420121")
    await publish_month(settings)
    during_month.move_to(AFTER)
    answer = await client.get(f"/api/flags/420121?{PERIOD}&lang=en", headers=await bearer(client, "sup"))
    flags = answer.json()["flags"]
    assert "420121101201" not in {f["region"] for f in flags}
    quota_flag = next(f for f in flags if f["kind"] == "exceeds_base")
    assert (quota_flag["region"], quota_flag["severity"], quota_flag["ratio"], quota_flag["detail"]) == (
        "420121101",
        "critical",
        4.21,
        {"places": 1, "ratio_min": 4.21, "ratio_max": 4.21},
    )
    assert quota_flag["message"] == "沿江镇 passed a target close to or above the population to 1 place: 4.21 times."


async def test_the_dashboard_shows_places_chart_and_hidden_cells_in_traditional(
    village_client, village_settings, during_month
):
    supervisor, _ids = await county_with_reporters(village_client)
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    page = await village_client.get(f"/dashboard/360721105?{PERIOD}&lang=zh-Hant", headers=supervisor)
    assert page.status_code == 200
    html = page.text
    assert "<h1>石橋鎮 <small>鄉鎮/街道</small></h1>" in html
    assert html.count('<rect x="120"') == 2  # bars for the two shown villages only
    assert html.count("少於 5") >= 4  # the two hidden villages, in the chart and the table
    assert "沒有幹部帳號" in html  # 茶园村: no account at all, so nothing to hide
    assert 'href="/dashboard/360721105201?period=' in html
    # One published month: the trend column says so in words for the two shown villages, no lone dot.
    assert (html.count('<svg class="sparkline"'), html.count("只有一個月可以顯示：太少，看不出趨勢")) == (0, 2)
    own_township = await village_client.get(
        f"/dashboard/360721105?{PERIOD}", headers=await bearer(village_client, "c360721105201-0")
    )
    # A cadre reads their own township's summary; the language chosen earlier on this device sticks.
    assert (own_township.status_code, "<h1>石橋鎮" in own_township.text) == (200, True)
    await add_user("sup-other", "supervisor", "360721105202")
    outside = await village_client.get(
        f"/dashboard/360721105?{PERIOD}", headers=await bearer(village_client, "sup-other")
    )
    assert outside.status_code == 404


async def test_a_published_month_never_moves_after_a_late_entry_a_restart_or_new_settings(
    village_client, village_settings, during_month, store
):
    supervisor, ids = await county_with_reporters(village_client, per_village=(6, 6, 5, 0, 0))
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    url = f"/api/burden/360721105?{PERIOD}"
    first = (await village_client.get(url, headers=supervisor)).json()
    await add_user("late", "cadre", "360721105204")  # the fourth village, hidden so far
    late = await bearer(village_client, "late")
    entries = [
        {"client_id": f"late{d}", "date": day.isoformat(), "minutes": 600, "activity": "evidence", "task": ids["reg"]}
        for d, day in enumerate(DAYS[:3])
    ]
    assert (
        len((await village_client.post("/api/entries", json={"entries": entries}, headers=late)).json()["accepted"])
        == 3
    )
    forget_months()  # as after a restart: only the store remembers
    second = (await village_client.get(url, headers=supervisor)).json()
    assert first["reporters"] == 17 and second == first  # sources, categories, costs and shares too
    other = create_app(Settings(database_url=store, secret=SECRET, k=8, min_level="township"), manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url="http://jianfu.test") as http:
        third = (await http.get(url, headers=supervisor)).json()
        method = (await http.get("/method?lang=en")).text
    assert third == first  # another JIANFU_K and JIANFU_MIN_LEVEL apply from the next publication only
    assert "<tr><td>2026-03</td><td>" in method and '</td><td class="num">5</td>' in method


async def test_a_task_or_category_carried_by_fewer_than_k_cadres_is_not_listed(
    village_client, village_settings, during_month
):
    supervisor, ids = await county_with_reporters(village_client, per_village=(6, 6, 6, 6, 6))
    admin = await bearer(village_client, "root")
    task = {
        "title": "一人专项台账",
        "metric": "other",
        "issued_by": "360721105",
        "period_start": MONTH.first.isoformat(),
        "period_end": MONTH.last.isoformat(),
        "frequency": "weekly",
        "ranking": "none",
        "penalty": "none",
        "evidence": "none",
    }
    lone = (await village_client.post("/api/tasks", json=task, headers=admin)).json()["id"]
    await log_days(village_client, "lone", "360721105201", DAYS[:2], minutes=150, activity="check_in", task=lone)
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    body = (await village_client.get(f"/api/burden/360721105?{PERIOD}", headers=supervisor)).json()
    # One cadre's 5 hours on a task of their own, and on check-ins, would point at that cadre; the
    # big task hides too, or the minutes minus it would be those 5 hours.
    assert [t["id"] for t in body["top_sources"]["tasks"]] == []
    assert body["categories"]["check_in"] == {"hours": None, "share": None}
    assert body["reporters"] == 31 and body["indices"]["hours_per_reporter_week"] == round(
        (30 * 31 * 60 + 300) / 60 / 31 / (31 / 7), 3
    )
