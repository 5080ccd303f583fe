"""A cadre's day in a real browser: Debian's chromium at phone size against uvicorn with demo data.

Skips with the reason when chromium or Playwright is missing; .ci/run installs chromium.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from demo_county import FEED_SECRET
from phone import (
    AXE,
    BROWSER_TESTS,
    CHROMIUM,
    FLAGS,
    controlled_by_the_worker,
    open_phone,
    server_entries_today,
    shot,
    sign_in,
)
from receiver import Receiver, serving

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
expect = sync_api.expect
pytestmark = BROWSER_TESTS


def test_a_cadre_logs_a_day_and_a_flagged_quota_in_traditional_chinese(server, phone):
    page = phone
    page.goto(server + "/")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", "cadre001")
    page.fill("input[name=password]", "jianfu-demo")
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    assert page.locator("h1").inner_text().startswith("今天")
    assert page.locator("legend").first.inner_text() == "時間花在哪兒了？"
    shot(page, "today-zh-Hant")

    # One tap: the first task is preselected and "+30" sits under the thumb, on screen.
    plus30 = page.locator("button.preset", has_text="+30")
    box = plus30.bounding_box()
    assert box and box["y"] + box["height"] <= 640
    plus30.tap()
    expect(page.locator("#total")).to_have_text("今天已記：30 分鐘")
    expect(page.locator("#outbox .count")).to_have_text("全部已傳送。")

    # The quota page answers at once that the target cannot be met honestly.
    page.locator("nav.tabs a", has_text="指標").tap()
    page.wait_for_url(server + "/quota")
    # This month's, the first listed: tasks of one title name their issuer and period (issue 13).
    page.select_option(
        "select[name=task]",
        index=page.evaluate(
            "[...document.querySelectorAll('select[name=task] option')]"
            ".findIndex((o) => o.textContent.startsWith('反詐助手註冊 · '))"
        ),
    )
    page.select_option("select[name=region]", value="360721105201")
    page.fill("input[name=target]", "9000")
    page.locator("button.primary").tap()
    expect(page.locator(".flag-note.critical")).to_have_text("這個指標是上坪村戶籍人口的 2.31 倍（9,000 對 3,900）。")
    shot(page, "quota-flagged-zh-Hant")

    # The language switch is one tap, and it sticks.
    page.locator(".langs a", has_text="简体").tap()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.goto(server + "/history")
    assert page.locator("h1").inner_text() == "记录"
    shot(page, "history-zh-Hans")


def test_pages_fit_a_360_pixel_screen(server, phone):
    page = phone
    page.goto(server + "/login?lang=en")  # the language sticks in a cookie
    sign_in(page, server, "cadre003")
    for path in ("/", "/quota", "/apps", "/history"):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    shot(page, "history-en")


def test_the_quota_form_shows_the_ratio_while_typing(server, phone):
    page = phone
    sign_in(page, server, "cadre001")
    page.goto(server + "/quota")
    page.select_option("select[name=region]", value="360721105201")
    page.fill("input[name=target]", "3000")
    assert page.locator("#live-ratio").inner_text() == "這個指標是上坪村戶籍人口的 0.77 倍。"
    page.fill("input[name=target]", "9000")
    live = page.locator("#live-ratio")
    assert (live.inner_text(), live.get_attribute("class")) == (
        "這個指標是上坪村戶籍人口的 2.31 倍：不造假完不成。",
        "live critical",
    )


def server_quotas(server: str, target: int) -> int:
    token = httpx.post(
        server + "/api/session", json={"username": "admin", "password": "jianfu-demo"}, trust_env=False
    ).json()["token"]
    tasks = httpx.get(server + "/api/tasks", headers={"authorization": f"Bearer {token}"}, trust_env=False).json()
    return sum(1 for t in tasks if t["title"] == f"离线任务{target}")


def test_logged_offline_waits_on_the_phone_and_arrives_exactly_once(server, phone):
    page = phone
    sign_in(page, server, "cadre005")
    controlled_by_the_worker(page)
    page.context.set_offline(True)
    for preset in ("15", "30", "60"):
        page.locator(f"button.preset[value='{preset}']").tap()
        page.wait_for_timeout(200)
    expect(page.locator("#outbox .count")).to_have_text("3 條等待傳送")
    expect(page.locator("#total")).to_have_text("今天已記：1 小時 45 分鐘")
    page.locator("nav.tabs a", has_text="指標").tap()  # served by the worker from its copy
    page.fill("input[name=title]", "离线任务4242")
    page.fill("input[name=target]", "4242")
    page.locator("button.primary").tap()
    expect(page.locator("#outbox .count")).to_have_text("4 條等待傳送")
    page.reload()  # still offline: what waits is on the phone, not in the page
    expect(page.locator("#outbox .count")).to_have_text("4 條等待傳送")
    expect(page.locator("#outbox .waiting li")).to_have_count(4)
    shot(page, "offline-waiting-zh-Hant")
    assert server_entries_today(server, "cadre005") == []
    page.context.set_offline(False)
    expect(page.locator("#outbox .count")).to_have_text("全部已傳送。", timeout=20_000)
    assert sorted(e["minutes"] for e in server_entries_today(server, "cadre005")) == [15, 30, 60]
    assert server_quotas(server, 4242) == 1
    # How the quota was met goes through the outbox too.
    page.locator("nav.tabs a", has_text="紀錄").tap()
    outcome = page.locator("form.outcome").first
    outcome.locator("input[name=status][value=met]").check()
    outcome.locator("input[name=means][value=paid_service]").check()
    outcome.locator("input[name=cost_yuan]").fill("1800")
    outcome.locator("button[type=submit]").tap()
    expect(page.locator("#outbox .count")).to_have_text("全部已傳送。", timeout=20_000)
    token = httpx.post(
        server + "/api/session", json={"username": "cadre005", "password": "jianfu-demo"}, trust_env=False
    ).json()["token"]
    export = httpx.get(
        server + "/api/me/export.csv?lang=en", headers={"authorization": f"Bearer {token}"}, trust_env=False
    ).text
    assert ["Met", "With a paid service", "1800.00"] in [
        line.split(",")[11:] for line in export.splitlines() if line.startswith("How a quota was met")
    ]


def first_entry_link(page, server: str) -> str:
    """Logs 30 minutes now and answers the edit link of an entry on History: a string that only
    this cadre's History page holds."""
    page.goto(server + "/")
    page.locator("button.preset[value='30']").tap()
    # Sent, not only queued: "all sent" also reads so before the tap's entry reaches the outbox, and
    # on a Monday this week's History holds nothing else.
    expect(page.locator("#outbox .sent li")).to_have_count(1, timeout=20_000)
    expect(page.locator("#outbox .count")).to_have_text("全部已傳送。")
    page.goto(server + "/history")
    return page.locator("ul.entries a").first.get_attribute("href")


def opened_offline(page, server: str, path: str) -> tuple[str, str]:
    """(the account the page was drawn for, its HTML) of a page opened with no connection."""
    page.goto(server + path)
    return page.locator("meta[name=account]").get_attribute("content"), page.content()


@pytest.mark.parametrize(
    "leaving", ["signs out", "signs out with the page's script stopped", "walks away and another signs in"]
)
def test_the_next_person_on_a_shared_phone_cannot_open_the_last_ones_pages(server, phone, leaving):
    """Issue 11: the worker's copies of a cadre's pages go when the account changes, however it changes."""
    page = phone
    cadre = {
        "signs out": "cadre013",
        "signs out with the page's script stopped": "cadre015",
        "walks away and another signs in": "cadre017",
    }[leaving]
    sign_in(page, server, cadre)
    controlled_by_the_worker(page)
    link = first_entry_link(page, server)
    for path in ("/", "/quota", "/apps", "/history"):
        page.goto(server + path)
    page.context.set_offline(True)
    account, html = opened_offline(
        page, server, "/history"
    )  # the copies do open offline: the check below means something
    assert account and link in html
    page.context.set_offline(False)

    if leaving == "signs out":
        with page.expect_response(server + "/logout") as answer:
            page.locator("form[data-sign-out] button").tap()
        assert (
            answer.value.header_value("clear-site-data") == '"cache"'
        )  # not "storage": see server/web/pages/account.py
    elif leaving == "signs out with the page's script stopped":
        page.evaluate(
            "document.querySelector('form[data-sign-out]').submit()"
        )  # no submit event: only the worker sees it
    else:
        page.context.clear_cookies()  # the session ended without a sign-out
        sign_in(page, server, "cadre019")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_timeout(1000)  # the worker warms the next person's pages
    if leaving != "walks away and another signs in":
        page.wait_for_url(server + "/login")

    page.context.set_offline(True)
    for path in ("/", "/quota", "/apps", "/history"):
        now, html = opened_offline(page, server, path)
        assert now != account and link not in html, path
        if leaving != "walks away and another signs in":
            expect(page.locator("h1")).to_have_text("沒有網路")  # the offline page, drawn for nobody
    if leaving == "signs out":  # and the outbox sends nothing for anyone until the next sign-in
        assert page.evaluate("JianfuOutbox.getMeta('account')") == ""
    page.context.set_offline(False)


def test_signing_out_with_entries_still_waiting_asks_first(server, phone):
    page = phone
    sign_in(page, server, "cadre021")
    controlled_by_the_worker(page)
    page.context.set_offline(True)
    page.locator("button.preset[value='30']").tap()
    expect(page.locator("#outbox .count")).to_have_text("1 條等待傳送")
    page.locator("form[data-sign-out] button.link").tap()
    warning = page.locator("form[data-sign-out] .unsent[role=alert]")
    expect(warning).to_be_visible()
    expect(warning.locator("p")).to_contain_text("1")
    assert warning.locator("button").count() == 2
    shot(page, "sign-out-asks-zh-Hant")
    warning.locator("button[type=button]").tap()  # stay signed in
    expect(warning).to_have_count(0)
    assert page.url == server + "/"
    page.reload()  # still offline: the entry still waits on the phone
    expect(page.locator("#outbox .count")).to_have_text("1 條等待傳送")
    page.context.set_offline(False)  # and the session still sends it
    expect(page.locator("#outbox .count")).to_have_text("全部已傳送。", timeout=20_000)
    assert [e["minutes"] for e in server_entries_today(server, "cadre021")] == [30]
    page.locator("form[data-sign-out] button.link").tap()  # nothing waits: no question
    page.wait_for_url(server + "/login")


@pytest.fixture
def phone_without_worker(browser) -> Iterator[object]:
    """A phone whose uploads all come from the page (no Background Sync), so a route sees them all."""
    with open_phone(browser, service_workers="block") as page:
        yield page


def test_an_upload_whose_answer_is_lost_is_neither_lost_nor_doubled(server, phone_without_worker):
    page = phone_without_worker
    sign_in(page, server, "cadre007")
    dropped = []

    def drop_the_answer(route):
        if len(dropped) < 2:  # the server stores the batch, the phone never hears back
            route.fetch()
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/entries", drop_the_answer)
    page.locator("button.preset[value='30']").tap()
    page.wait_for_timeout(2500)  # the first retry waits 2 s
    page.evaluate("JianfuOutbox.flush()")
    page.wait_for_timeout(4500)  # the second retry waits 4 s
    page.evaluate("JianfuOutbox.flush()")
    expect(page.locator("#outbox .count")).to_have_text("全部已傳送。", timeout=20_000)
    assert len(dropped) == 2
    assert [e["minutes"] for e in server_entries_today(server, "cadre007")] == [30]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_today_screenshots_in_each_language(server, phone, lang):
    page = phone
    sign_in(page, server, "cadre009")
    page.goto(server + f"/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text().startswith({"zh-Hans": "今天", "zh-Hant": "今天", "en": "Today"}[lang])
    shot(page, f"today-{lang}")


def test_the_app_is_installable(server, tmp_path, browser):
    # A chromium of its own, with a profile on disk, as an installed app has.
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(server + "/login")
    page.evaluate("navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready)")
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    context.close()
    assert errors == []
    assert (manifest["short_name"], manifest["display"], manifest["start_url"]) == (
        "减负",
        "standalone",
        "/?source=pwa",
    )


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (cd tests/axe && npm ci)")
@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("cadre011", "/"),
        ("cadre011", "/quota"),
        ("cadre011", "/history"),
        ("supervisor", "/dashboard/360721"),
        ("supervisor", "/dashboard/360721105"),
        ("supervisor", "/dashboard/360721/flags"),
        ("supervisor", "/dashboard/360721?q=石"),
        ("supervisor", "/method"),
        ("supervisor", "/summaries/360721105"),
        ("supervisor", "/reviews"),
    ],
)
def test_pages_have_no_serious_accessibility_violations(server, username, path, browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    sign_in(page, server, username)
    page.goto(server + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def feed_message(folder: Path, key: str) -> tuple[int, str | None] | None:
    """(attempts, delivered_at) of a feed message, read from the server's store."""
    with sqlite3.connect(folder / "demo.sqlite3") as db:
        return db.execute("SELECT attempts, delivered_at FROM feed_message WHERE key = ?", (key,)).fetchone()


def test_a_supervisor_reviews_a_flagged_township_and_the_feed_delivers_it_after_an_outage(
    server, folder, feed_port, browser
):
    """DESIGN.md's supervisor side end to end: the township's dashboard in Traditional Chinese, a
    review of its flagged quotas, a decision, the close, and the feed reaching a receiver that was
    down for the first tries."""
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-TW").new_page()
    sign_in(page, server, "supervisor")
    # The county's latest published month shows every one of its 12 townships: 17 to 39 cadres each.
    page.goto(server + "/dashboard/360721")
    expect(page.locator("table.places tbody tr")).to_have_count(12)
    assert "少於" not in page.locator("table.places").inner_text()
    shot(page, "dashboard-county-zh-Hant")
    page.goto(server + "/dashboard/360721105")
    expect(page.locator("h1")).to_contain_text("石橋鎮")
    flags = page.locator("ul.flags li")
    assert flags.count() > 0
    assert "指標" in flags.first.inner_text() or "指標" in page.locator("ul.flags").inner_text()
    shot(page, "dashboard-township-zh-Hant")
    page.click("text=對此地此期發起減負審查")
    page.wait_for_url(lambda url: "/reviews/" in url)
    review_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("h1")).to_contain_text("石橋鎮")
    page.select_option("#kind", "reduce_quota")
    task = page.locator("#task option").nth(1)
    page.select_option("#task", task.get_attribute("value"))
    page.fill("#new_target", "300")
    page.click("text=記錄決定")
    expect(page.locator("table.decisions tbody tr")).to_have_count(1)
    expect(page.locator("table.decisions tbody tr th")).to_have_text("壓減指標")
    page.click("text=結束審查")
    expect(page.locator("p.quiet").first).to_contain_text("已結束")
    shot(page, "review-closed-zh-Hant")

    key = f"review.closed:{review_id}"
    deadline = time.monotonic() + 15
    while (state := feed_message(folder, key)) is None or state[0] < 1:
        assert time.monotonic() < deadline, "the closed review was not queued or not tried"
        time.sleep(0.2)
    assert state[1] is None  # the receiver is down: tried, not delivered, still queued
    receiver = Receiver()
    with serving(receiver, feed_port):
        deadline = time.monotonic() + 30
        while not any(d.headers.get("idempotency-key") == key for d in receiver.accepted):
            assert time.monotonic() < deadline, "the feed did not deliver after the receiver came back"
            time.sleep(0.2)
    delivered = next(d for d in receiver.accepted if d.headers["idempotency-key"] == key)
    assert (
        delivered.headers["x-jianfu-signature"]
        == "sha256=" + hmac.new(FEED_SECRET.encode(), delivered.body, hashlib.sha256).hexdigest()
    )
    body = json.loads(delivered.body)
    assert (
        body["id"],
        body["status"],
        body["region"]["code"],
        body["decisions"][0]["kind"],
        body["decisions"][0]["new_target"],
    ) == (review_id, "closed", "360721105", "reduce_quota", 300)
    attempts, delivered_at = feed_message(folder, key)
    assert attempts >= 2 and delivered_at is not None


def test_deleting_what_waits_signs_out_and_leaves_nothing_to_send(server, phone_without_worker):
    page = phone_without_worker
    sign_in(page, server, "cadre023")
    page.route("**/api/entries", lambda route: route.abort("connectionrefused"))  # the server is out of reach
    page.locator("button.preset[value='30']").tap()
    expect(page.locator("#outbox .count")).to_have_text("1 條等待傳送")
    page.locator("form[data-sign-out] button.link").tap()
    page.locator("form[data-sign-out] .unsent button[name=discard]").tap()
    page.wait_for_url(server + "/login")
    assert page.evaluate("JianfuOutbox.all('outbox')") == []
    page.unroute("**/api/entries")
    sign_in(page, server, "cadre023")
    page.wait_for_timeout(500)
    expect(page.locator("#outbox")).to_be_hidden()
    assert server_entries_today(server, "cadre023") == []
