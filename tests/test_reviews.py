"""Reviews through the API: open on a published period (summary and flags frozen with it), decide,
close, export, and the before/after burden of what the decisions touched. Also the summaries."""

from datetime import UTC, datetime, timedelta

from burden_cases import VILLAGES, county_with_reporters, log_days
from conftest import AFTER, MONTH, PUBLISHED, add_user, bearer, publish_month

from server.models import ReviewDecision


async def open_on(client, headers, region="360721105", period=MONTH.key, **extra):
    return await client.post("/api/reviews", json={"region": region, "period": period}, headers={**headers, **extra})


async def published_county(client, settings, clock, **options):
    """The county's cadres log the month, it is published, and the clock moves past it."""
    supervisor, ids = await county_with_reporters(client, **options)
    await publish_month(settings)
    clock.move_to(AFTER)
    return supervisor, ids


async def test_a_review_freezes_the_summary_and_flags_and_records_decisions(
    village_client, village_settings, during_month
):
    supervisor, ids = await published_county(village_client, village_settings, during_month)
    answer = await open_on(village_client, supervisor)
    assert answer.status_code == 201, answer.text
    review = answer.json()
    assert (
        review["status"],
        review["period"],
        review["region"]["name"],
        review["decisions"],
        review["before_after"],
    ) == ("open", MONTH.key, "石桥镇", [], None)
    assert review["summary"]["reporters"] == 19 and any(f["kind"] == "escalation" for f in review["flags"])
    traditional = (await village_client.get(f"/api/reviews/{review['id']}?lang=zh-Hant", headers=supervisor)).json()
    assert (
        traditional["region"]["name"] == "石橋鎮" and traditional["summary"]["indices"] == review["summary"]["indices"]
    )

    # A late entry does not move what the review holds (nor the release it came from).
    await log_days(village_client, "late", VILLAGES[3], [MONTH.first, MONTH.last], minutes=600)
    again = (await village_client.get(f"/api/reviews/{review['id']}?lang=zh-Hans", headers=supervisor)).json()
    assert again["summary"] == review["summary"]

    missing = await village_client.post(
        f"/api/reviews/{review['id']}/decisions?lang=en", json={"kind": "withdraw_quota"}, headers=supervisor
    )
    assert (missing.status_code, missing.json()["error"]["fields"]) == (422, {"task": "This field is required."})
    outside = await village_client.post(
        f"/api/reviews/{review['id']}/decisions?lang=en",
        json={"kind": "reduce_quota", "task": ids["reg"], "new_target": 900, "region": "360721"},
        headers=supervisor,
    )
    assert (outside.status_code, list(outside.json()["error"]["fields"])) == (422, ["region"])
    decided = await village_client.post(
        f"/api/reviews/{review['id']}/decisions",
        json={"kind": "withdraw_quota", "task": ids["reg"], "region": VILLAGES[0]},
        headers=supervisor,
    )
    assert decided.status_code == 201, decided.text
    assert (decided.json()["kind"], decided.json()["task"]["id"], decided.json()["region"]["code"]) == (
        "withdraw_quota",
        ids["reg"],
        VILLAGES[0],
    )

    closed = await village_client.post(f"/api/reviews/{review['id']}/close", headers=supervisor)
    assert (closed.status_code, closed.json()["status"], len(closed.json()["decisions"])) == (200, "closed", 1)
    late = await village_client.post(
        f"/api/reviews/{review['id']}/decisions?lang=en", json={"kind": "other"}, headers=supervisor
    )
    assert (late.status_code, late.json()["error"]["code"]) == (409, "conflict")
    listed = (await village_client.get("/api/reviews", headers=supervisor)).json()
    assert [(r["id"], r["status"]) for r in listed] == [(review["id"], "closed")]


async def test_reviews_stay_within_the_supervisors_subtree_and_out_of_cadres_reach(
    village_client, village_settings, during_month
):
    supervisor, _ids = await published_county(village_client, village_settings, during_month)
    review = (await open_on(village_client, supervisor)).json()
    await add_user("sup-other", "supervisor", "360721105202")
    other = await bearer(village_client, "sup-other")
    assert (await village_client.get(f"/api/reviews/{review['id']}", headers=other)).status_code == 404
    assert (await village_client.get("/api/reviews", headers=other)).json() == []
    assert (await open_on(village_client, other)).status_code == 404
    cadre = await bearer(village_client, "c360721105201-0")
    assert (await village_client.get("/api/reviews", headers=cadre)).status_code == 403
    assert (await open_on(village_client, cadre)).status_code == 403
    current = MONTH.following().key
    unpublished = await open_on(village_client, supervisor, period=current)
    assert (unpublished.status_code, unpublished.json()["error"]["code"]) == (409, "not_published")


async def test_before_and_after_show_whether_the_burden_fell(village_client, village_settings, during_month):
    """Cadres spend an hour a day on the task in the reviewed month; after the decision, half that."""
    reviewed = MONTH.previous()
    during_month.move_to(datetime(2026, 2, 28, 4, tzinfo=UTC))
    reviewed_days = [reviewed.first + timedelta(days=d) for d in range(reviewed.days)]
    supervisor, ids = await county_with_reporters(
        village_client, per_village=(0, 0, 0, 0, 0), task_period=(reviewed.first, MONTH.last)
    )
    for n in range(6):
        for village in VILLAGES[:2]:
            await log_days(
                village_client,
                f"r{village}{n}",
                village,
                reviewed_days,
                minutes=60,
                activity="registration_drive",
                task=ids["reg"],
            )
    await publish_month(village_settings, reviewed, today=PUBLISHED - timedelta(days=31))
    during_month.move_to(datetime(2026, 3, 8, 4, tzinfo=UTC))
    supervisor = await bearer(village_client, "sup")
    review = (await open_on(village_client, supervisor, period=reviewed.key)).json()
    await village_client.post(
        f"/api/reviews/{review['id']}/decisions",
        json={"kind": "reduce_quota", "task": ids["reg"], "new_target": 500, "region": VILLAGES[0]},
        headers=supervisor,
    )
    pending = (await village_client.get(f"/api/reviews/{review['id']}", headers=supervisor)).json()["before_after"]
    # Decided on 8 March: the first whole month after it is April, published on 7 May.
    assert (pending["before"], pending["after"], pending["after_available_on"]) == (reviewed.key, None, "2026-05-07")
    await ReviewDecision.filter(review_id=review["id"]).update(decided_on=reviewed.last)
    during_month.move_to(datetime(2026, 3, 31, 4, tzinfo=UTC))
    for n in range(6):
        for village in VILLAGES[:2]:
            headers = await bearer(village_client, f"r{village}{n}")
            batch = [
                {
                    "client_id": f"a{d}",
                    "date": (MONTH.first + timedelta(days=d)).isoformat(),
                    "minutes": 30,
                    "activity": "registration_drive",
                    "task": ids["reg"],
                }
                for d in range(MONTH.days)
            ]
            assert (
                len(
                    (await village_client.post("/api/entries", json={"entries": batch}, headers=headers)).json()[
                        "accepted"
                    ]
                )
                == MONTH.days
            )
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    supervisor = await bearer(village_client, "sup")
    changes = (await village_client.get(f"/api/reviews/{review['id']}", headers=supervisor)).json()["before_after"]
    assert (changes["before"], changes["after"]) == (reviewed.key, MONTH.key)
    township = changes["places"][0]
    assert township["region"]["code"] == "360721105"
    assert (township["before"]["hours_per_reporter_week"], township["after"]["hours_per_reporter_week"]) == (7.0, 3.5)
    assert township["after"]["burden_index"] < township["before"]["burden_index"]
    assert changes["tasks"] == [
        {"task": {"id": ids["reg"], "title": "反诈助手注册"}, "before": 12 * 28.0, "after": 12 * 15.5}
    ]
    csv = await village_client.get(f"/api/reviews/{review['id']}.csv?lang=en", headers=supervisor)
    assert csv.headers["content-type"] == "text/csv; charset=utf-8" and csv.text.startswith("\ufeffReview")
    lines = csv.text.splitlines()
    before, after = township["before"]["burden_index"], township["after"]["burden_index"]
    assert f"石桥镇,{reviewed.key},{before},7.0,{MONTH.key},{after},3.5," in lines
    assert any(line.startswith("1,Reduce the quota,上坪村,反诈助手注册,,500,") for line in lines)


async def test_the_summary_document_carries_flags_sources_and_csv(village_client, village_settings, during_month):
    supervisor, _ids = await published_county(village_client, village_settings, during_month)
    body = (await village_client.get(f"/api/summaries/360721105?period={MONTH.key}", headers=supervisor)).json()
    assert body["reporters"] == 19 and {"flags", "top_sources", "change", "children"} <= set(body)
    assert all(set(f) >= {"kind", "severity", "message", "basis"} for f in body["flags"])
    csv = await village_client.get(f"/api/summaries/360721105.csv?period={MONTH.key}&lang=zh-Hant", headers=supervisor)
    lines = csv.text.splitlines()
    assert csv.status_code == 200 and lines[0] == "\ufeff地方"
    assert lines[2].startswith(f"石橋鎮,鄉鎮/街道,{MONTH.key},19,")
    assert any(
        line.startswith(f"河口村,村/社區,{MONTH.key},,") and line.endswith(",不予公佈：少於 5 名幹部") for line in lines
    )
    assert (
        await village_client.get(
            f"/api/summaries/360721.csv?period={MONTH.key}", headers=await bearer(village_client, "c360721105201-0")
        )
    ).status_code == 200


async def test_a_supervisor_reviews_through_the_pages(village_client, village_settings, during_month):
    supervisor, ids = await published_county(village_client, village_settings, during_month)
    opened = await village_client.post(
        "/reviews", data={"region": "360721105", "period": MONTH.key}, headers=supervisor
    )
    assert (opened.status_code, opened.headers["location"]) == (303, "/reviews/1")
    page = await village_client.get("/reviews/1?lang=en", headers=supervisor)
    assert page.status_code == 200 and "<h1>石桥镇 <small>" in page.text and "Record the decision" in page.text
    assert "The summary and flags below are as they stood when the review opened." in page.text
    wrong = await village_client.post("/reviews/1/decisions?lang=en", data={"kind": "close_app"}, headers=supervisor)
    assert wrong.status_code == 422 and '<p class="error" id="app-error">This field is required.</p>' in wrong.text
    done = await village_client.post(
        "/reviews/1/decisions",
        data={"kind": "drop_ranking", "task": str(ids["reg"]), "region": "360721105"},
        headers=supervisor,
    )
    assert done.status_code == 303
    closed = await village_client.post("/reviews/1/close", headers=supervisor)
    assert closed.status_code == 303
    final = await village_client.get("/reviews/1?lang=zh-Hant", headers=supervisor)
    assert "石橋鎮" in final.text and "取消排名" in final.text and "記錄決定" not in final.text
    listed = await village_client.get("/reviews?lang=en", headers=supervisor)
    assert '<a href="/reviews/1">石桥镇</a>' in listed.text and "Closed" in listed.text
    printable = await village_client.get(f"/summaries/360721105?period={MONTH.key}&lang=en", headers=supervisor)
    assert printable.status_code == 200 and "Burden summary" in printable.text and "河口村" in printable.text
