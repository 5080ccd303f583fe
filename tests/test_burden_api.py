"""The burden engine through the API: indices, suppression, flags, publication and scope."""

from datetime import date, timedelta

import httpx
import pytest

from clock import app_today
from conftest import SECRET, add_user, bearer, load_scenario, scenario
from server.app import create_app
from server.burden.rules import Rules
from server.burden.periods import latest_published, weeks_overlapping
from server.config import Settings
from server.release import forget_trees

WEEK = latest_published(app_today(), "week")
VILLAGES = ["360721105201", "360721105202", "360721105203", "360721105204", "360721105205"]


async def county_with_reporters(client, per_village=(6, 6, 5, 2, 0), minutes_per_day=60, task_period=None):
    """The escalation scenario, its task moved into the published week, and cadres logging every day."""
    case = scenario("escalation")
    first, last = task_period or (WEEK.first, WEEK.last)
    for task in case["tasks"]:
        task.update(period_start=first.isoformat(), period_end=last.isoformat())
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    ids = await load_scenario(client, admin, case)
    for quota in case["quotas"]:
        await client.post("/api/quotas", json={**quota, "task": ids["reg"]}, headers=admin)
    for village, count in zip(VILLAGES, per_village):
        for n in range(count):
            await add_user(f"c{village}-{n}", "cadre", village)
            headers = await bearer(client, f"c{village}-{n}")
            days = [WEEK.first + timedelta(days=d) for d in range(7)]
            batch = [{"client_id": f"d{d}", "date": day.isoformat(), "minutes": minutes_per_day, "activity": "evidence" if d < 2 else "data_entry", "task": ids["reg"]} for d, day in enumerate(days)]
            answer = await client.post("/api/entries", json={"entries": batch}, headers=headers)
            assert len(answer.json()["accepted"]) == 7, answer.text
    await add_user("sup", "supervisor", "360721")
    return await bearer(client, "sup"), ids


async def test_a_township_summary_suppresses_small_villages_and_their_complement(village_client):
    supervisor, _ids = await county_with_reporters(village_client)
    answer = await village_client.get(f"/api/burden/360721105?period={WEEK.key}", headers=supervisor)
    body = answer.json()
    assert (answer.status_code, body["region"], body["period"], body["reporters"], body["suppressed"]) == (200, {"code": "360721105", "name": "石桥镇", "level": "township"}, WEEK.key, 19, False)
    assert body["indices"]["hours_per_reporter_week"] == 7.0 and body["indices"]["evidence_share"] == round(2 / 7, 3)
    # 2 and 0 reporters are under k; 19 - 6 - 6 - 5 = 2 would reveal them, so 河口村 (5) is hidden too.
    assert [(c["region"]["name"], c["reporters"], c["suppressed"], c["indices"]["hours_per_reporter_week"]) for c in body["children"]] == [
        ("上坪村", 6, False, 7.0),
        ("下坪村", 6, False, 7.0),
        ("河口村", None, True, None),
        ("枫树村", None, True, None),
        ("茶园村", None, True, None),
    ]
    hidden = body["children"][2]["indices"]
    assert [hidden[k] for k in ("hours_per_reporter_week", "burden_index", "cost_yuan", "evidence_share")] == [None, None, None, None]
    assert hidden["quota_pressure"] == round(1500 / 5100, 3)  # quotas are about places, not people


async def test_cost_and_burden_index_follow_the_formulas(village_client):
    supervisor, _ids = await county_with_reporters(village_client, per_village=(6, 6, 6, 6, 6))
    body = (await village_client.get(f"/api/burden/360721105?period={WEEK.key}", headers=supervisor)).json()
    indices = body["indices"]
    assert indices["cost_yuan"] == 30 * 7 * 25  # 30 cadres x 7 hours x 25 yuan
    expected = 100 * (0.35 * 7 / 20 + 0.20 * (indices["quota_pressure"] - 0.5) / 3.5 * (indices["quota_pressure"] > 0.5) + 0.10 * 1.0 + 0.10 * 2 / 7)
    assert indices["burden_index"] == pytest.approx(round(expected, 1), abs=0.051)
    assert body["top_sources"]["tasks"] == [{"id": 1, "name": "反诈助手注册", "hours": 210.0, "share": 1.0}]
    assert body["categories"]["evidence"] == {"hours": 60.0, "share": round(2 / 7, 3)}


async def test_flags_show_the_escalation_with_its_chain(village_client):
    supervisor, ids = await county_with_reporters(village_client)
    answer = await village_client.get(f"/api/flags/360721105?period={WEEK.key}", headers=supervisor)
    flags = answer.json()["flags"]
    escalation = [f for f in flags if f["kind"] == "escalation"]
    assert [(f["region"], f["severity"], f["ratio"], f["task"], f["detail"]["chain"]) for f in escalation] == [("360721105", "warning", 1.25, ids["reg"], [{"region": "360721105", "ratio": 1.25}])]
    assert sorted({f["kind"] for f in flags}) == ["escalation", "ranking_pressure", "vanity_metric"]


async def test_a_period_is_published_seven_days_after_it_closes(client):
    supervisor, _ids = await county_with_reporters(client, per_village=(0, 0, 0, 0, 0))
    current = app_today().strftime("%Y-%m")
    answer = await client.get(f"/api/burden/360721?period={current}&lang=en", headers=supervisor)
    body = answer.json()["error"]
    assert (answer.status_code, body["code"]) == (409, "not_published")
    assert body["message"] == f"This period is not published yet. It will be on {body['available_on']}."
    bad = await client.get("/api/burden/360721?period=2024-13&lang=en", headers=supervisor)
    assert (bad.status_code, bad.json()["error"]["fields"]) == (422, {"period": "Must be a week like 2024-W10 or a month like 2024-03."})


async def test_nothing_below_the_township_is_published_by_default(client):
    supervisor, _ids = await county_with_reporters(client)
    body = (await client.get(f"/api/burden/360721105?period={WEEK.key}", headers=supervisor)).json()
    assert (body["reporters"], body["children"]) == (19, [])
    village = await client.get(f"/api/burden/360721105201?period={WEEK.key}", headers=supervisor)
    assert village.status_code == 404


async def test_scope_supervisors_read_their_subtree_cadres_their_own_line(client):
    _supervisor, _ids = await county_with_reporters(client, per_village=(1, 0, 0, 0, 0))
    await add_user("sup-village", "supervisor", "360721105202")
    outside = await client.get(f"/api/burden/360721105201?period={WEEK.key}", headers=await bearer(client, "sup-village"))
    assert (outside.status_code, outside.json()["error"]["code"]) == (404, "not_found")
    cadre = await bearer(client, "c360721105201-0")
    own_township = await client.get(f"/api/burden/360721105?period={WEEK.key}", headers=cadre)
    assert (own_township.status_code, own_township.json()["suppressed"], own_township.json()["reporters"]) == (200, True, None)
    province = await client.get(f"/api/burden/360000?period={WEEK.key}", headers=cadre)
    assert (province.status_code, province.json()["region"]["code"]) == (200, "360000")  # the province is on the cadre's line
    await client.post("/api/regions", json={"regions": [{"code": "360722", "parent": "360700", "level": "county", "name": "邻县", "population": 1000}]}, headers=await bearer(client, "root"))
    neighbour = await client.get(f"/api/burden/360722?period={WEEK.key}", headers=cadre)
    assert neighbour.status_code == 404


@pytest.mark.parametrize(("lang", "sentence"), [
    ("zh-Hans", "指标 ÷ 符合条件的人数；高于 1.25 为严重。"),
    ("zh-Hant", "指標 ÷ 符合條件的人數；高於 1.25 為嚴重。"),
    ("en", "Target ÷ eligible people; critical above 1.25."),
])
async def test_the_method_page_states_the_rules_in_force(store, lang, sentence):
    app = create_app(Settings(database_url=store, secret=SECRET, k=12, rules=Rules(eligible_critical=1.25)), manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
        answer = await http.get(f"/method?lang={lang}")
    assert answer.status_code == 200
    assert sentence in answer.text
    assert {"zh-Hans": "至少 12 名", "zh-Hant": "至少 12 名", "en": "at least 12 distinct cadres"}[lang] in answer.text


async def test_duplicate_systems_scenario_flags_duplicate_and_zombie_apps(village_client):
    case = scenario("duplicate-systems")
    await add_user("root", "admin", None)
    ids = await load_scenario(village_client, await bearer(village_client, "root"), case)
    roster = [{"app": ids[a["app"]], "resident_use": a["resident_use"]} for a in case["roster"][0]["apps"]]
    for n in range(5):
        await add_user(f"grid{n}", "cadre", "510104020005")
        headers = await bearer(village_client, f"grid{n}")
        await village_client.put("/api/roster", json={"apps": roster}, headers=headers)
        await village_client.post("/api/entries", json={"entries": [{"client_id": "a", "date": WEEK.first.isoformat(), "minutes": 90, "activity": "duplicate_reporting"}]}, headers=headers)
    await add_user("sup", "supervisor", "510104")
    flags = (await village_client.get(f"/api/flags/510104020005?period={WEEK.key}", headers=await bearer(village_client, "sup"))).json()["flags"]
    assert sorted((f["kind"], f["region"], f["app"]) for f in flags) == [
        ("duplicate_app", "510104020005", ids["city"]),
        ("zombie_app", "510104020005", ids["city"]),
        ("zombie_app", "510104020005", ids["prov_a"]),
        ("zombie_app", "510104020005", ids["prov_b"]),
    ]
    for expected in case["expect"]["flags"]:
        assert any(all(f[k] == v for k, v in expected.items()) for f in flags)
    few = await village_client.get(f"/api/flags/510104020005?period={WEEK.key}&lang=en", headers=await bearer(village_client, "sup"))
    assert "Residents never use 市公租房管理系统, say 100% of the cadres required to use it." in [f["message"] for f in few.json()["flags"]]


async def test_flags_name_the_region_that_set_a_target_never_the_village_that_received_it(client):
    case = scenario("village-activity-quota")
    case["tasks"][0].update(period_start=WEEK.first.isoformat(), period_end=WEEK.last.isoformat())
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    ids = await load_scenario(client, admin, case)
    await client.post("/api/quotas", json={**case["quotas"][0], "task": ids["active"]}, headers=admin)
    await add_user("sup", "supervisor", "420121")
    answer = await client.get(f"/api/flags/420121?period={WEEK.key}&lang=en", headers=await bearer(client, "sup"))
    flags = answer.json()["flags"]
    assert "420121101201" not in {f["region"] for f in flags}
    quota_flag = next(f for f in flags if f["kind"] == "exceeds_base")
    assert (quota_flag["region"], quota_flag["severity"], quota_flag["ratio"], quota_flag["detail"]) == ("420121101", "critical", 4.21, {"places": 1, "ratio_min": 4.21, "ratio_max": 4.21})
    assert quota_flag["message"] == "沿江镇 passed a target close to or above the population to 1 place: 4.21 times."


async def test_the_dashboard_shows_places_chart_and_hidden_cells_in_traditional(village_client):
    supervisor, _ids = await county_with_reporters(village_client)
    page = await village_client.get(f"/dashboard/360721105?period={WEEK.key}&lang=zh-Hant", headers=supervisor)
    assert page.status_code == 200
    html = page.text
    assert "<h1>石橋鎮 <small>鄉鎮/街道</small></h1>" in html
    assert html.count('<rect x="120"') == 2  # bars for the two shown villages only
    assert html.count("少於 5") >= 3  # the three hidden villages, in the chart and the table
    assert 'href="/dashboard/360721105201?period=' in html
    assert html.count('<svg class="sparkline"') == 5
    own_township = await village_client.get(f"/dashboard/360721105?period={WEEK.key}", headers=await bearer(village_client, "c360721105201-0"))
    # A cadre reads their own township's summary; the language chosen earlier on this device sticks.
    assert (own_township.status_code, "<h1>石橋鎮" in own_township.text) == (200, True)
    await add_user("sup-other", "supervisor", "360721105202")
    outside = await village_client.get(f"/dashboard/360721105?period={WEEK.key}", headers=await bearer(village_client, "sup-other"))
    assert outside.status_code == 404


async def test_a_published_figure_never_moves_after_a_late_entry_or_a_restart(village_client):
    supervisor, ids = await county_with_reporters(village_client, per_village=(6, 6, 5, 0, 0))
    url = f"/api/burden/360721105?period={WEEK.key}"
    first = (await village_client.get(url, headers=supervisor)).json()
    await add_user("late", "cadre", "360721105204")  # the fourth village, hidden so far
    late = await bearer(village_client, "late")
    entry = {"client_id": "late", "date": WEEK.first.isoformat(), "minutes": 600, "activity": "evidence", "task": ids["reg"]}
    assert (await village_client.post("/api/entries", json={"entries": [entry]}, headers=late)).json()["accepted"] == ["late"]
    forget_trees()  # as after a restart: only the store remembers
    second = (await village_client.get(url, headers=supervisor)).json()
    figures = lambda s: [(c["region"]["code"], c["reporters"], c["suppressed"], c["indices"]["hours_per_reporter_week"]) for c in [s, *s["children"]]]  # noqa: E731
    assert figures(second) == figures(first)
    assert first["reporters"] == 17 and second["reporters"] == 17
    assert second == first  # sources, categories, costs and shares too: the whole release is frozen


async def log_days(client, username: str, region: str, days, minutes: int = 60, activity: str = "data_entry", task=None) -> None:
    await add_user(username, "cadre", region)
    headers = await bearer(client, username)
    batch = [{"client_id": f"{username}-{day}", "date": day.isoformat(), "minutes": minutes, "activity": activity, "task": task} for day in days]
    answer = await client.post("/api/entries", json={"entries": batch}, headers=headers)
    assert len(answer.json()["accepted"]) == len(batch), answer.text


async def test_a_task_or_category_carried_by_fewer_than_k_cadres_is_not_listed(village_client):
    supervisor, ids = await county_with_reporters(village_client, per_village=(6, 6, 6, 6, 6))
    admin = await bearer(village_client, "root")
    task = {"title": "一人专项台账", "metric": "other", "issued_by": "360721105", "period_start": WEEK.first.isoformat(), "period_end": WEEK.last.isoformat(), "frequency": "weekly", "ranking": "none", "penalty": "none", "evidence": "none"}
    lone = (await village_client.post("/api/tasks", json=task, headers=admin)).json()["id"]
    await log_days(village_client, "lone", "360721105201", [WEEK.first], minutes=300, activity="check_in", task=lone)
    body = (await village_client.get(f"/api/burden/360721105?period={WEEK.key}", headers=supervisor)).json()
    # One cadre's 5 hours on a task of their own, and on check-ins, would point at that cadre.
    assert [t["id"] for t in body["top_sources"]["tasks"]] == []  # and the big task hides with it: 300 min would be total minus it
    assert body["categories"]["check_in"] == {"hours": None, "share": None}
    assert body["reporters"] == 31 and body["indices"]["hours_per_reporter_week"] == round((30 * 7 * 60 + 300) / 60 / 31, 3)


async def test_a_month_hides_a_place_whose_week_it_would_give_away(village_client):
    supervisor, _ids = await county_with_reporters(village_client, per_village=(0, 0, 0, 0, 0))
    month = latest_published(app_today(), "month")
    weeks = [w for w in weeks_overlapping(month) if w.first >= month.first and w.last <= month.last]
    quiet = weeks[1]
    days = [month.first + timedelta(days=d) for d in range(month.days)]
    for n in range(6):
        await log_days(village_client, f"a{n}", VILLAGES[0], days)
        await log_days(village_client, f"b{n}", VILLAGES[1], [d for d in days if n < 2 or not quiet.first <= d <= quiet.last])
    week = (await village_client.get(f"/api/burden/360721105?period={quiet.key}", headers=supervisor)).json()
    # In the quiet week 下坪村 has 2 cadres; 上坪村 hides with it, or the township minus 上坪村 would tell.
    assert [(c["region"]["code"], c["suppressed"]) for c in week["children"][:2]] == [(VILLAGES[0], True), (VILLAGES[1], True)]
    body = (await village_client.get(f"/api/burden/360721105?period={month.key}", headers=supervisor)).json()
    # 下坪村 has 6 cadres in the month, but the month minus its shown weeks is 2 cadres' week.
    assert [(c["region"]["code"], c["suppressed"]) for c in body["children"][:2]] == [(VILLAGES[0], False), (VILLAGES[1], True)]
    assert body["reporters"] == 12 and not body["suppressed"]
