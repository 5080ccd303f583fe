import asyncio

import pytest
from conftest import add_user, bearer, load_scenario, scenario

from server.models import Quota, QuotaRevision


async def cadre_in(client, case_name, region, username="li"):
    """Load a scenario as the admin; answers (cadre headers, ids) for a cadre of `region`."""
    await add_user("root", "admin", None)
    ids = await load_scenario(client, await bearer(client, "root"), scenario(case_name))
    await add_user(username, "cadre", region)
    return await bearer(client, username), ids


def picked(flags, *keys):
    return [{k: f.get(k) for k in keys} for f in flags]


async def test_village_activity_quota_is_flagged_critical_at_4_21(client):
    case = scenario("village-activity-quota")
    headers, ids = await cadre_in(client, "village-activity-quota", "420121101")
    quota = {**case["quotas"][0], "task": ids["active"]}
    answer = await client.post("/api/quotas", json=quota, headers=headers)
    assert answer.status_code == 201
    body = answer.json()
    assert {k: body[k] for k in ("task", "region", "target", "base")} == {
        "task": ids["active"],
        "region": "420121101201",
        "target": 3000,
        "base": "population",
    }
    flags = picked(body["flags"], "kind", "region", "severity", "ratio")
    for expected in case["expect"]["flags"]:
        assert any(all(f[k] == v for k, v in expected.items()) for f in flags), (expected, flags)
    assert flags[0] == {"kind": "exceeds_base", "region": "420121101201", "severity": "critical", "ratio": 4.21}


async def test_the_cadre_reads_the_ratio_in_traditional_chinese(client):
    headers, ids = await cadre_in(client, "village-activity-quota", "420121101201")
    quota = {"task": ids["active"], "region": "420121101201", "target": 3000, "base": "population"}
    answer = await client.post("/api/quotas?lang=zh-Hant", json=quota, headers=headers)
    first = answer.json()["flags"][0]
    assert first["message"] == "這個指標是柳灣村戶籍人口的 4.21 倍（3,000 對 712）。"
    assert answer.headers["content-language"] == "zh-Hant"


async def test_children_in_difficulty_exceed_the_eligible_count(client):
    case = scenario("children-in-difficulty")
    headers, ids = await cadre_in(client, "children-in-difficulty", "430102004003")
    answer = await client.post("/api/quotas", json={**case["quotas"][0], "task": ids["children"]}, headers=headers)
    assert picked(answer.json()["flags"], "kind", "region", "severity", "ratio") == [
        {"kind": "exceeds_eligible", "region": "430102004003", "severity": "critical", "ratio": 2.0},
        {"kind": "ranking_pressure", "region": "430102", "severity": "warning", "ratio": None},
    ]


async def test_escalation_villages_stay_below_their_population(client):
    case = scenario("escalation")
    headers, ids = await cadre_in(client, "escalation", "360721105")
    for quota in case["quotas"]:
        answer = await client.post("/api/quotas", json={**quota, "task": ids["reg"]}, headers=headers)
        assert answer.status_code == 201
        assert "exceeds_base" not in [f["kind"] for f in answer.json()["flags"]]
    assert await Quota.filter(task_id=ids["reg"]).count() == 6


async def test_a_later_report_updates_the_quota_and_keeps_history(client):
    headers, ids = await cadre_in(client, "escalation", "360721105201")
    first = await client.post(
        "/api/quotas",
        json={"task": ids["reg"], "region": "360721105201", "target": 1500, "client_id": "a"},
        headers=headers,
    )
    second = await client.post(
        "/api/quotas",
        json={"task": ids["reg"], "region": "360721105201", "target": 1800, "client_id": "b"},
        headers=headers,
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert (await Quota.get(id=first.json()["id"])).target == 1800
    assert await QuotaRevision.filter(quota_id=first.json()["id"]).order_by("id").values_list("target", flat=True) == [
        1500,
        1800,
    ]


async def test_replaying_a_quota_client_id_counts_once_and_a_changed_body_conflicts(client):
    headers, ids = await cadre_in(client, "escalation", "360721105201")
    quota = {"task": ids["reg"], "region": "360721105201", "target": 1500, "client_id": "same"}
    answers = [await client.post("/api/quotas", json=quota, headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert await QuotaRevision.all().count() == 1
    changed = await client.post("/api/quotas", json={**quota, "target": 99}, headers=headers)
    assert (changed.status_code, changed.json()["error"]["code"], list(changed.json()["error"]["fields"])) == (
        409,
        "conflict",
        ["client_id"],
    )


async def test_a_cadre_may_not_report_for_a_neighbouring_village(client):
    headers, ids = await cadre_in(client, "escalation", "360721105201")
    answer = await client.post(
        "/api/quotas?lang=en", json={"task": ids["reg"], "region": "360721105202", "target": 10}, headers=headers
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["fields"] == {"region": "This region is outside your area."}
    assert await Quota.all().count() == 0


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"target": 0}, {"target": "Must be between 1 and 1000000000000."}),
        ({"target": -5}, {"target": "Must be between 1 and 1000000000000."}),
        ({"target": "many"}, {"target": "Must be a whole number."}),
        ({"target": 10**15}, {"target": "Must be between 1 and 1000000000000."}),
        ({"base": "heads"}, {"base": "Must be one of: population, households, accounts, eligible, none."}),
        ({"base": "eligible"}, {"eligible": "Give the number of eligible people when the base is 'eligible'."}),
        ({"region": "999999"}, {"region": "Unknown region."}),
        ({"task": 424242}, {"task": "Unknown task."}),
        ({"task": "1"}, {"task": "Unknown task."}),
    ],
)
async def test_bad_quota_fields_are_named_and_nothing_is_written(client, change, fields):
    headers, ids = await cadre_in(client, "escalation", "360721105")
    quota = {"task": ids["reg"], "region": "360721105201", "target": 100, "base": "population", **change}
    answer = await client.post("/api/quotas?lang=en", json=quota, headers=headers)
    assert (answer.status_code, answer.json()["error"]["fields"]) == (422, fields)
    assert (await Quota.all().count(), await QuotaRevision.all().count()) == (0, 0)


async def test_malformed_json_and_wrong_shapes_are_400(client):
    headers, _ids = await cadre_in(client, "escalation", "360721105")
    for raw in (b"{not json", b"[1, 2]", b"\xff\xfe", b'{"a": NaN}'):
        answer = await client.post("/api/quotas", content=raw, headers={**headers, "content-type": "application/json"})
        assert (answer.status_code, answer.json()["error"]["code"]) == (400, "malformed_json")


async def test_task_creation_answers_its_flags_and_dedupes(client):
    headers, _ids = await cadre_in(client, "escalation", "360721105201")
    task = {
        "title": "每日转发",
        "metric": "reposts",
        "issued_by": "360721105",
        "period_start": "2024-04-01",
        "period_end": "2024-04-30",
        "ranking": "daily",
        "penalty": "none",
        "evidence": "screenshots",
    }
    first = await client.post("/api/tasks", json=task, headers=headers)
    again = await client.post("/api/tasks", json=task, headers=headers)
    assert (first.status_code, again.status_code, first.json()["id"]) == (201, 200, again.json()["id"])
    assert [f["kind"] for f in first.json()["flags"]] == ["vanity_metric", "ranking_pressure"]
    listed = await client.get("/api/tasks", headers=headers)
    assert sorted(t["title"] for t in listed.json()) == ["反诈助手注册", "每日转发"]


async def test_a_task_is_issued_by_a_published_level_never_a_village(client):
    """Time entries name their task: a village as issuer would place whoever logged it there."""
    headers, _ids = await cadre_in(client, "escalation", "360721105201")
    task = {
        "title": "村里的表",
        "metric": "forms",
        "issued_by": "360721105201",
        "period_start": "2024-04-01",
        "period_end": "2024-04-30",
    }
    answer = await client.post("/api/tasks?lang=en", json=task, headers=headers)
    assert (answer.status_code, answer.json()["error"]["fields"]) == (
        422,
        {"issued_by": "Name the office that issued it: a township or a higher level."},
    )
    assert (
        await client.post("/api/tasks", json={**task, "issued_by": "360721105"}, headers=headers)
    ).status_code == 201


async def test_task_period_end_before_start_is_refused(client):
    headers, _ids = await cadre_in(client, "escalation", "360721105201")
    task = {
        "title": "x",
        "metric": "reads",
        "issued_by": "360721105",
        "period_start": "2024-04-30",
        "period_end": "2024-04-01",
    }
    answer = await client.post("/api/tasks?lang=en", json=task, headers=headers)
    assert (answer.status_code, answer.json()["error"]["fields"]) == (
        422,
        {"period_end": "Must not be before the start of the period."},
    )


async def test_progress_points_flag_a_scripted_counter(client):
    headers, ids = await cadre_in(client, "escalation", "360721105201")
    quota = (
        await client.post(
            "/api/quotas", json={"task": ids["reg"], "region": "360721105201", "target": 1500}, headers=headers
        )
    ).json()
    points = scenario("vote-counter")["scripted"]
    answer = await client.post(f"/api/quotas/{quota['id']}/progress", json={"points": points}, headers=headers)
    assert answer.status_code == 200
    assert [f["kind"] for f in answer.json()["flags"]] == ["vanity_metric", "ranking_pressure", "uniform_growth"]
    again = await client.post(f"/api/quotas/{quota['id']}/progress", json={"points": points[:3]}, headers=headers)
    assert [f["kind"] for f in again.json()["flags"]][-1] == "uniform_growth"  # stored points are kept, not doubled


async def test_series_check_answers_the_verdict(client):
    await add_user("li", "cadre", None)
    headers = await bearer(client, "li")
    scripted = await client.post(
        "/api/series/check", json={"points": scenario("vote-counter")["scripted"]}, headers=headers
    )
    few = await client.post(
        "/api/series/check", json={"points": scenario("vote-counter")["published"]["evening_1"]}, headers=headers
    )
    assert (scripted.json()["uniform"], scripted.json()["intervals"]) == (True, 20)
    assert few.json() == {
        "uniform": None,
        "dispersion": None,
        "p_value": None,
        "rate_per_minute": 413.0,
        "intervals": 2,
    }


async def test_outcome_is_recorded_once_per_reporter(client):
    headers, ids = await cadre_in(client, "village-activity-quota", "420121101201")
    quota = (
        await client.post(
            "/api/quotas", json={"task": ids["active"], "region": "420121101201", "target": 3000}, headers=headers
        )
    ).json()
    url = f"/api/quotas/{quota['id']}/outcome"
    assert (
        await client.post(url, json={"status": "partly", "means": ["door_to_door"]}, headers=headers)
    ).status_code == 204
    assert (
        await client.post(url, json={"status": "met", "means": ["paid_service"], "cost_yuan": 4200}, headers=headers)
    ).status_code == 204
    bad = await client.post(
        url + "?lang=en", json={"status": "done", "means": ["magic"], "cost_yuan": -1}, headers=headers
    )
    assert (bad.status_code, sorted(bad.json()["error"]["fields"])) == (422, ["cost_yuan", "means", "status"])
    export = await client.get("/api/me/export.csv?lang=en", headers=headers)
    outcomes = [line for line in export.text.splitlines() if line.startswith("How a quota was met")]
    assert outcomes == [
        f"How a quota was met,{outcomes[0].split(',')[1]},柳湾村,监督一点通月活跃度"
        ",,,,,,,,Met,With a paid service,4200.00"
    ]


async def test_the_same_task_reported_at_once_is_stored_once(client):
    headers, _ids = await cadre_in(client, "escalation", "360721105201")
    task = {
        "title": "同时上报",
        "metric": "reads",
        "issued_by": "360721105",
        "period_start": "2024-04-01",
        "period_end": "2024-04-30",
    }
    answers = await asyncio.gather(*(client.post("/api/tasks", json=task, headers=headers) for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
