"""Load: the served app under 200 cadres posting batches and 20 supervisors reading dashboards, for a
bounded time, against a baseline in the same run: a minimal Starlette endpoint under the same
uvicorn that inserts the same rows with the `sqlite3` module and nothing else (no auth lookup,
no validation, no idempotency check beyond the same unique key).

    .venv/bin/python bench/load.py --seconds 60                                  # SQLite, 1 process
    .venv/bin/python bench/load.py --seconds 60 --workers 2 \\
        --database postgres://postgres@127.0.0.1:5432/test                       # a fresh database there

The store is loaded with the demo county first (its cadres log in, its supervisors read their
dashboards). The demo loader publishes the months whose publication day has come; `python -m
server publish` then runs once more (it finds nothing left to do, or publishes what the loader
did not), and the dashboards read those published months only: a release is computed once, at
publication, so a request reads stored figures and computes none. Two phases on the app:
capacity (cadres posting back to back, as the baseline does: entries per second and their ratio)
and service (everyone at a human pace, `--think` seconds between one person's requests: the 200
cadres post entries while the 20 supervisors go round the county's and a township's dashboards
and `/api/burden` over the published months; p50, p95 and p99 per kind, errors; issue 15 asks
p99 < 100 ms for the reads). Prints progress to stderr, then one
JSON line with both, the server's peak RSS and CPU time (all worker processes together; the
baseline's CPU per entry over the app's is "cpu_ratio", which other load on a shared machine does
not move as much) and which targets were met. Stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CADRES, SUPERVISORS, BATCH = 200, 20, 5
DEMO_PASSWORD = "jianfu-demo"
TOWNSHIPS = ["360721101", "360721102", "360721103", "360721104", "360721105"]
READ_KINDS = ("dashboard", "burden")
READ_P99_MS = 100  # issue 15: dashboards and /api/burden under 20 supervisors and 200 cadres


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres(server_url: str) -> str:
    import asyncpg  # noqa: PLC0415

    async def create() -> str:
        name = f"jianfu_load_{secrets.token_hex(3)}"
        admin = await asyncpg.connect(server_url)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        return urlunsplit(urlsplit(server_url)._replace(scheme="postgres", path=f"/{name}"))

    return asyncio.run(create())


def published_months(database: str) -> list[str]:
    """The months the store holds a published release of, oldest first (read straight from it)."""
    query = "SELECT month FROM release WHERE status = 'published' ORDER BY month"
    if database.startswith("sqlite://"):
        import sqlite3  # noqa: PLC0415

        with sqlite3.connect(database.removeprefix("sqlite://")) as connection:
            return [row[0] for row in connection.execute(query)]
    import asyncpg  # noqa: PLC0415

    async def read() -> list[str]:
        connection = await asyncpg.connect(database)
        try:
            return [row["month"] for row in await connection.fetch(query)]
        finally:
            await connection.close()

    return asyncio.run(read())


def wait_healthy(url: str, path: str = "/healthz") -> None:
    for _ in range(600):
        try:
            if httpx.get(url + path, timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server at {url} did not come up")


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children (uvicorn's workers), from /proc."""
    total, pids = 0, {pid}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((proc / "stat").read_text().split(") ", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            pids.add(int(proc.name))
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) spent so far by a process and its children, from /proc: on a
    shared machine, the server's CPU per entry does not depend on what else runs."""
    ticks, pids = 0, {pid}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if int((proc / "stat").read_text().split(") ", 1)[1].split()[1]) == pid:
                pids.add(int(proc.name))
        except (OSError, IndexError, ValueError):
            continue
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().split(") ", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def spread(times: list[float]) -> dict[str, float | int]:
    """How many requests of a kind, and their p50, p95 and p99 in milliseconds."""
    return {"count": len(times), **{f"p{q}_ms": round(1000 * percentile(times, q / 100), 1) for q in (50, 95, 99)}}


def supervisor_read(index: int, n: int, periods: list[str]) -> tuple[str, str]:
    """(kind, path) of a supervisor's n-th read: the county's and a township's dashboard and
    /api/burden in turn, each supervisor starting elsewhere in the round and in the months."""
    step = index + n
    period, township = periods[-1 - step % len(periods)], TOWNSHIPS[index % len(TOWNSHIPS)]
    region = ("360721", township)[step // 2 % 2]
    kind = READ_KINDS[step % 2]
    return kind, (f"/dashboard/{region}" if kind == "dashboard" else f"/api/burden/{region}") + f"?period={period}"


def entries_for(phase: str, cadre: int, n: int) -> list[dict]:
    """One minute each, spread over the past year, so no day goes over 24 hours."""
    today = date.today()
    return [
        {
            "client_id": f"{phase}-{cadre}-{n}-{i}",
            "date": (today - timedelta(days=60 + (n * BATCH + i) % 300)).isoformat(),
            "minutes": 1,
            "activity": "data_entry",
        }
        for i in range(BATCH)
    ]


async def drive(
    url: str,
    seconds: float,
    tokens: list[str],
    supervisor_tokens: list[str],
    periods: list[str],
    server_pid: int,
    think: float = 0.0,
) -> dict:
    phase = f"{'service' if think else 'capacity'}-{secrets.token_hex(2)}"
    """Every simulated person sends their next request `think` seconds (on average, jittered)
    after the last one answered; 0 is a closed loop that finds the server's capacity."""
    jitter = random.Random(7)
    latencies: list[float] = []
    read_latencies: dict[str, list[float]] = {kind: [] for kind in READ_KINDS}
    counts = {"entries": 0, "errors": 0, "reads": 0}
    failures: list[str] = []
    peak = [0.0]
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=CADRES + SUPERVISORS, max_keepalive_connections=CADRES + SUPERVISORS)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits, trust_env=False) as http:

        async def person(
            send: Callable[[int], Awaitable[httpx.Response]],
            accepted: Callable[[httpx.Response], bool],
            times: Callable[[int], list[float]],
            counter: str,
            credit: int,
        ) -> None:
            """One cadre or supervisor: request, wait for the answer, think, again until the deadline."""
            if think:  # people do not all start in the same instant
                await asyncio.sleep(think * jitter.random())
            n = 0
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    answer = await send(n)
                    ok = accepted(answer)
                    if not ok:
                        failures.append(f"{counter} {answer.status_code} {answer.text[:120]}")
                except httpx.HTTPError as error:
                    ok = False
                    failures.append(type(error).__name__)
                times(n).append(time.perf_counter() - started)
                counts[counter if ok else "errors"] += credit if ok else 1
                n += 1
                if think:
                    await asyncio.sleep(think * jitter.uniform(0.5, 1.5))

        def cadre(index: int, token: str) -> Awaitable[None]:
            def post(n: int) -> Awaitable[httpx.Response]:
                return http.post(
                    "/api/entries",
                    json={"entries": entries_for(phase, index, n)},
                    headers={"authorization": f"Bearer {token}"},
                )

            def stored(answer: httpx.Response) -> bool:
                return answer.status_code == 200 and len(answer.json().get("accepted", [])) == BATCH

            return person(post, stored, lambda _n: latencies, "entries", BATCH)

        def supervisor(index: int, token: str) -> Awaitable[None]:
            # Each supervisor goes round the county's and a township's dashboards and /api/burden,
            # over every published month.
            def read(n: int) -> Awaitable[httpx.Response]:
                return http.get(supervisor_read(index, n, periods)[1], headers={"authorization": f"Bearer {token}"})

            return person(
                read,
                lambda answer: answer.status_code == 200,
                lambda n: read_latencies[supervisor_read(index, n, periods)[0]],
                "reads",
                1,
            )

        async def sample_memory() -> None:
            while time.monotonic() < deadline:
                peak[0] = max(peak[0], tree_rss_mb(server_pid))
                await asyncio.sleep(1)

        async def progress() -> None:
            while time.monotonic() < deadline:
                await asyncio.sleep(10)
                say(
                    f"  {max(0, deadline - time.monotonic()):4.0f} s left: {counts['entries']} entries, "
                    f"{counts['reads']} reads, {counts['errors']} errors"
                )

        started, cpu = time.monotonic(), tree_cpu_seconds(server_pid)
        await asyncio.gather(
            *(cadre(i, t) for i, t in enumerate(tokens)),
            *(supervisor(i, t) for i, t in enumerate(supervisor_tokens)),
            sample_memory(),
            progress(),
        )
        elapsed, cpu = time.monotonic() - started, tree_cpu_seconds(server_pid) - cpu
    reads = [t for kind in READ_KINDS for t in read_latencies[kind]]
    every = latencies + reads
    return {
        "entries": counts["entries"],
        "entries_per_second": round(counts["entries"] / elapsed, 1),
        "reads": counts["reads"],
        "errors": counts["errors"],
        "p50_ms": round(1000 * percentile(every, 0.50), 1),
        "p99_ms": round(1000 * percentile(every, 0.99), 1),
        "kinds": {
            kind: spread(times)
            for kind, times in (("post", latencies), *read_latencies.items(), ("reads", reads))
            if times
        },
        "peak_rss_mb": round(peak[0], 1),
        "failures": sorted(set(failures))[:5],
        "server_cpu_seconds": round(cpu, 2),
        "server_cpu_ms_per_request": round(1000 * cpu / max(1, len(every)), 2),
    }


def log_in(url: str, usernames: list[str]) -> list[str]:
    tokens = []
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as http:
        for username in usernames:
            answer = http.post("/api/session", json={"username": username, "password": DEMO_PASSWORD})
            if answer.status_code != 200:
                raise SystemExit(f"login of {username} failed: {answer.text}")
            tokens.append(answer.json()["token"])
    return tokens


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--think", type=float, default=5.0, help="seconds between one person's requests in the service phase"
    )
    parser.add_argument(
        "--reads-alone",
        action="store_true",
        help="also time the supervisors' reads with no cadre posting (where a slow read comes from)",
    )
    parser.add_argument(
        "--database", help="a PostgreSQL server URL (a fresh database is created there); SQLite when absent"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jianfu-load-"))
    database = fresh_postgres(args.database) if args.database else f"sqlite://{folder}/load.sqlite3"
    env = {**os.environ, "JIANFU_DATABASE_URL": database, "JIANFU_SECRET": "load-bench-secret"}
    say(f"loading the demo county into {database.split('@')[-1]} ...")
    subprocess.run([PYTHON, "-m", "server", "demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([PYTHON, "-m", "server", "publish"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    periods = published_months(database)
    if not periods:
        raise SystemExit("no published month in the store: the dashboards would have nothing to read")
    say(f"published months: {', '.join(periods)}")

    port, base_port = free_port(), free_port()
    url, base_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{base_port}"
    server = start(
        [PYTHON, "-m", "server", "serve", "--port", str(port), "--workers", str(args.workers)], env, folder / "app.log"
    )
    baseline_env = {**os.environ, "BASELINE_DB": str(folder / "baseline.sqlite3")}
    command = [
        PYTHON,
        "-m",
        "uvicorn",
        "bench.baseline_app:app",
        "--port",
        str(base_port),
        "--workers",
        str(args.workers),
        "--http",  # the app's protocol (TCP_NODELAY, server/web/nodelay.py): --workers N would leave Nagle on
        "server.web.nodelay:NoDelayH11Protocol",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    baseline_server = start(command, baseline_env, folder / "baseline.log")
    try:
        wait_healthy(url)
        wait_healthy(base_url, "/ping")
        say(f"app up ({args.workers} worker(s)); logging in {CADRES} cadres and {SUPERVISORS} supervisors")
        tokens = log_in(url, [f"cadre{n:03d}" for n in range(1, CADRES + 1)])
        supervisor_tokens = log_in(url, ["supervisor"] * SUPERVISORS)
        for period in periods:  # every month the load reads is published: the county's dashboard answers 200
            answer = httpx.get(
                f"{url}/dashboard/360721?period={period}",
                headers={"authorization": f"Bearer {supervisor_tokens[0]}"},
                timeout=120,
                trust_env=False,
            )
            if answer.status_code != 200:
                raise SystemExit(f"dashboard of {period}: {answer.status_code}")
        # Capacity in alternating rounds, best of each side: this machine is shared, and noise
        # that lands on one side only would otherwise decide the ratio.
        rounds, capacities, baselines = 2, [], []
        for n in range(rounds):
            say(
                f"round {n + 1}/{rounds}, app capacity: {args.seconds / rounds:.0f} s of {CADRES} cadres "
                "posting back to back"
            )
            capacities.append(asyncio.run(drive(url, args.seconds / rounds, tokens, [], periods, server.pid)))
            say(f"round {n + 1}/{rounds}, baseline capacity: the same against the minimal endpoint")
            baselines.append(
                asyncio.run(
                    drive(
                        base_url,
                        args.seconds / rounds,
                        [f"t{i}" for i in range(CADRES)],
                        [],
                        periods,
                        baseline_server.pid,
                    )
                )
            )
        capacity = max(capacities, key=lambda r: r["entries_per_second"])
        baseline = max(baselines, key=lambda r: r["entries_per_second"])
        say(
            f"app, service: {args.seconds:.0f} s of {CADRES} cadres and {SUPERVISORS} supervisors, each every "
            f"{args.think:.0f} s or so"
        )
        service = asyncio.run(
            drive(url, args.seconds, tokens, supervisor_tokens, periods, server.pid, think=args.think)
        )
        if args.reads_alone:
            say(
                f"app, reads alone: {args.seconds:.0f} s of {SUPERVISORS} supervisors, "
                f"each every {args.think:.0f} s or so, no cadre posting"
            )
            alone = asyncio.run(drive(url, args.seconds, [], supervisor_tokens, periods, server.pid, think=args.think))
    finally:
        stop(server)
        stop(baseline_server)

    result = {
        "backend": "postgresql" if args.database else "sqlite",
        "workers": args.workers,
        "seconds": args.seconds,
        "cadres": CADRES,
        "supervisors": SUPERVISORS,
        "batch": BATCH,
        "think_seconds": args.think,
        "periods": periods,
        "capacity": capacity,
        "baseline": baseline,
        "service": service,
        **({"reads_alone": alone} if args.reads_alone else {}),
        "capacity_rounds": [r["entries_per_second"] for r in capacities],
        "baseline_rounds": [r["entries_per_second"] for r in baselines],
        # The baseline's server CPU per entry over the app's, all capacity rounds: the ratio without
        # the machine's other load.
        "cpu_ratio": round(
            (sum(r["server_cpu_seconds"] for r in baselines) / sum(r["entries"] for r in baselines))
            / (sum(r["server_cpu_seconds"] for r in capacities) / sum(r["entries"] for r in capacities)),
            3,
        ),
        "ratio": round(capacity["entries_per_second"] / baseline["entries_per_second"], 3),
        "targets_met": {
            "ratio>=0.5": capacity["entries_per_second"] >= 0.5 * baseline["entries_per_second"],
            "p99<250ms": service["p99_ms"] < 250,
            "rss<300MB": max(capacity["peak_rss_mb"], service["peak_rss_mb"]) < 300,
            "errors==0": capacity["errors"] + service["errors"] == 0,
            f"reads p99<{READ_P99_MS}ms": all(service["kinds"][kind]["p99_ms"] < READ_P99_MS for kind in READ_KINDS),
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
