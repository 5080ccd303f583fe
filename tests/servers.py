"""Real servers for fault tests: `python -m server serve` in a subprocess on loopback, a cadre in a
one-region store, and batches of entries sent the way the phone's outbox sends them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from clock import app_today
from environment import PASSWORD, POSTGRES_URL, SECRET
from receiver import free_port

REGIONS_CSV = "code,parent,level,name,name_hant,population,households\n360000,,province,江西省,,45000000,\n"


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "JIANFU_DATABASE_URL": database_url,
        "JIANFU_SECRET": SECRET,
        "JIANFU_PASSWORD": PASSWORD,
        **extra,
    }


def prepare_store(database_url: str, folder: Path) -> None:
    """Migrate, one region, one cadre `li` living there."""
    env = server_env(database_url)
    (folder / "regions.csv").write_text(REGIONS_CSV, encoding="utf-8")
    for command in (
        ["import-regions", str(folder / "regions.csv")],
        ["create-user", "lixia", "--role", "cadre", "--region", "360000"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "server", *command], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr


class Server:
    def __init__(self, database_url: str, folder: Path, workers: int = 1, port: int | None = None) -> None:
        self.env = server_env(database_url)
        self.folder = folder
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> Server:
        log = (self.folder / f"server-{self.port}.log").open("a")
        command = [sys.executable, "-m", "server", "serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become healthy: " + self.log())

    def kill(self) -> None:
        """kill -9, of the whole process group (workers included)."""
        assert self.process
        os.killpg(self.process.pid, 9)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return (self.folder / f"server-{self.port}.log").read_text(errors="replace")


@contextmanager
def running(database_url: str, folder: Path, workers: int = 1) -> Iterator[Server]:
    server = Server(database_url, folder, workers).start()
    try:
        yield server
    finally:
        server.stop()


def token(url: str) -> dict[str, str]:
    answer = httpx.post(
        url + "/api/session", json={"username": "lixia", "password": PASSWORD}, timeout=30, trust_env=False
    )
    assert answer.status_code == 200, answer.text
    return {"authorization": f"Bearer {answer.json()['token']}"}


def batch(name: str, size: int, note: str | None = None) -> list[dict]:
    """Entries of one minute each, spread over the last 300 days (a day holds at most 24 hours)."""
    today = app_today()
    return [
        {
            "client_id": f"{name}-{n}",
            "date": (today - timedelta(days=zlib.crc32(f"{name}-{n}".encode()) % 300)).isoformat(),
            "minutes": 1,
            "activity": "other",
            "note": note,
        }
        for n in range(size)
    ]


def stored_ids(url: str, headers: dict[str, str]) -> list[str]:
    today = app_today()
    answer = httpx.get(
        url + "/api/entries",
        params={"from": (today - timedelta(days=400)).isoformat(), "to": today.isoformat()},
        headers=headers,
        timeout=60,
        trust_env=False,
    )
    assert answer.status_code == 200, answer.text
    return [e["client_id"] for e in answer.json()]


async def create_database() -> str:
    """A new, empty PostgreSQL database on the test server; its URL."""
    name = f"jianfu_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return urlunsplit(urlsplit(POSTGRES_URL)._replace(scheme="postgres", path=f"/{name}"))


async def drop_database(url: str) -> None:
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    await admin.close()
