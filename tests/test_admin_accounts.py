"""Issue 12 through the API: the accounts list, disabling, password reset codes, leaving, and the
audit log. Authorization for every endpoint: admin yes, cadre and supervisor no."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from account_cases import NEW_PASSWORD, OTHER_VILLAGE, TOWNSHIP, VILLAGE, area
from burden_cases import VILLAGES, county_with_reporters
from conftest import AFTER, MONTH, PASSWORD, bearer, publish_month

from server.models import AuditEvent, OneTimeCode, TimeEntry, User


async def test_admins_list_accounts_by_region_and_role_without_any_figure(client):
    admin = await area(client)
    everyone = await client.get("/api/users", headers=admin)
    assert everyone.status_code == 200
    assert everyone.json() == [
        {
            "username": "root",
            "role": "admin",
            "region": None,
            "locale": None,
            "created": "2000-01-01",
            "disabled": None,
        },
        {
            "username": "li",
            "role": "cadre",
            "region": VILLAGE,
            "locale": "zh-Hant",
            "created": "2000-01-01",
            "disabled": None,
        },
        {
            "username": "wang",
            "role": "cadre",
            "region": OTHER_VILLAGE,
            "locale": None,
            "created": "2000-01-01",
            "disabled": None,
        },
        {
            "username": "sup",
            "role": "supervisor",
            "region": TOWNSHIP,
            "locale": None,
            "created": "2000-01-01",
            "disabled": None,
        },
    ]
    village = await client.get(f"/api/users?region={VILLAGE}", headers=admin)
    assert [u["username"] for u in village.json()] == ["li"]
    cadres = await client.get(f"/api/users?region={TOWNSHIP}&role=cadre", headers=admin)
    assert [u["username"] for u in cadres.json()] == ["li", "wang"]
    bad = await client.get("/api/users?region=999&role=boss&page=0&lang=en", headers=admin)
    assert (bad.status_code, bad.json()["error"]["fields"]) == (
        422,
        {"role": "Must be one of: cadre, supervisor, admin.", "page": "Must be between 1 and 100000."},
    )
    unknown = await client.get("/api/users?region=999&lang=en", headers=admin)
    assert (unknown.status_code, unknown.json()["error"]["fields"]) == (422, {"region": "Unknown region."})


@pytest.mark.parametrize("who", ["li", "sup"])
async def test_cadres_and_supervisors_may_not_administer_accounts(client, who):
    await area(client)
    headers = await bearer(client, who)
    for method, path in [
        ("GET", "/api/users"),
        ("POST", "/api/users/wang/disable"),
        ("POST", "/api/users/wang/enable"),
        ("POST", "/api/users/wang/reset"),
        ("GET", "/api/audit"),
        ("GET", "/api/tasks/usage"),
        ("GET", "/api/apps/usage"),
        ("POST", "/api/tasks/1/merge"),
        ("PATCH", "/api/tasks/1"),
        ("PATCH", "/api/apps/1"),
        ("POST", "/api/apps/1/merge"),
    ]:
        answer = await client.request(method, path, headers=headers, json={})
        assert (path, answer.status_code, answer.json()["error"]["code"]) == (path, 403, "forbidden")
    assert (await client.get("/api/users")).status_code == 401


async def test_disabling_ends_sessions_at_once_and_refuses_sign_in_until_enabled(client):
    admin = await area(client)
    li = await bearer(client, "li")
    assert (await client.get("/api/entries", headers=li)).status_code == 200
    assert (await client.post("/api/users/li/disable", headers=admin)).status_code == 204
    refused = await client.get("/api/entries", headers=li)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "unauthenticated")
    again = await client.post("/api/session?lang=en", json={"username": "li", "password": PASSWORD})
    assert (again.status_code, again.json()["error"]) == (
        403,
        {
            "code": "account_disabled",
            "message": "This account has been disabled. Ask your administrator to enable it again.",
            "fields": {},
        },
    )
    wrong = await client.post("/api/session", json={"username": "li", "password": "not the password"})
    assert wrong.json()["error"]["code"] == "invalid_credentials"  # the state is told only to who knows the password
    listed = (await client.get(f"/api/users?region={VILLAGE}", headers=admin)).json()
    assert listed[0]["disabled"] is not None
    assert (await client.post("/api/users/li/enable", headers=admin)).status_code == 204
    assert (await client.post("/api/session", json={"username": "li", "password": PASSWORD})).status_code == 200
    assert (await User.get(username="li")).disabled_on is None


async def test_disabling_oneself_or_nobody_is_refused(client):
    admin = await area(client)
    own = await client.post("/api/users/root/disable?lang=en", headers=admin)
    assert (own.status_code, own.json()["error"]["fields"]) == (
        409,
        {"username": "You cannot disable your own account."},
    )
    missing = await client.post("/api/users/nobody/disable", headers=admin)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    assert (await client.post("/api/users/nobody/reset", headers=admin)).status_code == 404
    assert (await client.post("/api/users/" + "x" * 300 + "/enable", headers=admin)).status_code == 404


async def test_a_reset_code_sets_a_new_password_once_and_ends_old_sessions(client):
    admin = await area(client)
    old = await bearer(client, "li")
    issued = await client.post("/api/users/li/reset", headers=admin)
    assert issued.status_code == 201
    code, expires = issued.json()["code"], datetime.fromisoformat(issued.json()["expires"])
    assert timedelta(hours=71, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=72)
    assert await OneTimeCode.filter(purpose="reset").values_list("code_hash", flat=True) != [
        code
    ]  # only a hash is kept
    weak = await client.post(
        "/api/password-reset?lang=en", json={"username": "li", "code": code, "new_password": "li12345678"}
    )
    assert (weak.status_code, list(weak.json()["error"]["fields"])) == (422, ["new_password"])
    done = await client.post(
        "/api/password-reset",
        json={"username": "li", "code": code.lower().replace("-", " "), "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 200
    assert done.json()["user"] == {"username": "li", "role": "cadre", "region": VILLAGE, "locale": "zh-Hant"}
    assert (
        await client.get("/api/entries", headers={"authorization": f"Bearer {done.json()['token']}"})
    ).status_code == 200
    assert (await client.get("/api/entries", headers=old)).status_code == 401
    assert (await client.post("/api/session", json={"username": "li", "password": NEW_PASSWORD})).status_code == 200
    used = await client.post(
        "/api/password-reset?lang=zh-Hant",
        json={"username": "li", "code": code, "new_password": "another calm password"},
    )
    assert (used.status_code, used.json()["error"]["fields"]) == (
        422,
        {"code": "這個重設碼不對、已用過或已過期。請向管理員要一個新的。"},
    )


async def test_a_new_code_replaces_the_old_one_and_codes_expire_after_72_hours(client):
    admin = await area(client)
    first = (await client.post("/api/users/li/reset", headers=admin)).json()["code"]
    second = (await client.post("/api/users/li/reset", headers=admin)).json()["code"]
    replaced = await client.post(
        "/api/password-reset", json={"username": "li", "code": first, "new_password": NEW_PASSWORD}
    )
    assert (replaced.status_code, list(replaced.json()["error"]["fields"])) == (422, ["code"])
    other = await client.post(
        "/api/password-reset", json={"username": "wang", "code": second, "new_password": NEW_PASSWORD}
    )
    assert (other.status_code, list(other.json()["error"]["fields"])) == (
        422,
        ["code"],
    )  # a code works for its own account only
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=72, minutes=1)):
        late = await client.post(
            "/api/password-reset", json={"username": "li", "code": second, "new_password": NEW_PASSWORD}
        )
    assert (late.status_code, list(late.json()["error"]["fields"])) == (422, ["code"])


async def test_wrong_reset_codes_are_throttled_like_sign_in(client):
    await area(client)
    statuses = [
        (
            await client.post(
                "/api/password-reset", json={"username": "li", "code": f"WRONG{n}", "new_password": NEW_PASSWORD}
            )
        ).status_code
        for n in range(6)
    ]
    assert statuses == [422, 422, 422, 422, 422, 429]
    bad = await client.post("/api/password-reset?lang=en", json={"username": "li", "code": 5})
    assert (bad.status_code, sorted(bad.json()["error"]["fields"])) == (422, ["code", "new_password"])
    assert (await client.post("/api/password-reset", content=b"{nope")).status_code == 400


async def test_a_disabled_account_cannot_use_a_reset_code(client):
    admin = await area(client)
    code = (await client.post("/api/users/li/reset", headers=admin)).json()["code"]
    await client.post("/api/users/li/disable", headers=admin)
    refused = await client.post(
        "/api/password-reset", json={"username": "li", "code": code, "new_password": NEW_PASSWORD}
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "account_disabled")


async def test_the_audit_log_names_who_did_what_to_whom_and_the_day_only(client):
    admin = await area(client)
    await client.post(
        "/api/users",
        json={"username": "zhao", "password": "a long calm password", "role": "cadre", "region": VILLAGE},
        headers=admin,
    )
    await client.post("/api/users/zhao/disable", headers=admin)
    await client.post("/api/users/zhao/enable", headers=admin)
    code = (await client.post("/api/users/li/reset", headers=admin)).json()["code"]
    await client.post("/api/password-reset", json={"username": "li", "code": code, "new_password": NEW_PASSWORD})
    log = (await client.get("/api/audit", headers=admin)).json()
    assert [(e["actor"], e["action"], e["target"]) for e in log] == [
        ("li", "password_reset_used", "li"),
        ("root", "password_reset_issued", "li"),
        ("root", "user_enabled", "zhao"),
        ("root", "user_disabled", "zhao"),
        ("root", "user_created", "zhao"),
    ]
    assert all(len(e["day"]) == 10 for e in log)  # a date, never a time of day
    assert code.replace("-", "") not in str(log).replace("-", "")


async def published_then_current(client, settings, clock):
    """The county logs MONTH, which is published; then a cadre logs the next month too."""
    supervisor, ids = await county_with_reporters(client)
    await publish_month(settings)
    clock.move_to(AFTER)
    leaver = f"c{VILLAGES[0]}-0"
    headers = await bearer(client, leaver)
    today = AFTER.date()
    answer = await client.post(
        "/api/entries",
        json={"entries": [{"client_id": "after", "date": today.isoformat(), "minutes": 45, "activity": "meeting"}]},
        headers=headers,
    )
    assert answer.json()["accepted"] == ["after"]
    return supervisor, ids, leaver, headers


async def test_leaving_deletes_the_account_and_its_unpublished_rows_and_no_release_changes(
    village_client, village_settings, during_month
):
    supervisor, _ids, leaver, headers = await published_then_current(village_client, village_settings, during_month)
    before = (
        await village_client.get(f"/api/summaries/{TOWNSHIP}?period={MONTH.key}&lang=zh-Hans", headers=supervisor)
    ).json()
    wrong = await village_client.request("DELETE", "/api/me", json={"password": "not it"}, headers=headers)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_credentials")
    missing = await village_client.request("DELETE", "/api/me?lang=en", json={}, headers=headers)
    assert (missing.status_code, missing.json()["error"]["fields"]) == (422, {"password": "This field is required."})
    entries_before = await TimeEntry.all().count()
    gone = await village_client.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=headers)
    assert gone.status_code == 204
    assert not await User.exists(username=leaver)
    assert await TimeEntry.all().count() == entries_before - 1  # the month's published entries stay, tied to no one
    assert not await TimeEntry.filter(client_id="after").exists()
    assert (await village_client.get("/api/entries", headers=headers)).status_code == 401
    after = (
        await village_client.get(f"/api/summaries/{TOWNSHIP}?period={MONTH.key}&lang=zh-Hans", headers=supervisor)
    ).json()
    assert after == before
    assert await AuditEvent.filter(action="account_deleted", target=leaver).exists()


async def test_administrators_and_reviewers_do_not_leave_through_delete_me(
    village_client, village_settings, during_month
):
    supervisor, _ids, _leaver, _headers = await published_then_current(village_client, village_settings, during_month)
    opened = await village_client.post(
        "/api/reviews", json={"region": TOWNSHIP, "period": MONTH.key}, headers=supervisor
    )
    assert opened.status_code == 201
    kept = await village_client.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=supervisor)
    assert (kept.status_code, kept.json()["error"]["code"]) == (409, "conflict")
    admin = await bearer(village_client, "root")
    refused = await village_client.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=admin)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert await User.exists(username="root")
