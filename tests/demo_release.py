"""What the demo county publishes, for the before/after comparison of tests/test_demo_release.py:
run as `python tests/demo_release.py`, it loads the demo into a fresh SQLite store with the clock
frozen at DAY and prints, as JSON, every stored flag row of its releases as the store holds it
(the flag's JSON text, byte for byte), the tasks' flags in each language and a review's frozen
snapshot. Its own process: the demo opens and closes the store, and the clock stays frozen.

Regenerate the expected file only for a change meant to alter what is published:
    .venv/bin/python tests/demo_release.py > tests/golden/demo_release.json
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sqlite3
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import time_machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import db  # noqa: E402
from server.app import create_app  # noqa: E402
from server.cli import demo  # noqa: E402
from server.cli.demo.county import COUNTY as DEMO_COUNTY  # noqa: E402
from server.config import Settings  # noqa: E402
from server.domain.periods import parse_period  # noqa: E402
from server.domain.vocab import LOCALES  # noqa: E402
from server.models import Region, User  # noqa: E402
from server.services import reviews  # noqa: E402

DAY = datetime(2026, 5, 20, 4, 0, tzinfo=UTC)  # three months published: 2026-02 to 2026-04
COUNTY, MONTH = DEMO_COUNTY[0], "2026-04"


async def read_through_the_app(settings: Settings) -> dict:
    async with db.connect(settings.database_url):
        app = create_app(settings, manage_store=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
            login = await http.post("/api/session", json={"username": "admin", "password": demo.DEMO_PASSWORD})
            admin = {"authorization": f"Bearer {login.json()['token']}"}
            tasks = {
                tag: [t["flags"] for t in (await http.get(f"/api/tasks?lang={tag}", headers=admin)).json()]
                for tag in LOCALES
            }
        supervisor = await User.get(username="supervisor")
        review = await reviews.open_review(
            supervisor, await Region.get(code=COUNTY), parse_period(MONTH), settings, date(2026, 5, 20)
        )
    return {"tasks": tasks, "review": review.snapshot}


def stored_flags(path: str) -> list[list]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        query = "SELECT month, locale, path, position, flag FROM release_flag ORDER BY month, locale, path, position"
        return [list(row) for row in connection.execute(query)]


def main() -> None:
    path = Path(tempfile.mkdtemp(prefix="jianfu-demo-release-")) / "demo.sqlite3"
    settings = Settings(database_url=f"sqlite://{path}", secret="demo-release-" + "x" * 32)
    with time_machine.travel(DAY, tick=False), contextlib.redirect_stdout(io.StringIO()):
        asyncio.run(db.apply_migrations(settings.database_url))
        asyncio.run(demo.load_demo(settings))
        read = asyncio.run(read_through_the_app(settings))
    json.dump(
        {"release_flags": stored_flags(str(path)), **read}, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
