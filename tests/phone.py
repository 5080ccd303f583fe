"""A phone in a real browser for the browser tests: Debian's chromium at 360x640, signed in to a
demo server (tests/demo_county.py), with what the tests read back from that server.

Playwright is imported here only if it is there: the browser test modules skip with the reason
(`pytest.importorskip` and their CHROMIUM mark) when it or chromium is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from clock import TIMEZONE, app_today
from demo_county import DEMO_PASSWORD

try:
    from playwright import sync_api
except ImportError:  # the browser test modules skip, saying why
    sync_api = None

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# A browser test module's `pytestmark`: skipped, saying why, without chromium; left out by `make test-fast`.
BROWSER_TESTS = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.browser,
    pytest.mark.slow,
]


@contextmanager
def launched() -> Iterator[object]:
    """Chromium, started once for many tests: starting it costs seconds, a context of its own for
    each phone (cookies, storage, service workers and caches apart) a fraction of that."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_phone(browser, **options: object) -> Iterator[object]:
    """A page in a 360x640 touch screen that reads Traditional Chinese, with the clock of a phone in
    China: the outbox dates entries by the phone's day, which must be the app's day whatever the TZ.
    A fresh context of `browser`: nothing of an earlier phone is in it."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="zh-TW", timezone_id=TIMEZONE, has_touch=True, **options
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def sign_in(page, server: str, username: str) -> None:
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # cadres land on Today, supervisors on their dashboard


def controlled_by_the_worker(page) -> None:
    """Wait for the service worker, then reload so that it controls the page and caches it."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_timeout(1000)  # the worker warms the other pages' copies
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def server_entries_today(server: str, username: str) -> list[dict]:
    token = httpx.post(
        server + "/api/session", json={"username": username, "password": DEMO_PASSWORD}, trust_env=False
    ).json()["token"]
    answer = httpx.get(
        server + "/api/entries",
        params={"from": app_today().isoformat()},
        headers={"authorization": f"Bearer {token}"},
        trust_env=False,
    )
    return answer.json()
