"""Invites from the administrator's side (issue 12): who makes, sees and revokes which, the audit
log, and the printable sheet whose QR code carries the sign-up link."""

from __future__ import annotations

import re
from datetime import timedelta

from account_cases import OTHER_VILLAGE, VILLAGE, setup_area
from clock import app_today
from conftest import PASSWORD, add_user, bearer

from server.models import AuditEvent


async def people(client):
    """An admin, a cadre in VILLAGE, a cadre in OTHER_VILLAGE and a supervisor; their headers."""
    admin = await setup_area(client)
    await add_user("li", "cadre", VILLAGE)
    await add_user("wu", "cadre", OTHER_VILLAGE)
    await add_user("sup", "supervisor", VILLAGE)
    return admin, await bearer(client, "li"), await bearer(client, "wu"), await bearer(client, "sup")


def expires(days: int = 30) -> str:
    return (app_today() + timedelta(days=days)).isoformat()


async def test_each_role_lists_and_revokes_only_the_invites_it_may(client):
    admin, li, wu, sup = await people(client)
    by_admin = (
        await client.post(
            "/api/invites",
            json={"region": OTHER_VILLAGE, "role": "supervisor", "uses": 1, "expires": expires()},
            headers=admin,
        )
    ).json()
    by_li = (
        await client.post("/api/invites", json={"region": VILLAGE, "uses": 3, "expires": expires()}, headers=li)
    ).json()

    listed = {
        name: await client.get("/api/invites", headers=h)
        for name, h in (("admin", admin), ("li", li), ("wu", wu), ("sup", sup))
    }
    assert {
        name: (a.status_code, [i["code"] for i in a.json()] if a.status_code == 200 else a.json()["error"]["code"])
        for name, a in listed.items()
    } == {
        "admin": (200, [by_li["code"], by_admin["code"]]),
        "li": (200, [by_li["code"]]),
        "wu": (200, []),
        "sup": (403, "forbidden"),
    }
    assert listed["li"].json() == [
        {
            "code": by_li["code"],
            "region": VILLAGE,
            "role": "cadre",
            "uses": 3,
            "expires": expires(),
            "created_on": app_today().isoformat(),
            "revoked": False,
            "usable": True,
            "created_by": "li",
        }
    ]

    # Another cadre's invite is not there for wu; the supervisor touches none; li revokes their own.
    statuses = [
        (await client.delete(f"/api/invites/{by_li['code']}", headers=h)).status_code for h in (wu, sup, li, li)
    ]
    assert statuses == [404, 403, 204, 204]
    assert (await client.delete(f"/api/invites/{by_admin['code']}", headers=li)).status_code == 404
    assert [i["revoked"] for i in (await client.get("/api/invites", headers=admin)).json()] == [True, False]

    # Revoked, the code signs nobody up.
    signup = await client.post(
        "/api/signup?lang=en", json={"code": by_li["code"], "username": "newbie", "password": "a-long-passphrase-9"}
    )
    assert (signup.status_code, signup.json()["error"]["fields"]) == (
        422,
        {"code": "This invite code is unknown, used up or expired."},
    )

    log = [(e.actor, e.action, e.target) for e in await AuditEvent.all().order_by("id")]
    assert log == [
        ("root", "invite_created", f"{by_admin['code'][:4]}… {OTHER_VILLAGE}"),
        ("li", "invite_created", f"{by_li['code'][:4]}… {VILLAGE}"),
        ("li", "invite_revoked", f"{by_li['code'][:4]}… {VILLAGE}"),
    ]


async def test_supervisors_and_cadres_elsewhere_make_no_invites(client):
    admin, li, wu, sup = await people(client)
    body = {"region": VILLAGE, "uses": 1, "expires": expires()}
    answers = [await client.post("/api/invites?lang=en", json=body, headers=h) for h in (sup, wu)]
    assert [(a.status_code, a.json()["error"]["fields"]) for a in answers] == [
        (403, {}),
        (403, {"region": "You may invite colleagues into your own region only."}),
    ]
    assert await AuditEvent.all().count() == 0


async def test_the_invite_sheet_carries_the_code_and_a_qr_of_the_signup_link(client):
    admin, li, *_ = await people(client)
    page = await client.get("/invites?lang=en", headers=li)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    made = await client.post(
        "/invites", data={"csrf": csrf, "uses": "2", "expires": expires(10), "region": OTHER_VILLAGE}, headers=li
    )
    code = made.headers["location"].rsplit("/", 1)[1]
    assert (made.status_code, re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code) is not None) == (303, True)
    sheet = await client.get(f"/invites/{code}?lang=en", headers=li)
    link = f"http://jianfu.test/signup?code={code}"
    assert (
        sheet.status_code,
        f'<a href="{link}">{link}</a>' in sheet.text,
        "<svg" in sheet.text,
        "2 uses left" in sheet.text,
    ) == (200, True, True, True)
    # The form of a cadre has no region: the invite is for their own (OTHER_VILLAGE was ignored).
    assert [i["region"] for i in (await client.get("/api/invites", headers=li)).json()] == [VILLAGE]
    signup = await client.get(f"/signup?code={code}")
    assert f'value="{code}"' in signup.text
    joined = await client.post("/api/signup", json={"code": code, "username": "newbie", "password": PASSWORD})
    assert (joined.status_code, joined.json()["user"]["region"]) == (201, VILLAGE)


async def test_a_supervisor_invite_makes_a_supervisor_account_in_its_region(client):
    admin, *_ = await people(client)
    invite = (
        await client.post(
            "/api/invites",
            json={"region": OTHER_VILLAGE, "role": "supervisor", "uses": 1, "expires": expires()},
            headers=admin,
        )
    ).json()
    joined = await client.post(
        "/api/signup",
        json={"code": invite["code"].lower().replace("-", " "), "username": "inspector", "password": PASSWORD},
    )
    assert (joined.status_code, joined.json()["user"]["role"], joined.json()["user"]["region"]) == (
        201,
        "supervisor",
        OTHER_VILLAGE,
    )
    assert [(i["uses"], i["usable"]) for i in (await client.get("/api/invites", headers=admin)).json()] == [(0, False)]
