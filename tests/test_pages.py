import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from clock import app_today
from conftest import add_user, bearer, load_scenario, scenario
from page_cases import hidden, logged_yesterday, signed_in_cadre

from server.models import Outcome, Quota, TimeEntry


async def test_login_form_shows_a_localized_error(client):
    await add_user("li", "cadre", None)
    answer = await client.post("/login?lang=zh-Hant", data={"username": "li", "password": "wrong"})
    assert answer.status_code == 401
    assert "使用者名稱或密碼錯誤。" in answer.text


async def test_pages_need_a_login(client):
    answer = await client.get("/history")
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


async def test_a_day_is_logged_in_two_taps(client):
    ids = await signed_in_cadre(client)
    today_page = await client.get("/")
    html = today_page.text
    # The task the township imposes is a big button, preselected; "+30" saves at once.
    assert re.search(rf'value="task:{ids["current"]}" data-activity="registration_drive" checked', html)
    tap = {
        "csrf": hidden(html, "csrf"),
        "client_id": hidden(html, "client_id"),
        "choice": f"task:{ids['current']}",
        "preset": "30",
    }
    saved = await client.post("/today", data=tap)
    assert saved.status_code == 303
    again = await client.post("/today", data=tap)  # a double tap sends the same form twice
    assert again.status_code == 303
    entries = await TimeEntry.all().values("minutes", "activity", "date")
    assert entries == [{"minutes": 30, "activity": "registration_drive", "date": app_today()}]
    assert "今天已记：30 分钟" in (await client.get("/")).text


@pytest.mark.parametrize(
    ("instant", "local_day"),
    [
        (datetime(2026, 3, 10, 20, 30, tzinfo=UTC), date(2026, 3, 11)),  # 04:30 of the next day in Shanghai
        (datetime(2026, 3, 10, 3, 0, tzinfo=UTC), date(2026, 3, 10)),  # 11:00 of the same day
    ],
    ids=["utc-a-day-behind", "same-day"],
)
async def test_an_entry_for_the_apps_today_counts_whatever_the_hour(client, instant, local_day):
    """Issue 11: the app's day is Shanghai's, not the machine's or UTC's. Frozen at an instant, so
    this test means the same at whatever hour and in whatever time zone it runs."""
    with time_machine.travel(instant, tick=True):
        assert app_today() == local_day
        ids = await signed_in_cadre(client)
        html = (await client.get("/")).text
        tap = {
            "csrf": hidden(html, "csrf"),
            "client_id": hidden(html, "client_id"),
            "choice": f"task:{ids['current']}",
            "preset": "30",
        }
        assert (await client.post("/today", data=tap)).status_code == 303
        typed = {"client_id": "api-1", "date": app_today().isoformat(), "minutes": 15, "activity": "meeting"}
        answer = await client.post("/api/entries", json={"entries": [typed]}, headers=await bearer(client, "li"))
        assert answer.json() == {"accepted": ["api-1"], "duplicates": [], "rejected": []}
        assert await TimeEntry.all().order_by("id").values_list("date", "minutes") == [(local_day, 30), (local_day, 15)]
        assert "今天已记：45 分钟" in (await client.get("/")).text


async def test_typed_durations_and_their_errors(client):
    await signed_in_cadre(client)
    html = (await client.get("/?lang=en")).text
    form = {
        "csrf": hidden(html, "csrf"),
        "client_id": hidden(html, "client_id"),
        "choice": "activity:meeting",
        "duration": "2h27m",
    }
    assert (await client.post("/today", data=form)).status_code == 303
    html = (await client.get("/?lang=en")).text
    bad = await client.post(
        "/today?lang=en", data={**form, "client_id": hidden(html, "client_id"), "duration": "a while"}
    )
    assert bad.status_code == 422
    assert "Type a duration like 90, 1.5h, 1:30 or 2h27m." in bad.text
    assert await TimeEntry.all().values_list("minutes", "activity") == [(147, "meeting")]


async def test_same_as_last_time_copies_the_previous_day_once(client):
    await logged_yesterday(client)
    html = (await client.get("/")).text
    assert "和 " in html and "1 小时 45 分钟" in html
    for _ in range(2):
        assert (await client.post("/today/repeat", data={"csrf": hidden(html, "csrf")})).status_code == 303
    copied = await TimeEntry.filter(date=app_today()).order_by("id").values_list("minutes", "activity")
    assert copied == [(60, "meeting"), (45, "evidence")]


async def test_a_form_without_the_csrf_token_is_refused(client):
    await signed_in_cadre(client)
    html = (await client.get("/?lang=en")).text
    answer = await client.post(
        "/today?lang=en", data={"client_id": hidden(html, "client_id"), "choice": "activity:other", "preset": "15"}
    )
    assert answer.status_code == 403
    assert "This form has expired" in answer.text
    cross = await client.post(
        "/today",
        data={"csrf": hidden(html, "csrf"), "client_id": "x", "choice": "activity:other", "preset": "15"},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert cross.status_code == 403
    assert await TimeEntry.all().count() == 0


async def test_adding_a_quota_shows_its_flags_in_traditional_chinese(client):
    ids = await signed_in_cadre(client, locale="zh-Hant")
    html = (await client.get("/quota")).text
    assert "柳灣村" in html  # region names reach Traditional through OpenCC
    form = {
        "csrf": hidden(html, "csrf"),
        "client_id": hidden(html, "client_id"),
        "task": str(ids["active"]),
        "region": "420121101201",
        "target": "3000",
        "base": "population",
    }
    answer = await client.post("/quota", data=form)
    assert answer.status_code == 200
    assert "這個指標是柳灣村戶籍人口的 4.21 倍（3,000 對 712）。" in answer.text
    assert "不造假完不成" in answer.text
    assert await Quota.all().values_list("target", flat=True) == [3000]


async def test_a_new_task_can_be_described_with_the_quota(client):
    await signed_in_cadre(client)
    html = (await client.get("/quota?lang=en")).text
    form = {
        "csrf": hidden(html, "csrf"),
        "client_id": hidden(html, "client_id"),
        "task": "new",
        "title": "每周转发学习文章",
        "metric": "reposts",
        "issued_by": "420121101",
        "period_start": hidden(html, "period_start"),
        "period_end": hidden(html, "period_end"),
        "ranking": "weekly",
        "penalty": "criticism",
        "evidence": "screenshots",
        "region": "420121101201",
        "target": "500",
        "base": "none",
    }
    answer = await client.post("/quota?lang=en", data=form)
    assert "This task ranks the regions that carry it or punishes the last ones." in answer.text
    missing = await client.post("/quota?lang=en", data={**form, "client_id": "other", "title": "", "target": "-3"})
    assert missing.status_code == 422
    assert "This field is required." in missing.text


async def test_history_edit_and_delete(client):
    await signed_in_cadre(client)
    cadre = await bearer(client, "li")
    day = (app_today() - timedelta(days=2)).isoformat()
    await client.post(
        "/api/entries",
        json={"entries": [{"client_id": "h1", "date": day, "minutes": 30, "activity": "study"}]},
        headers=cadre,
    )
    year, number = (app_today() - timedelta(days=2)).isocalendar()[:2]
    week = f"{year}-W{number:02d}"  # History shows a week at a time
    history = await client.get(f"/history?lang=en&week={week}")
    assert "Compulsory study" in history.text and 'href="/history/h1"' in history.text
    edit_page = (await client.get("/history/h1")).text
    changed = await client.post(
        "/history/h1",
        data={
            "csrf": hidden(edit_page, "csrf"),
            "date": day,
            "minutes": "1.5h",
            "activity": "meeting",
            "task": "",
            "note": "补记",
        },
    )
    assert changed.status_code == 303
    assert await TimeEntry.all().values_list("minutes", "activity", "note") == [(90, "meeting", "补记")]
    gone = await client.post("/history/h1/delete", data={"csrf": hidden(edit_page, "csrf")})
    assert gone.status_code == 200 and await TimeEntry.all().count() == 0  # History, with an undo


async def test_my_apps_page_saves_resident_use(client):
    await signed_in_cadre(client)
    html = (await client.get("/apps")).text
    app_field = re.search(r'name="(app-\d+)"', html).group(1)
    assert (await client.post("/apps", data={"csrf": hidden(html, "csrf"), app_field: "none"})).status_code == 303
    assert 'value="none" selected' in (await client.get("/apps")).text


async def test_signup_page_creates_an_account_from_an_invite(client):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    await load_scenario(client, admin, scenario("village-activity-quota"))
    expires = (app_today() + timedelta(days=3)).isoformat()
    code = (
        await client.post("/api/invites", json={"region": "420121101201", "uses": 5, "expires": expires}, headers=admin)
    ).json()["code"]
    page = await client.get(f"/signup?code={code}")
    assert f'value="{code}"' in page.text and "手机" in page.text  # it says it never asks for a phone number
    joined = await client.post(
        "/signup", data={"code": code, "username": "cadre7", "password": "longenough", "locale": "zh-Hant"}
    )
    assert (joined.status_code, joined.headers["location"]) == (303, "/")
    assert "今天" in (await client.get("/")).text


async def test_logout_ends_the_session(client):
    await signed_in_cadre(client)
    await client.post("/logout")
    after = await client.get("/")
    assert (after.status_code, after.headers["location"]) == (303, "/login")


async def test_a_cadre_says_how_a_quota_was_met(client):
    ids = await signed_in_cadre(client)
    cadre = await bearer(client, "li")
    quota = (
        await client.post(
            "/api/quotas", json={"task": ids["active"], "region": "420121101201", "target": 3000}, headers=cadre
        )
    ).json()
    page = await client.get("/history?lang=en")
    assert f'action="/quotas/{quota["id"]}/outcome"' in page.text and "With a paid service" in page.text
    saved = await client.post(
        f"/quotas/{quota['id']}/outcome",
        data={
            "csrf": hidden(page.text, "csrf"),
            "status": "met",
            "means": ["paid_service", "own_accounts"],
            "cost_yuan": "4200",
        },
    )
    assert saved.status_code == 303
    assert await Outcome.all().values_list("status", "means", "cost_yuan") == [
        ("met", "own_accounts,paid_service", Decimal("4200.00"))
    ]
    again = await client.get("/history")
    assert 'value="paid_service" checked' in again.text
