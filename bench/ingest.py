"""Entry ingest: the whole app (HTTP in-process, validation, idempotency, SQLite) against a baseline
of the same rows inserted with the sqlite3 module, in the same run. Prints progress, then one JSON
line: {"entries", "seconds", "baseline_seconds", "ratio", "entries_per_second", "peak_rss_mb"}.

    .venv/bin/python bench/ingest.py --entries 20000 --batch 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from tortoise import Tortoise

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import auth, db  # noqa: E402
from server.app import create_app  # noqa: E402
from server.config import Settings  # noqa: E402
from server.models import Region, User  # noqa: E402

ACTIVITIES = ["registration_drive", "data_entry", "check_in", "evidence", "meeting"]


def batches_for(cadres: int, entries: int, batch: int, seed: int = 7) -> list[tuple[int, list[dict]]]:
    """(cadre index, batch of entries) in arrival order: each cadre sends a few weeks at a time."""
    rng = random.Random(seed)
    per_cadre = entries // cadres
    work = []
    for cadre in range(cadres):
        rows = [
            {"client_id": f"c{cadre}-{n}", "date": (date.today() - timedelta(days=1 + n // 3)).isoformat(), "minutes": rng.choice([15, 30, 45, 60]), "activity": rng.choice(ACTIVITIES)}
            for n in range(per_cadre)
        ]
        work += [(cadre, rows[i : i + batch]) for i in range(0, len(rows), batch)]
    rng.shuffle(work)
    return work


async def run_app(folder: Path, work: list[tuple[int, list[dict]]], cadres: int) -> float:
    url = f"sqlite://{folder}/app.sqlite3"
    await db.apply_migrations(url)
    settings = Settings(database_url=url, secret="bench")
    async with db.connect(url):
        await Region.create(code="1", level="village", name="村", population=1000, path="/1/")
        hashed = await auth.hash_password("bench-password")
        for i in range(cadres):
            await User.create(username=f"c{i}", password_hash=hashed, role="cadre", region_id="1")
        app = create_app(settings, manage_store=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            tokens = [await auth.issue_token(await User.get(username=f"c{i}"), 1) for i in range(cadres)]
            start = time.perf_counter()
            for done, (cadre, rows) in enumerate(work, start=1):
                answer = await client.post("/api/entries", json={"entries": rows}, headers={"authorization": f"Bearer {tokens[cadre]}"})
                assert answer.status_code == 200 and len(answer.json()["accepted"]) == len(rows), answer.text
                if done % max(1, len(work) // 5) == 0:
                    print(f"[bench] app: {done}/{len(work)} batches", flush=True)
            elapsed = time.perf_counter() - start
        count = (await Tortoise.get_connection("default").execute_query_dict("SELECT COUNT(*) AS n FROM time_entry"))[0]["n"]
        assert count == sum(len(rows) for _c, rows in work)
    return elapsed


def run_baseline(folder: Path, work: list[tuple[int, list[dict]]]) -> float:
    """The floor: the same rows, one transaction per batch, INSERT .. ON CONFLICT DO NOTHING."""
    connection = sqlite3.connect(folder / "baseline.sqlite3")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE time_entry (id INTEGER PRIMARY KEY, reporter_key TEXT, client_id TEXT, date TEXT, minutes INT, activity TEXT, UNIQUE (reporter_key, client_id))")
    start = time.perf_counter()
    for cadre, rows in work:
        with connection:
            connection.executemany(
                "INSERT INTO time_entry (reporter_key, client_id, date, minutes, activity) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(f"k{cadre}", r["client_id"], r["date"], r["minutes"], r["activity"]) for r in rows],
            )
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--cadres", type=int, default=100)
    args = parser.parse_args()
    work = batches_for(args.cadres, args.entries, args.batch)
    entries = sum(len(rows) for _c, rows in work)
    with tempfile.TemporaryDirectory() as folder:
        print(f"[bench] {entries} entries in {len(work)} batches of {args.batch} from {args.cadres} cadres", flush=True)
        baseline = run_baseline(Path(folder), work)
        print(f"[bench] baseline (sqlite3 module): {baseline:.2f} s", flush=True)
        seconds = asyncio.run(run_app(Path(folder), work, args.cadres))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"entries": entries, "seconds": round(seconds, 3), "baseline_seconds": round(baseline, 3), "ratio": round(seconds / baseline, 2), "entries_per_second": round(entries / seconds), "peak_rss_mb": round(peak_mb)}))


if __name__ == "__main__":
    main()
