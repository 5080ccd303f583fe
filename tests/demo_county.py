"""`make run`'s demo county for the tests that walk it over real HTTP (the browser tests and the
words of every page): `python -m server demo` seeds it once a session, which takes most of a
minute, and each module serves a copy of its own, so what one module changes no other sees.

The seed is made with a feed receiver configured, as a demo served with one would be: the months
it publishes wait in the feed's outbox."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import httpx
from servers import Server, server_env

DEMO_PASSWORD = "jianfu-demo"
FEED_SECRET = "browser-feed-secret"  # what the module servers sign their feed with
SEED_FEED = {
    "JIANFU_REVIEW_WEBHOOK": "http://127.0.0.1:9/feed",
    "JIANFU_REVIEW_WEBHOOK_SECRET": "demo-seed-feed-secret",
}


def seed(folder: Path) -> Path:
    """The demo county in a fresh SQLite store in `folder`; the store's path."""
    path = folder / "demo.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "server", "demo"],
        env=server_env(f"sqlite://{path}", **SEED_FEED),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return path


def serve_copy(seed: Path, folder: Path, **env: str) -> Server:
    """A server started on a copy of the seeded store, `folder`/demo.sqlite3, with `env` added to its environment."""
    store = folder / "demo.sqlite3"
    with closing(sqlite3.connect(seed)) as source, closing(sqlite3.connect(store)) as copy:
        source.backup(copy)
    server = Server(f"sqlite://{store}", folder)
    server.env.update(env)
    return server.start()


def bearer(url: str, username: str) -> dict[str, str]:
    """The headers of a demo account signed in through the API."""
    answer = httpx.post(url + "/api/session", json={"username": username, "password": DEMO_PASSWORD}, trust_env=False)
    assert answer.status_code == 200, answer.text
    return {"authorization": f"Bearer {answer.json()['token']}"}
