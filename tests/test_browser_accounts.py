"""Issue 12 in a real browser, in each language: an administrator resets a forgotten password that
the cadre then sets at /reset, merges two duplicate tasks, and disables an account whose open
session ends at once. Also: the pages fit a phone and are axe-clean.

Uses the demo server of conftest.py (its own copy for this module)."""

from __future__ import annotations

import re

import httpx
import pytest
from phone import AXE, BROWSER_TESTS, open_phone, shot, sign_in

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
expect = sync_api.expect
pytestmark = BROWSER_TESTS

LANGS = ["zh-Hans", "zh-Hant", "en"]
# One cadre per language and test, so the tests leave each other alone on the shared demo server.
FORGETFUL = {"zh-Hans": "cadre031", "zh-Hant": "cadre033", "en": "cadre035"}
LEAVING_SOON = {"zh-Hans": "cadre037", "zh-Hant": "cadre039", "en": "cadre041"}
DISABLED_MESSAGE = {
    "zh-Hans": "这个账号已被停用。请联系管理员重新启用。",
    "zh-Hant": "這個帳號已被停用。請聯絡管理員重新啟用。",
    "en": "This account has been disabled. Ask your administrator to enable it again.",
}


def admin_api(server: str) -> httpx.Client:
    token = httpx.post(
        server + "/api/session", json={"username": "admin", "password": "jianfu-demo"}, trust_env=False
    ).json()["token"]
    return httpx.Client(base_url=server, headers={"authorization": f"Bearer {token}"}, trust_env=False)


def region_of(server: str, username: str) -> str:
    """A demo cadre's home region, from the accounts list (a page at a time)."""
    with admin_api(server) as api:
        for number in range(1, 40):
            found = [
                u["region"]
                for u in api.get("/api/users", params={"role": "cadre", "page": number}).json()
                if u["username"] == username
            ]
            if found:
                return found[0]
    raise AssertionError(f"no cadre {username} in the demo")


def as_admin(page, server: str, lang: str) -> None:
    page.goto(server + f"/login?lang={lang}")
    sign_in(page, server, "admin")


@pytest.mark.parametrize("lang", LANGS)
def test_a_forgotten_password_is_reset_with_a_code_handed_over_in_person(server, lang, browser):
    cadre = FORGETFUL[lang]
    region = region_of(server, cadre)
    with open_phone(browser) as page:
        as_admin(page, server, lang)
        page.goto(server + f"/admin/users?region={region}&role=cadre")
        assert page.locator("html").get_attribute("lang") == lang
        page.locator(f'form[action="/admin/users/{cadre}/reset"] button').tap()
        code = page.locator("#reset-code").inner_text()
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
        shot(page, f"admin-reset-code-{lang}")
    with open_phone(browser) as page:  # the cadre's own phone, signed out, password forgotten
        page.goto(server + f"/login?lang={lang}")
        page.locator('a[href="/reset"]').tap()
        page.fill("input[name=username]", cadre)
        page.fill("input[name=code]", code.lower())  # typed as read aloud: case and dashes do not matter
        page.fill("input[name=new_password]", "a new quiet river stone")
        page.locator("button.primary").tap()
        page.wait_for_url(server + "/")
        expect(page.locator("nav.tabs")).to_be_visible()  # signed in, on Today
        page.goto(server + "/reset")  # the code worked once: a second use is refused, in the reader's language
        page.fill("input[name=username]", cadre)
        page.fill("input[name=code]", code)
        page.fill("input[name=new_password]", "yet another calm password")
        page.locator("button.primary").tap()
        expect(page.locator("#code-error")).to_be_visible()
        shot(page, f"reset-used-{lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_two_duplicate_tasks_are_merged_into_one(server, lang, browser):
    with admin_api(server) as api:
        body = {
            "metric": "registrations",
            "issued_by": "360721",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "ranking": "weekly",
        }
        kept = api.post("/api/tasks", json={**body, "title": f"反诈助手注册（{lang}）"}).json()["id"]
        duplicate = api.post("/api/tasks", json={**body, "title": f"反诈APP注册（{lang}）"}).json()["id"]
    with open_phone(browser) as page:
        as_admin(page, server, lang)
        page.goto(server + "/admin/tasks")
        expect(page.locator("ul.curated li", has_text=f"反诈APP注册（{lang}）")).to_have_count(1)
        page.select_option("#tasks-source", str(duplicate))
        page.select_option("#tasks-into", str(kept))
        page.locator('form[action="/admin/tasks/merge"] button').tap()
        page.wait_for_url(server + "/admin/tasks")
        expect(page.locator("ul.curated li", has_text=f"反诈APP注册（{lang}）")).to_have_count(0)
        expect(page.locator("ul.curated li", has_text=f"反诈助手注册（{lang}）")).to_have_count(1)
        shot(page, f"admin-tasks-merged-{lang}")
        page.goto(server + "/admin/audit")
        expect(page.locator("ul.log li").first).to_contain_text(f"反诈APP注册（{lang}） → 反诈助手注册（{lang}）")


@pytest.mark.parametrize("lang", LANGS)
def test_disabling_an_account_ends_its_open_session(server, lang, browser):
    cadre = LEAVING_SOON[lang]
    region = region_of(server, cadre)
    phones = [browser.new_context(viewport={"width": 360, "height": 640}, locale="en").new_page() for _ in range(2)]
    cadre_page, admin_page = phones
    cadre_page.goto(server + f"/login?lang={lang}")
    sign_in(cadre_page, server, cadre)
    expect(cadre_page.locator("nav.tabs")).to_be_visible()
    as_admin(admin_page, server, lang)
    admin_page.goto(server + f"/admin/users?region={region}&role=cadre")
    admin_page.locator(f'form[action="/admin/users/{cadre}/disable"] button').click()
    admin_page.wait_for_url(lambda url: "/admin/users" in url)
    expect(admin_page.locator(f'form[action="/admin/users/{cadre}/enable"] button')).to_be_visible()
    shot(admin_page, f"admin-users-disabled-{lang}")
    cadre_page.goto(server + "/history")  # the open session ended: back to sign-in
    assert cadre_page.url.startswith(server + "/login")
    cadre_page.fill("input[name=username]", cadre)
    cadre_page.fill("input[name=password]", "jianfu-demo")
    cadre_page.click("button[type=submit]")
    expect(cadre_page.locator("p.error[role=alert]")).to_have_text(DISABLED_MESSAGE[lang])


@pytest.mark.parametrize("path", ["/admin/users", "/admin/tasks", "/admin/audit", "/reset", "/account/delete"])
def test_the_administration_pages_fit_a_phone_and_have_no_serious_accessibility_violations(server, path, browser):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (cd tests/axe && npm ci)")
    page = browser.new_context(
        viewport={"width": 360, "height": 640}, bypass_csp=True
    ).new_page()  # axe is injected inline
    sign_in(page, server, "cadre043" if path == "/account/delete" else "admin")
    page.goto(server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert (width <= 360, serious) == (True, [])


LEAVERS = {"zh-Hans": "cadre045", "zh-Hant": "cadre047", "en": "cadre049"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_cadre_leaves_after_the_export_is_offered(server, lang, browser):
    cadre = LEAVERS[lang]
    with open_phone(browser) as page:
        page.goto(server + f"/login?lang={lang}")
        sign_in(page, server, cadre)
        page.goto(server + "/password")
        page.locator('a[href="/account/delete"]').tap()
        export = page.locator('a[href="/api/me/export.csv"]')
        expect(export).to_be_visible()
        with page.expect_download() as download:
            export.click()
        assert download.value.suggested_filename.endswith(".csv")
        page.fill("input[name=password]", "jianfu-demo")
        page.locator("button.danger").tap()
        expect(page.locator("h1")).to_have_text(
            {"zh-Hans": "账号已删除", "zh-Hant": "帳號已刪除", "en": "Account deleted"}[lang]
        )
        shot(page, f"account-deleted-{lang}")
    answer = httpx.post(server + "/api/session", json={"username": cadre, "password": "jianfu-demo"}, trust_env=False)
    assert answer.status_code == 401
