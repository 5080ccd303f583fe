"""The first administrator of a fresh store (issue 12): a one-time link, the usual password rules,
dead once any administrator exists (made by the link or by `jianfu create-user`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import PASSWORD, add_user

from server.models import AuditEvent, User
from server.services import first_admin


async def test_the_link_creates_one_admin_once_with_the_usual_password_rules(client):
    code = await first_admin.issue_code()
    form = await client.get(f"/first-admin?code={code}&lang=en")
    assert (form.status_code, "The first administrator" in form.text) == (200, True)
    weak = await client.post(
        "/first-admin?lang=en",
        data={"code": code, "username": "chief", "password": "password"},
        headers={"origin": "http://jianfu.test"},
    )
    assert (weak.status_code, '<p class="error" id="password-error">' in weak.text) == (422, True)
    made = await client.post(
        "/first-admin",
        data={"code": code, "username": "Chief", "password": PASSWORD},
        headers={"origin": "http://jianfu.test"},
    )
    assert (made.status_code, made.headers["location"]) == (303, "/admin")
    assert (await client.get("/admin?lang=en")).status_code == 200  # signed in by the cookie it set
    assert [(u.username, u.role, u.region_id) for u in await User.all()] == [("chief", "admin", None)]
    assert [(e.actor, e.action, e.target) for e in await AuditEvent.all()] == [
        ("chief", "first_admin_created", "chief")
    ]
    again = await client.get(f"/first-admin?code={code}&lang=en")
    assert (again.status_code, "This link is no longer valid." in again.text) == (404, True)
    second = await client.post(
        "/first-admin",
        data={"code": code, "username": "other", "password": PASSWORD},
        headers={"origin": "http://jianfu.test"},
    )
    assert (second.status_code, await User.all().count()) == (404, 1)
    assert await first_admin.issue_code() is None


async def test_an_admin_made_otherwise_kills_the_link_and_an_old_link_expires(client):
    stale = await first_admin.issue_code(datetime.now(UTC) - timedelta(hours=25))
    assert (await client.get(f"/first-admin?code={stale}")).status_code == 404
    code = await first_admin.issue_code()
    await add_user("root", "admin", None)  # as `jianfu create-user root --role admin` does
    assert [(await client.get(f"/first-admin?code={c}")).status_code for c in (code, "", "x" * 500)] == [404, 404, 404]
