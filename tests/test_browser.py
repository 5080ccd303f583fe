"""A cadre's day in a real browser: Debian's chromium at phone size against uvicorn with demo data.

Skips with the reason when chromium or Playwright is missing; .ci/run installs chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as `make run` starts it: demo data in a fresh SQLite store, uvicorn on loopback."""
    folder = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "JIANFU_DATABASE_URL": f"sqlite://{folder}/e2e.sqlite3", "JIANFU_SECRET": "browser-test-secret"}
    subprocess.run([sys.executable, "-m", "server", "demo"], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "server", "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(url + "/healthz", timeout=1, trust_env=False).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the server did not start: " + (folder / "server.log").read_text())
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def phone() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-TW", has_touch=True, is_mobile=True)
        yield context.new_page()
        context.close()
        browser.close()


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


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
    page.wait_for_url("**/?chosen=*")
    assert page.locator("#total").inner_text() == "今天已記：30 分鐘"

    # The quota page answers at once that the target cannot be met honestly.
    page.locator("nav.tabs a", has_text="指標").tap()
    page.select_option("select[name=task]", label="反詐助手註冊")
    page.select_option("select[name=region]", value="360721105201")
    page.fill("input[name=target]", "9000")
    page.locator("button.primary").tap()
    message = page.locator(".flag.critical .message").inner_text()
    assert message == "這個指標是上坪村戶籍人口的 2.31 倍（9,000 對 3,900）。"
    shot(page, "quota-flagged-zh-Hant")

    # The language switch is one tap, and it sticks.
    page.locator(".langs a", has_text="简体").tap()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.goto(server + "/history")
    assert page.locator("h1").inner_text() == "记录"
    shot(page, "history-zh-Hans")


def test_pages_fit_a_360_pixel_screen(server, phone):
    page = phone
    page.goto(server + "/login?lang=en")
    page.fill("input[name=username]", "cadre003")
    page.fill("input[name=password]", "jianfu-demo")
    page.click("button[type=submit]")
    for path in ("/", "/quota", "/apps", "/history"):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    shot(page, "history-en")


def test_the_quota_form_shows_the_ratio_while_typing(server, phone):
    page = phone
    page.goto(server + "/login")
    page.fill("input[name=username]", "cadre001")
    page.fill("input[name=password]", "jianfu-demo")
    page.click("button[type=submit]")
    page.goto(server + "/quota")
    page.select_option("select[name=region]", value="360721105201")
    page.fill("input[name=target]", "3000")
    assert page.locator("#live-ratio").inner_text() == "這個指標是上坪村戶籍人口的 0.77 倍。"
    page.fill("input[name=target]", "9000")
    live = page.locator("#live-ratio")
    assert (live.inner_text(), live.get_attribute("class")) == ("這個指標是上坪村戶籍人口的 2.31 倍：不造假完不成。", "live critical")
