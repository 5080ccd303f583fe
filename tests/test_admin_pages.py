"""Issue 12's pages without a browser: what an administrator and a cadre see and post, in three
languages, with the CSRF token every form carries."""

import re

import pytest
from account_cases import NEW_PASSWORD, area
from conftest import PASSWORD


async def signed_in_page(client, username: str, path: str) -> tuple[str, str]:
    """Sign in through the form; the page at `path` and its CSRF token."""
    await client.post("/login", data={"username": username, "password": PASSWORD})
    html = (await client.get(path)).text
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    return html, found.group(1) if found else ""


@pytest.mark.parametrize(
    ("lang", "heading", "disabled"),
    [("zh-Hans", "用户账号", "停用"), ("zh-Hant", "使用者帳號", "停用"), ("en", "User accounts", "Disable")],
)
async def test_the_accounts_page_lists_people_and_disables_one(client, lang, heading, disabled):
    await area(client)
    html, csrf = await signed_in_page(client, "root", f"/admin/users?lang={lang}")
    assert f"<h1>{heading}</h1>" in html and disabled in html
    assert "li" in html and "wang" in html
    answer = await client.post("/admin/users/wang/disable", data={"csrf": csrf})
    assert (answer.status_code, answer.headers["location"]) == (303, "/admin/users")
    assert (await client.post("/api/session", json={"username": "wang", "password": PASSWORD})).status_code == 403


async def test_a_reset_code_is_shown_once_and_works_on_the_reset_page(client):
    await area(client)
    _html, csrf = await signed_in_page(client, "root", "/admin/users?lang=en")
    shown = await client.post("/admin/users/li/reset", data={"csrf": csrf})
    code = re.search(r'id="reset-code">([0-9A-Z-]+)<', shown.text).group(1)
    await client.post("/logout", data={})
    client.cookies.clear()
    form = await client.get("/reset?lang=en&username=li")
    assert 'value="li"' in form.text
    wrong = await client.post(
        "/reset?lang=en", data={"username": "li", "code": "AAAA-BBBB", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422 and "This reset code is wrong, used or expired." in wrong.text
    done = await client.post("/reset", data={"username": "li", "code": code, "new_password": NEW_PASSWORD})
    assert (done.status_code, done.headers["location"]) == (303, "/")


async def test_pages_refuse_cadres_and_forms_without_the_token(client):
    await area(client)
    html, csrf = await signed_in_page(client, "li", "/admin/users")
    assert (await client.get("/admin/users")).status_code == 403
    assert (await client.get("/admin/tasks")).status_code == 403
    assert (await client.get("/admin/audit")).status_code == 403
    client.cookies.clear()
    _html, csrf = await signed_in_page(client, "root", "/admin/users")
    assert (await client.post("/admin/users/li/disable", data={})).status_code == 403
    bad = await client.get("/admin/users?region=abc&lang=en")
    assert bad.status_code == 422 and "Unknown region." in bad.text


async def test_a_cadre_deletes_their_account_after_downloading_the_export(client):
    await area(client)
    html, csrf = await signed_in_page(client, "li", "/account/delete?lang=en")
    assert 'href="/api/me/export.csv"' in html
    wrong = await client.post("/account/delete", data={"csrf": csrf, "password": "nope"})
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.text
    gone = await client.post("/account/delete", data={"csrf": csrf, "password": PASSWORD})
    assert gone.status_code == 200 and "Account deleted" in gone.text
    assert (await client.post("/api/session", json={"username": "li", "password": PASSWORD})).status_code == 401


async def test_the_tasks_page_and_the_audit_page_render_for_an_admin(client):
    admin = await area(client)
    await client.post(
        "/api/tasks",
        json={
            "title": "反诈助手注册",
            "metric": "registrations",
            "issued_by": "360721105",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
        headers=admin,
    )
    await client.post("/api/users/li/disable", headers=admin)
    html, csrf = await signed_in_page(client, "root", "/admin/tasks?lang=en")
    assert "反诈助手注册" in html and "fewer than 10 reporters" in html
    empty = await client.post("/admin/tasks/merge?lang=en", data={"csrf": csrf, "source": "1", "into": ""})
    assert empty.status_code == 422 and "Choose what to merge it into." in empty.text
    log = await client.get("/admin/audit?lang=en")
    assert "root disabled the account li." in log.text
