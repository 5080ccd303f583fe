"""Entry ingest: the whole app (HTTP in-process, validation, idempotency, SQLite) against a baseline
of the same rows inserted with the sqlite3 module, in the same run: into a bare table ("ratio"),
and into the app's own migrated time_entry table with its indexes ("same_table_ratio"). Prints
progress, then one JSON line: {"entries", "seconds", "baseline_seconds", "ratio",
"same_table_baseline_seconds", "same_table_ratio", "entries_per_second", "peak_rss_mb"}.

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

from server import db  # noqa: E402
from server.app import create_app  # noqa: E402
from server.config import Settings  # noqa: E402
from server.models import Region, User  # noqa: E402
from server.web import auth, passwords  # noqa: E402

ACTIVITIES = ["registration_drive", "data_entry", "check_in", "evidence", "meeting"]


def batches_for(cadres: int, entries: int, batch: int, seed: int = 7) -> list[tuple[int, list[dict]]]:
    """(cadre index, batch of entries) in arrival order: each cadre sends a few weeks at a time."""
    rng = random.Random(seed)
    per_cadre = entries // cadres
    work = []
    for cadre in range(cadres):
        rows = [
            {
                "client_id": f"c{cadre}-{n}",
                "date": (date.today() - timedelta(days=1 + n // 3)).isoformat(),
                "minutes": rng.choice([15, 30, 45, 60]),
                "activity": rng.choice(ACTIVITIES),
            }
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
        hashed = await passwords.hash_password("bench-password")
        for i in range(cadres):
            await User.create(
                username=f"c{i}",
                password_hash=hashed,
                role="cadre",
                region_id="1",
                created_on=date.today() - timedelta(days=400),
            )
        app = create_app(settings, manage_store=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            tokens = [await auth.issue_token(await User.get(username=f"c{i}"), 1) for i in range(cadres)]
            start = time.perf_counter()
            for done, (cadre, rows) in enumerate(work, start=1):
                answer = await client.post(
                    "/api/entries", json={"entries": rows}, headers={"authorization": f"Bearer {tokens[cadre]}"}
                )
                assert answer.status_code == 200 and len(answer.json()["accepted"]) == len(rows), answer.text
                if done % max(1, len(work) // 5) == 0:
                    print(f"[bench] app: {done}/{len(work)} batches", flush=True)
            elapsed = time.perf_counter() - start
        count = (await Tortoise.get_connection("default").execute_query_dict("SELECT COUNT(*) AS n FROM time_entry"))[
            0
        ]["n"]
        assert count == sum(len(rows) for _c, rows in work)
    return elapsed


def run_baseline(folder: Path, work: list[tuple[int, list[dict]]], same_table: bool) -> float:
    """The floor: the same rows, one transaction per batch, INSERT .. ON CONFLICT DO NOTHING, with
    the sqlite3 module: no HTTP, no token, no validation, no day totals. Into a bare table (the
    rows' columns and the unique key only, as since the first version of this benchmark), or with
    `same_table` into the app's own time_entry table, migrated by the app (its columns, unique key
    and two more indexes), which leaves only the app's per-request work in the ratio."""
    path = folder / ("same-table.sqlite3" if same_table else "baseline.sqlite3")
    if same_table:
        asyncio.run(db.apply_migrations(f"sqlite://{path}"))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    if not same_table:
        connection.execute(
            "CREATE TABLE time_entry (id INTEGER PRIMARY KEY, reporter_key TEXT, client_id TEXT, body_hash TEXT, "
            "date TEXT, received_on TEXT, minutes INT, activity TEXT, UNIQUE (reporter_key, client_id))"
        )
    received = date.today().isoformat()
    start = time.perf_counter()
    for cadre, rows in work:
        with connection:
            connection.executemany(
                "INSERT INTO time_entry (reporter_key, client_id, body_hash, date, received_on, minutes, activity) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(f"k{cadre}", r["client_id"], "-", r["date"], received, r["minutes"], r["activity"]) for r in rows],
            )
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--cadres", type=int, default=100)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternating rounds of each side, fresh stores each; the best of each side is kept",
    )
    args = parser.parse_args()
    work = batches_for(args.cadres, args.entries, args.batch)
    entries = sum(len(rows) for _c, rows in work)
    bare, same, app = [], [], []
    print(
        f"[bench] {entries} entries in {len(work)} batches of {args.batch} from {args.cadres} cadres, "
        f"{args.rounds} round(s)",
        flush=True,
    )
    # Alternating rounds: the machine is shared, and noise that lands on one side only would
    # otherwise decide the ratio.
    for n in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory() as folder:
            bare.append(run_baseline(Path(folder), work, same_table=False))
            print(f"[bench] round {n}: baseline (sqlite3 module, bare table): {bare[-1]:.2f} s", flush=True)
            same.append(run_baseline(Path(folder), work, same_table=True))
            print(
                f"[bench] round {n}: baseline (sqlite3 module, the app's migrated table): {same[-1]:.2f} s", flush=True
            )
            app.append(asyncio.run(run_app(Path(folder), work, args.cadres)))
            print(f"[bench] round {n}: app: {app[-1]:.2f} s", flush=True)
    seconds, baseline, same_table = min(app), min(bare), min(same)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "entries": entries,
                "seconds": round(seconds, 3),
                "baseline_seconds": round(baseline, 3),
                "ratio": round(seconds / baseline, 2),
                "same_table_baseline_seconds": round(same_table, 3),
                "same_table_ratio": round(seconds / same_table, 2),
                "entries_per_second": round(entries / seconds),
                "peak_rss_mb": round(peak_mb),
                "rounds": {
                    "app": [round(x, 3) for x in app],
                    "baseline": [round(x, 3) for x in bare],
                    "same_table": [round(x, 3) for x in same],
                },
            }
        )
    )


if __name__ == "__main__":
    main()
