"""Two versions of the publication on one kept store, in alternating rounds, each round beside a
fresh naive baseline: on a machine whose speed moves within the hour, only ratios taken the same
minute compare.

    .venv/bin/python bench/aggregate.py --tree guangdong --entries 1000000 --repeat 1 --store /tmp/gd.sqlite3
    git worktree add /tmp/old <commit>
    .venv/bin/python bench/alternate.py --store /tmp/gd.sqlite3 --old /tmp/old --rounds 3
    .venv/bin/python bench/alternate.py --database postgres://postgres@127.0.0.1:5432/x_aggregate --old /tmp/old

The store is one `bench/aggregate.py` made (for PostgreSQL, the NAME_aggregate database it leaves).
Each publication runs in a child process with the checkout's own `server` first on its path, times
`publication.publish` of the bench month after deleting the month's release, and prints one JSON
line: wall and CPU seconds, the stages between the messages publish says, the flag rows stored
and the child's peak RSS. The old checkout needs its compiled catalogs (`make catalogs` there).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from pathlib import Path

import aggregate

HERE = Path(__file__).resolve().parent

CHILD = """
import asyncio, dataclasses, json, resource, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
import aggregate as A
from server import db
from server.config import Settings
from server.domain.periods import parse_period
from server.models import Release, ReleaseCell, ReleaseFlag
from server.services import publication
from server.web import i18n

async def main():
    settings = Settings(database_url={database!r}, secret=A.SECRET, min_level="township")
    if {readers!r} and "release_readers" in Settings.__dataclass_fields__:
        settings = dataclasses.replace(settings, release_readers={readers!r})
    i18n.load_catalogs(settings.locales_dir)
    month = parse_period(A.MONTH)
    async with db.connect(settings.database_url):
        for model in (ReleaseFlag, ReleaseCell, Release):
            await model.filter(month=A.MONTH).delete()
        marks = []
        start, cpu = time.perf_counter(), time.process_time()
        await publication.publish(month, settings, A.PUBLISHED_ON, say=lambda _text: marks.append(time.perf_counter()))
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        flags = await ReleaseFlag.filter(month=A.MONTH).count()
    edges = [start, *marks, start + wall]
    print(json.dumps({{
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "stages": [round(b - a, 2) for a, b in zip(edges[1:], edges[2:])],
        "flags": flags,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }}))

asyncio.run(main())
"""


def publish_in(root: Path, database: str, readers: int) -> dict:
    """One publication by the checkout at `root`, in a child process of its own."""
    code = CHILD.format(root=str(root), bench=str(root / "bench"), database=database, readers=readers)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the publication of {root} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", help="a SQLite file made by aggregate.py --store")
    where.add_argument("--database", help="the PostgreSQL database aggregate.py made (NAME_aggregate)")
    parser.add_argument("--old", required=True, help="a checkout of the version to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--readers", type=int, default=2, help="JIANFU_RELEASE_READERS, where a version has it")
    args = parser.parse_args()
    database = args.database or f"sqlite://{Path(args.store).resolve()}"
    versions = {"old": Path(args.old).resolve(), "new": HERE.parent}
    rounds = []
    for n in range(1, args.rounds + 1):
        wall, _query, _cells, cpu = asyncio.run(aggregate.time_baseline(database))
        row = {"round": n, "baseline": round(wall, 2), "baseline_cpu": round(cpu, 2)}
        order = ("old", "new") if n % 2 else ("new", "old")
        for name in order:
            aggregate.say(f"round {n}/{args.rounds}: publishing with {name} ({versions[name]})")
            row[name] = publish_in(versions[name], database, args.readers)
            row[name]["ratio"] = round(row[name]["wall"] / wall, 2)
        aggregate.say(f"round {n}: baseline {wall:.1f} s, old {row['old']['wall']} s, new {row['new']['wall']} s")
        print(json.dumps(row), flush=True)
        rounds.append(row)
    print(json.dumps({"ratios": {name: [r[name]["ratio"] for r in rounds] for name in versions}}))


if __name__ == "__main__":
    main()
