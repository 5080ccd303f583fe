"""What the Today page costs a phone on the network: first visit and repeat visit, in bytes as sent
(gzip included), counted by a TCP proxy between Debian's chromium and uvicorn, so the service
worker's own downloads count too. Budgets (issue 5): first load at most 60 KB, repeat at most 10 KB.

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
FIRST_BUDGET, REPEAT_BUDGET = 60 * 1024, 10 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingProxy:
    """Forwards 127.0.0.1:port to the app and counts the bytes the app sends back."""

    def __init__(self, target: int) -> None:
        self.target, self.port, self.bytes = target, free_port(), 0
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), self.loop).result()

    async def _serve(self) -> None:
        await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target)
        await asyncio.gather(
            self._pipe(reader, upstream_writer, count=False), self._pipe(upstream_reader, writer, count=True)
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, count: bool) -> None:
        try:
            while chunk := await reader.read(65536):
                if count:
                    self.bytes += len(chunk)
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    def take(self) -> int:
        counted, self.bytes = self.bytes, 0
        return counted


def start_app(folder: str) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "JIANFU_DATABASE_URL": f"sqlite://{folder}/weight.sqlite3", "JIANFU_SECRET": "page-weight"}
    print("[bench] loading the demo county", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "server", "demo"], env=env, check=True, capture_output=True)
    port = free_port()
    app = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1, trust_env=False).status_code == 200:
                return app, port
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    app.kill()
    raise SystemExit("the app did not start")


def measure(port: int) -> dict[str, int]:
    proxy = CountingProxy(port)
    base = f"http://127.0.0.1:{proxy.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
        session = httpx.post(base + "/login", data={"username": "cadre003", "password": "jianfu-demo"}, trust_env=False)
        context.add_cookies([{"name": "jianfu_session", "value": session.cookies["jianfu_session"], "url": base}])
        proxy.take()
        page = context.new_page()
        page.goto(base + "/", wait_until="load")
        page_only = proxy.take()
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_timeout(2000)  # the worker's precache and its copies of the other pages
        first = page_only + proxy.take()
        page.goto(base + "/", wait_until="load")
        page.wait_for_timeout(1000)
        repeat = proxy.take()
        browser.close()
    return {"first_page_bytes": page_only, "first_load_bytes": first, "repeat_visit_bytes": repeat}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app, port = start_app(folder)
        try:
            figures = measure(port)
        finally:
            app.terminate()
    figures.update(
        first_budget=FIRST_BUDGET,
        repeat_budget=REPEAT_BUDGET,
        within_budgets=figures["first_load_bytes"] <= FIRST_BUDGET and figures["repeat_visit_bytes"] <= REPEAT_BUDGET,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
