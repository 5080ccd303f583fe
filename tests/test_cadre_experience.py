"""Issue 13, the cadre's side, through the real app: errors name fields in the reader's words,
the phone's checks are the server's rules, time ties to a task with its kind of work, and "same
as last time" never lands on a day already logged."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from clock import app_today
from conftest import PASSWORD, bearer
from page_cases import hidden, logged_yesterday, signed_in_cadre

from server.domain.durations import parse_minutes
from server.models import App, RosterItem, TimeEntry, User


@pytest.mark.parametrize(
    ("lang", "message", "labels"),
    [
        ("zh-Hant", "請檢查這些欄位：日期和時長。", {"minutes": "時長", "date": "日期"}),
        ("en", "Please check these fields: Date and Duration.", {"minutes": "Duration", "date": "Date"}),
    ],
)
async def test_an_api_error_names_its_fields_in_the_readers_language(client, lang, message, labels):
    await signed_in_cadre(client)
    bad = {"client_id": "x", "date": "soon", "minutes": "99999", "activity": "meeting"}
    answer = await client.post(f"/api/entries?lang={lang}", json={"entries": [bad]}, headers=await bearer(client, "li"))
    error = answer.json()["rejected"][0]["error"]
    assert (error["message"], error["labels"], sorted(error["fields"])) == (message, labels, ["date", "minutes"])


@pytest.mark.parametrize(("typed", "minutes"), [("２０", 20), ("１：３０", 90), ("１ｈ", 60), ("2.5", 2), ("0.5", 0)])
def test_full_width_durations_read_as_on_the_phone(typed, minutes):
    assert parse_minutes(typed) == minutes  # NFKC first, halves to even: static/checks.js does the same


async def test_full_width_digits_are_a_target(client):
    await signed_in_cadre(client)
    html = (await client.get("/quota?lang=en")).text
    form = {
        "csrf": hidden(html, "csrf"),
        "client_id": "q1",
        "task": "new",
        "title": "全角",
        "metric": "registrations",
        "issued_by": "420121101",
        "period_start": app_today().isoformat(),
        "period_end": app_today().isoformat(),
        "region": "420121101201",
        "target": "２０００",
        "base": "population",
    }
    answer = await client.post("/quota?lang=en", data=form)
    assert (answer.status_code, "Quota saved" in answer.text) == (200, True)


@pytest.mark.parametrize(
    ("lang", "label", "duration"),
    [
        ("zh-Hans", "时长", "请输入时长，例如 90、1.5h、1:30 或 2h27m。"),
        ("en", "Duration", "Type a duration like 90, 1.5h, 1:30 or 2h27m."),
    ],
)
async def test_the_pages_carry_the_servers_own_rules_for_the_phone(client, lang, label, duration):
    await signed_in_cadre(client)
    for path in ("/", "/quota"):
        html = (await client.get(f"{path}?lang={lang}")).text
        rules = json.loads(
            re.search(r'<script type="application/json" id="form-rules">(.*?)</script>', html, re.S).group(1)
        )
        facts = (
            rules["duration"]["high"],
            rules["coverage"],
            rules["labels"]["minutes"],
            rules["messages"]["duration"],
        )
        assert facts == (1440, {"warning": 0.9, "critical": 1.0}, label, duration)


async def test_a_task_takes_the_kind_of_work_tapped_with_it(client):
    ids = await signed_in_cadre(client)
    html = (await client.get("/")).text
    assert 'name="activity" value="" checked' in html  # "as usual for the task" until another is tapped
    tap = {
        "csrf": hidden(html, "csrf"),
        "client_id": "k1",
        "choice": f"task:{ids['current']}",
        "activity": "evidence",
        "preset": "15",
    }
    assert (await client.post("/today", data=tap)).status_code == 303
    usual = {**tap, "client_id": "k2", "activity": ""}
    assert (await client.post("/today", data=usual)).status_code == 303
    entries = await TimeEntry.all().order_by("id").values_list("task_id", "activity", "minutes")
    assert entries == [(ids["current"], "evidence", 15), (ids["current"], "registration_drive", 15)]
    logged = re.findall(r"<li><span>(.*?)</span>", (await client.get("/")).text)
    assert logged == ["本月注册 · 拍照截图留痕", "本月注册 · 拉人注册"]


async def test_the_today_form_and_the_api_store_the_same_row_for_the_same_entry(client):
    ids = await signed_in_cadre(client)
    cadre = await bearer(client, "li")
    html = (await client.get("/")).text
    tap = {
        "csrf": hidden(html, "csrf"),
        "client_id": "form-1",
        "choice": f"task:{ids['current']}",
        "activity": "",
        "preset": "30",
    }
    assert (await client.post("/today", data=tap)).status_code == 303
    sent = {"client_id": "api-1", "date": app_today().isoformat(), "minutes": 30, "task": ids["current"]}
    answer = await client.post("/api/entries", json={"entries": [sent]}, headers=cadre)
    assert answer.json() == {"accepted": ["api-1"], "duplicates": [], "rejected": []}
    rows = await TimeEntry.all().order_by("id").values("date", "minutes", "activity", "task_id", "note", "body_hash")
    assert rows[0] == rows[1] and (rows[0]["activity"], rows[0]["task_id"]) == ("registration_drive", ids["current"])
    # A correction that names the task and no kind of work is read the same way.
    edited = await client.put(
        "/api/entries/api-1",
        json={"date": app_today().isoformat(), "minutes": 45, "task": ids["current"]},
        headers=cadre,
    )
    assert (edited.json()["activity"], edited.json()["minutes"]) == ("registration_drive", 45)


async def test_an_app_added_on_my_apps_is_required_with_the_residents_use_the_cadre_gives(client):
    await signed_in_cadre(client)
    form = {
        "csrf": hidden((await client.get("/apps")).text, "csrf"),
        "name": "河东随手拍",
        "function": "reporting",
        "owner_level": "county",
    }
    unanswered = await client.post("/apps/new?lang=en", data=form)
    assert (unanswered.status_code, 'id="resident_use-error"' in unanswered.text) == (422, True)
    assert (await App.filter(name="河东随手拍").exists(), await RosterItem.all().count()) == (False, 0)
    assert (await client.post("/apps/new", data={**form, "resident_use": "common"})).status_code == 303
    # Not "never": only what the cadre said counts towards the zombie-app flag.
    assert await RosterItem.all().values_list("app__name", "resident_use") == [("河东随手拍", "common")]


async def test_same_as_last_time_says_what_it_copies_and_never_adds_to_a_logged_day(client):
    cadre = await logged_yesterday(client)
    html = (await client.get("/?lang=en")).text
    preview = re.search(r'<p class="quiet" id="repeat-copies">(.*?)</p>', html, re.S).group(1)
    assert " ".join(preview.split()) == "Copies to today: Meeting 1 h · Photos and screenshots as proof 45 min"
    # Another phone logged today meanwhile; this page still shows the button.
    await client.post(
        "/api/entries",
        json={"entries": [{"client_id": "t1", "date": app_today().isoformat(), "minutes": 30, "activity": "meeting"}]},
        headers=cadre,
    )
    answer = await client.post("/today/repeat?lang=en", data={"csrf": hidden(html, "csrf")})
    assert (answer.status_code, "Today already has entries, so nothing was copied" in answer.text) == (409, True)
    assert await TimeEntry.filter(date=app_today()).values_list("minutes", flat=True) == [30]


async def test_same_as_last_time_still_logs_the_time_of_a_task_the_cadre_can_no_longer_log_against(client):
    """Yesterday's entry named a township's task; the cadre has since moved to another township,
    where the task does not reach. The copy keeps the time and its kind of work, not the task, on
    the page's words, in what the phone's outbox would send, and through the form."""
    ids = await signed_in_cadre(client)
    cadre = await bearer(client, "li")
    yesterday = (app_today() - timedelta(days=1)).isoformat()
    logged = {"client_id": "y1", "date": yesterday, "minutes": 50, "task": ids["current"], "activity": "data_entry"}
    assert (await client.post("/api/entries", json={"entries": [logged]}, headers=cadre)).json()["accepted"] == ["y1"]
    township = {"code": "420121102", "parent": "420121", "level": "township", "name": "东镇", "population": 900}
    answer = await client.post("/api/regions", json={"regions": [township]}, headers=await bearer(client, "root"))
    assert answer.status_code == 200, answer.text
    await User.filter(username="li").update(region_id="420121102")

    html = (await client.get("/?lang=en")).text
    preview = re.search(r'<p class="quiet" id="repeat-copies">(.*?)</p>', html, re.S).group(1)
    assert " ".join(preview.split()) == "Copies to today: Data entry 50 min"
    copies = json.loads(unescape(re.search(r'data-copies="([^"]*)"', html).group(1)))
    assert [(c["task"], c["activity"], c["minutes"]) for c in copies] == [(None, "data_entry", 50)]
    assert (await client.post("/today/repeat", data={"csrf": hidden(html, "csrf")})).status_code == 303
    assert await TimeEntry.filter(date=app_today()).values_list("task_id", "activity", "minutes") == [
        (None, "data_entry", 50)
    ]


@pytest.mark.parametrize(
    ("lang", "wrong", "same", "done"),
    [
        ("zh-Hans", "这不是你现在的密码。", "新密码不能和现在的密码相同。", "密码已修改。"),
        (
            "en",
            "This is not your current password.",
            "The new password must differ from the current one.",
            "Your password is changed.",
        ),
    ],
)
async def test_a_password_change_says_what_went_wrong_and_that_it_worked(client, lang, wrong, same, done):
    await signed_in_cadre(client)
    csrf = hidden((await client.get(f"/password?lang={lang}")).text, "csrf")
    answer = await client.post(
        f"/password?lang={lang}",
        data={"csrf": csrf, "current_password": "not it at all", "new_password": "a new passphrase"},
    )
    assert (answer.status_code, wrong in answer.text, "用户名或密码错误" in answer.text) == (401, True, False)
    answer = await client.post(
        f"/password?lang={lang}", data={"csrf": csrf, "current_password": PASSWORD, "new_password": PASSWORD}
    )
    assert (answer.status_code, same in answer.text) == (422, True)
    answer = await client.post(
        f"/password?lang={lang}", data={"csrf": csrf, "current_password": PASSWORD, "new_password": "a new passphrase"}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/password?changed=1")
    assert done in (await client.get(f"/password?changed=1&lang={lang}")).text


@pytest.mark.parametrize(
    ("lang", "earlier", "undo"), [("zh-Hant", "← 上一週", "復原"), ("en", "← Earlier week", "Undo")]
)
async def test_history_is_paged_by_week_and_a_delete_can_be_undone(client, lang, earlier, undo):
    await signed_in_cadre(client)
    cadre = await bearer(client, "li")
    today = app_today()
    batch = [
        {
            "client_id": f"d{n}",
            "date": (today - timedelta(days=7 * n)).isoformat(),
            "minutes": 10 + n,
            "activity": "meeting",
            "note": "我的",
        }
        for n in range(3)
    ]
    await client.post("/api/entries", json={"entries": batch}, headers=cadre)
    html = (await client.get(f"/history?lang={lang}")).text
    assert (re.findall(r'href="/history/(d\d)"', html), earlier in html) == (["d0"], True)
    week = re.search(r'href="/history\?week=([0-9W-]+)"', html).group(1)
    assert re.findall(r'href="/history/(d\d)"', (await client.get(f"/history?week={week}&lang={lang}")).text) == ["d1"]
    assert (await client.get("/history?week=2026-13")).status_code == 404
    deleted = await client.post(
        f"/history/d1/delete?lang={lang}", data={"csrf": re.search(r'name="csrf" content="([^"]+)"', html)[1]}
    )
    assert (deleted.status_code, undo in deleted.text) == (200, True)
    assert await TimeEntry.filter(client_id="d1").count() == 0
    form = dict(
        re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)">',
            deleted.text.split('action="/history/restore"')[1].split("</form>")[0],
        )
    )
    restored = await client.post("/history/restore", data=form)
    assert (restored.status_code, restored.headers["location"]) == (303, f"/history?week={week}")
    assert await TimeEntry.filter(client_id="d1").values_list("minutes", "activity", "note", "date") == [
        (11, "meeting", "我的", today - timedelta(days=7))
    ]


@pytest.mark.parametrize(
    ("lang", "told_apart"),
    [
        # Only what tells them apart is added (server/services/choices.py): here the month, as the issuer is the same.
        ("zh-Hans", ["本月注册", "同名任务 · 2026年3月", "同名任务 · 2026年2月"]),
        ("en", ["本月注册", "同名任务 · Mar 2026", "同名任务 · Feb 2026"]),
    ],
)
async def test_tasks_of_the_same_title_are_told_apart_in_the_quota_form(client, lang, told_apart):
    await signed_in_cadre(client)
    cadre = await bearer(client, "li")
    for first, last in (("2026-02-01", "2026-02-28"), ("2026-03-01", "2026-03-31")):
        task = {
            "title": "同名任务",
            "metric": "registrations",
            "issued_by": "420121101",
            "period_start": first,
            "period_end": last,
        }
        assert (await client.post("/api/tasks", json=task, headers=cadre)).status_code == 201
    html = (await client.get(f"/quota?lang={lang}")).text
    options = re.findall(r'<option value="\d+" >([^<]*)</option>', html.split('name="task"')[1].split("</select>")[0])
    assert [o for o in options if "同名" in o or o == "本月注册"] == told_apart


async def test_the_quota_form_offers_only_offices_that_may_issue_a_task(client):
    await signed_in_cadre(client)  # a village cadre: the village itself issues nothing (DESIGN.md §2)
    html = (await client.get("/quota?lang=en")).text
    issuers = re.findall(r'<option value="(\d+)"( selected)?>', html.split('name="issued_by"')[1].split("</select>")[0])
    assert issuers == [("420121101", " selected")]  # the township above; not the village 420121101201
