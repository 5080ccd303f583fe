"""Fixtures: a real store per backend (built by the committed migrations), the real app over httpx.

Every test that asks for `store` (directly or through `client`) runs on SQLite, and again on
PostgreSQL when JIANFU_TEST_POSTGRES_URL is set. Tests of pure functions run once.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import demo_county
import httpx
import pytest
import pytest_asyncio
import time_machine
from argon2 import PasswordHasher
from clock import app_today
from environment import PASSWORD, POSTGRES_URL, SECRET
from phone import launched, open_phone
from receiver import free_port
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from server import db
from server.app import create_app
from server.config import Settings
from server.domain.periods import Period, parse_period
from server.models import User
from server.services import publication
from server.store.release import forget_months
from server.web import passwords

SCENARIOS = Path(__file__).resolve().parents[2] / "shared" / "scenarios"
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])
# Hashing is deliberately slow: 0.1 to 0.2 s of CPU a sign-in at argon2's costs, and the suite signs
# in over a thousand times. The app in the tests hashes at the lowest costs (tests that check the
# production costs restore them: `production_hashing`), and tests share one hash.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords.use_password_hasher(CHEAP_HASHER)
PASSWORD_HASH = CHEAP_HASHER.hash(PASSWORD)
TABLES = [
    "audit_event",
    "one_time_code",
    "feed_message",
    "review_decision",
    "review",
    "release_flag",
    "release_cell",
    "release",
    "token",
    "invite",
    "progress_point",
    "outcome",
    "quota_revision",
    "roster_item",
    "entry_month",
    "entry_month_task",
    "time_entry",
    "quota",
    "task",
    "gov_app",
    "app_user",
    "region_ancestor",
    "region",
]


def scenario(name: str) -> dict[str, Any]:
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))


@pytest_asyncio.fixture(scope="session", params=BACKENDS)
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    if request.param == "sqlite":
        folder = tempfile.mkdtemp(prefix="jianfu-test-")
        yield f"sqlite://{folder}/test.sqlite3"
        return
    name = f"jianfu_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(POSTGRES_URL)
    try:
        yield urlunsplit(parts._replace(scheme="postgres", path=f"/{name}"))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture(scope="session")
async def migrated(database_url: str) -> AsyncIterator[str]:
    # Tortoise caches compiled INSERT/DELETE SQL keyed by connection name and table, not by
    # dialect: switching from SQLite to PostgreSQL in one process would reuse "?" placeholders.
    EXECUTOR_CACHE.clear()
    await db.apply_migrations(database_url)
    async with db.connect(database_url):
        yield database_url


async def clear_store(url: str) -> None:
    """Every table emptied and every cached release forgotten, on the store open at `url`."""
    forget_months()
    connection = Tortoise.get_connection("default")
    if url.startswith("postgres"):
        await connection.execute_script(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    else:
        deletes = "".join(f"DELETE FROM {t};" for t in TABLES)  # regions refer to regions: keys off meanwhile
        await connection.execute_script(
            f"PRAGMA foreign_keys=OFF;{deletes}DELETE FROM sqlite_sequence;PRAGMA foreign_keys=ON;"
        )


@pytest_asyncio.fixture
async def store(migrated: str) -> str:
    """An empty store (every table cleared) on the backend under test."""
    await clear_store(migrated)
    return migrated


@pytest.fixture
def settings(store: str) -> Settings:
    return Settings(database_url=store, secret=SECRET)


@pytest_asyncio.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, manage_store=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://jianfu.test") as http:
        yield http


@pytest.fixture
def village_settings(store: str) -> Settings:
    """Publishing down to villages with k = 5, so a township's villages can be tested."""
    return Settings(database_url=store, secret=SECRET, k=5, min_level="village")


@pytest_asyncio.fixture
async def village_client(village_settings: Settings):
    app = create_app(village_settings, manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
        yield http


# Accounts made by tests are old: they count towards k in any month (DESIGN.md §2, established).
LONG_AGO = date(2000, 1, 1)


async def add_user(
    username: str, role: str, region: str | None, locale: str | None = None, created_on: date = LONG_AGO
) -> User:
    return await User.create(
        username=username,
        password_hash=PASSWORD_HASH,
        role=role,
        region_id=region,
        locale=locale,
        created_on=created_on,
    )


async def bearer(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"authorization": f"Bearer {answer.json()['token']}"}


async def load_scenario(client: httpx.AsyncClient, admin: dict[str, str], case: dict[str, Any]) -> dict[str, int]:
    """Post a scenario's regions, apps and tasks as the admin; answers key -> id of apps and tasks."""
    ids: dict[str, int] = {}
    answer = await client.post("/api/regions", json={"regions": case["regions"]}, headers=admin)
    assert answer.status_code == 200, answer.text
    for app in case.get("apps", []):
        body = {k: v for k, v in app.items() if k != "key"}
        ids[app["key"]] = (await client.post("/api/apps", json=body, headers=admin)).json()["id"]
    for task in case.get("tasks", []):
        body = {k: v for k, v in task.items() if k != "key"}
        if "app" in body:
            body["app"] = ids[body["app"]]
        answer = await client.post("/api/tasks", json=body, headers=admin)
        assert answer.status_code == 201, answer.text
        ids[task["key"]] = answer.json()["id"]
    return ids


# A month of the past, reached with a frozen clock: tests log during it, then publish it on its day.
MONTH = parse_period("2026-03")
DURING = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)  # noon in Shanghai, the month's last day
PUBLISHED = date(2026, 4, 7)  # the month's publication day (7 days after it ends)
AFTER = datetime(2026, 4, 8, 4, 0, tzinfo=UTC)


@pytest.fixture
def production_hashing() -> Iterator[None]:
    """argon2 at the costs the app runs with, for the tests about them."""
    cheap = passwords.use_password_hasher(PasswordHasher())
    yield
    passwords.use_password_hasher(cheap)


@pytest.fixture
def during_month() -> Iterator[time_machine.Traveller]:
    """The clock at the end of MONTH (ticking); `.move_to(AFTER)` to read what was published."""
    with time_machine.travel(DURING, tick=True) as traveller:
        yield traveller


async def publish_month(settings: Settings, month: Period = MONTH, today: date = PUBLISHED) -> None:
    """Publish as the scheduler would on the month's publication day, and forget cached releases."""
    assert await publication.publish(month, settings, today)


# --- The demo county over real HTTP (tests/demo_county.py) ---------------------------------------


@pytest.fixture(scope="session")
def demo_seeds(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """`make run`'s demo county, seeded at most once a day of the app's: the demo's data is dated
    from the day it loads, and a run may pass Shanghai's midnight."""
    seeds: dict[date, Path] = {}

    def of_today() -> Path:
        today = app_today()
        if today not in seeds:
            seeds[today] = demo_county.seed(tmp_path_factory.mktemp("demo-seed"))
        return seeds[today]

    return of_today


@pytest.fixture(scope="module")
def demo_seed(demo_seeds: Callable[[], Path]) -> Path:
    """The demo county as seeded on the day the module starts; the servers below each serve a copy."""
    return demo_seeds()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's demo server's folder: its store (demo.sqlite3) and its log."""
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def feed_port() -> int:
    """Where the review feed's receiver will listen: nothing does until a test starts it."""
    return free_port()


@pytest.fixture(scope="module")
def server(demo_seed: Path, folder: Path, feed_port: int) -> Iterator[str]:
    """The app as `make run` starts it, on the module's own copy of the demo store, with the review
    feed pointed at a receiver that is down for now."""
    running = demo_county.serve_copy(
        demo_seed,
        folder,
        JIANFU_REVIEW_WEBHOOK=f"http://127.0.0.1:{feed_port}/feed",
        JIANFU_REVIEW_WEBHOOK_SECRET=demo_county.FEED_SECRET,
        JIANFU_FEED_RETRY_SECONDS="0.3",
        JIANFU_FEED_POLL_SECONDS="0.2",
    )
    try:
        yield running.url
    finally:
        running.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One chromium for the module's tests (tests/phone.py); they ask for `browser`."""
    with launched() as browser:
        yield browser


@pytest.fixture
def browser(chromium: object) -> Iterator[object]:
    """The module's chromium, for a test to open contexts of its own in: every one it leaves open
    is closed after it, so the next test starts with no cookie, storage or worker of this one."""
    yield chromium
    for context in chromium.contexts:
        context.close()


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    with open_phone(browser, is_mobile=True) as page:
        yield page


@pytest.fixture(scope="module")
def demo(demo_seed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The module's own copy of the demo county, served on loopback, with a review opened and
    decided so its page and CSV have rows."""
    running = demo_county.serve_copy(demo_seed, tmp_path_factory.mktemp("words"))
    try:
        supervisor = demo_county.bearer(running.url, "supervisor")
        period = httpx.get(running.url + "/api/burden/360721105", headers=supervisor, trust_env=False).json()["period"]
        review = httpx.post(
            running.url + "/api/reviews",
            json={"region": "360721105", "period": period},
            headers=supervisor,
            trust_env=False,
        ).json()
        task = httpx.get(
            running.url + "/api/tasks", headers=demo_county.bearer(running.url, "admin"), trust_env=False
        ).json()[0]
        decided = httpx.post(
            f"{running.url}/api/reviews/{review['id']}/decisions",
            json={"kind": "withdraw_quota", "task": task["id"], "region": "360721105"},
            headers=supervisor,
            trust_env=False,
        )
        assert decided.status_code == 201, decided.text
        yield running.url
    finally:
        running.stop()
