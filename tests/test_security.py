"""Hardening (issue 6): throttling that cannot lock a cadre out from one address, password changes
that end every session, hostile bodies that get clean 4xx answers, and logs that name no one."""

import os
import re
import subprocess
import sys
import time

import httpx
import pytest
from clock import app_today
from conftest import PASSWORD, SECRET, add_user, bearer
from receiver import free_port

from server.app import create_app


def clients_from(app, *addresses):
    return [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 4000)), base_url="http://jianfu.test")
        for address in addresses
    ]


async def test_guessing_from_one_address_does_not_lock_the_cadre_out(settings):
    app = create_app(settings, manage_store=False)
    attacker, cadre = clients_from(app, "198.51.100.9", "203.0.113.20")
    async with attacker, cadre:
        await add_user("li", "cadre", None)
        statuses = [
            (await attacker.post("/api/session", json={"username": "li", "password": f"guess{n}"})).status_code
            for n in range(8)
        ]
        assert statuses == [401] * 5 + [429] * 3
        blocked = await attacker.post("/api/session", json={"username": "li", "password": PASSWORD})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert (await cadre.post("/api/session", json={"username": "li", "password": PASSWORD})).status_code == 200
        page = await attacker.post(
            "/login", data={"username": "li", "password": "x"}, headers={"sec-fetch-site": "same-origin"}
        )
        assert page.status_code == 429 and int(page.headers["retry-after"]) > 0


async def test_many_addresses_guessing_one_account_are_slowed_too(settings):
    app = create_app(settings, manage_store=False)
    await add_user("li", "cadre", None)
    for n in range(50):
        (one,) = clients_from(app, f"198.51.100.{n + 1}")
        async with one:
            assert (await one.post("/api/session", json={"username": "lixia", "password": "wrong"})).status_code == 401
    (late,) = clients_from(app, "198.51.100.200")
    async with late:
        assert (await late.post("/api/session", json={"username": "lixia", "password": "wrong"})).status_code == 429


async def test_a_password_change_ends_every_session_and_token(client):
    await add_user("li", "cadre", None)
    phone, laptop = await bearer(client, "li"), await bearer(client, "li")
    wrong = await client.post(
        "/api/me/password?lang=en", json={"current_password": "nope", "new_password": "a new passphrase"}, headers=phone
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_credentials")
    short = await client.post(
        "/api/me/password?lang=en", json={"current_password": PASSWORD, "new_password": "short"}, headers=phone
    )
    assert (short.status_code, short.json()["error"]["fields"]) == (422, {"new_password": "At least 8 characters."})
    changed = await client.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": "a new passphrase"}, headers=phone
    )
    assert changed.status_code == 200
    fresh = {"authorization": f"Bearer {changed.json()['token']}"}
    assert [(await client.get("/api/entries", headers=h)).status_code for h in (phone, laptop, fresh)] == [
        401,
        401,
        200,
    ]
    assert (await client.post("/api/session", json={"username": "li", "password": PASSWORD})).status_code == 401
    assert (
        await client.post("/api/session", json={"username": "li", "password": "a new passphrase"})
    ).status_code == 200


async def test_the_password_page_changes_it_with_the_session_cookie(client):
    await add_user("li", "cadre", None)
    signed = await client.post(
        "/login", data={"username": "li", "password": PASSWORD}, headers={"sec-fetch-site": "same-origin"}
    )
    old_cookie = signed.cookies["jianfu_session"]
    form = await client.get("/password?lang=en")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
    refused = await client.post(
        "/password",
        data={"csrf": "forged", "current_password": PASSWORD, "new_password": "a new passphrase"},
        headers={"sec-fetch-site": "same-origin"},
    )
    assert refused.status_code == 403
    done = await client.post(
        "/password",
        data={"csrf": csrf, "current_password": PASSWORD, "new_password": "a new passphrase"},
        headers={"sec-fetch-site": "same-origin"},
    )
    assert done.status_code == 303 and done.cookies["jianfu_session"] != old_cookie
    client.cookies.clear()
    client.cookies.set("jianfu_session", old_cookie)
    stale = await client.get("/api/entries")
    assert stale.status_code == 401


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        (b'{"entries": [{"client_id": "\xff\xfe"}]}', {"content-type": "application/json"}, 400, "malformed_json"),
        (b"[" * 100_000 + b"]" * 100_000, {"content-type": "application/json"}, 400, "malformed_json"),
        (
            b'{"entries": [{"client_id": "a", "date": "2026-01-01", "minutes": 1e308, "activity": "other"}]}',
            {},
            200,
            None,
        ),
        (
            b'{"entries": [{"client_id": "a", "date": "2026-01-01", "minutes": '
            + b"9" * 5000
            + b', "activity": "other"}]}',
            {},
            400,
            "malformed_json",
        ),
        (b'{"entries": NaN}', {}, 400, "malformed_json"),
        (b"x" * 10_000_000, {}, 413, "too_large"),
    ],
)
async def test_hostile_bodies_get_clean_4xx_answers(client, body, headers, status, code):
    await add_user("root", "admin", None)
    await client.post(
        "/api/regions",
        json={
            "regions": [{"code": "360000", "parent": None, "level": "province", "name": "江西省", "population": 1000}]
        },
        headers=await bearer(client, "root"),
    )
    await add_user("li", "cadre", "360000")
    answer = await client.post("/api/entries?lang=en", content=body, headers={**headers, **await bearer(client, "li")})
    assert answer.status_code == status, answer.text[:300]
    if code:
        assert answer.json()["error"]["code"] == code
    else:  # the batch is read; the absurd entry alone is rejected, with its field named
        assert answer.json()["rejected"][0]["error"]["fields"] == {"minutes": "Must be between 1 minute and 24 hours."}


async def test_a_streamed_body_over_the_cap_is_cut_off_with_413(client):
    await add_user("li", "cadre", None)

    async def chunks():
        for _ in range(20):
            yield b"x" * 600_000

    answer = await client.post("/api/entries", content=chunks(), headers=await bearer(client, "li"))
    assert (answer.status_code, answer.json()["error"]["code"]) == (413, "too_large")


@pytest.mark.slow  # a real server process
def test_no_client_address_or_user_agent_reaches_the_logs(tmp_path):
    """A real server on loopback, asked from 127.0.0.2 with a telltale user agent: signing in,
    failing to, logging, reading, 404s and 413s. Its whole output must name neither."""
    port = free_port()
    env = {
        **os.environ,
        "JIANFU_DATABASE_URL": f"sqlite://{tmp_path}/logs.sqlite3",
        "JIANFU_SECRET": SECRET,
        "JIANFU_PASSWORD": PASSWORD,
    }
    subprocess.run(
        [sys.executable, "-m", "server", "create-user", "lixia", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    agent = "TelltaleAgent/9.9 (probe)"
    try:
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            transport=transport,
            headers={"user-agent": agent},
            trust_env=False,
            timeout=10,
        ) as http:
            for _ in range(100):
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            http.post("/api/session", json={"username": "lixia", "password": "wrong"})
            token = http.post("/api/session", json={"username": "lixia", "password": PASSWORD}).json()["token"]
            auth = {"authorization": f"Bearer {token}"}
            http.post(
                "/api/entries",
                json={
                    "entries": [{"client_id": "a", "date": app_today().isoformat(), "minutes": 30, "activity": "other"}]
                },
                headers=auth,
            )
            http.get("/api/entries", headers=auth)
            http.get("/no/such/page")
            http.post("/api/entries", content=b"x" * 2_000_000, headers=auth)
            http.get("/", headers={"x-forwarded-for": "192.0.2.77"})
    finally:
        server.terminate()
        server.wait(timeout=10)
    output = (tmp_path / "server.log").read_text()
    assert "Uvicorn running" in output or "Application startup complete" in output  # the log was captured
    for telltale in ("127.0.0.2", agent, "TelltaleAgent", "192.0.2.77", "GET /", "POST /api"):
        assert telltale not in output, telltale


async def test_the_csrf_token_is_masked_afresh_on_every_page_and_each_mask_works(client):
    """Pages are gzip'd: an unchanging secret beside echoed input could be guessed from sizes (BREACH)."""
    await add_user("li", "cadre", None)
    await client.post(
        "/login", data={"username": "li", "password": PASSWORD}, headers={"sec-fetch-site": "same-origin"}
    )
    tokens = [re.search(r'name="csrf" content="([^"]+)"', (await client.get("/password")).text)[1] for _ in range(3)]
    assert len(set(tokens)) == 3
    for token in tokens:
        answer = await client.post(
            "/password",
            data={"csrf": token, "current_password": "wrong", "new_password": "whatever123"},
            headers={"sec-fetch-site": "same-origin"},
        )
        assert answer.status_code == 401  # past the CSRF check, stopped by the wrong password


async def test_a_hash_made_with_weaker_parameters_is_upgraded_at_the_next_login(client, production_hashing):
    from argon2 import PasswordHasher

    from server.models import User

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    await User.create(username="old", password_hash=weak, role="cadre", created_on=app_today())
    assert (await client.post("/api/session", json={"username": "old", "password": PASSWORD})).status_code == 200
    upgraded = (await User.get(username="old")).password_hash
    assert upgraded.startswith("$argon2id$") and upgraded != weak and not PasswordHasher().check_needs_rehash(upgraded)
