"""Faults, each against a real server process: kill -9 in the middle of acknowledged batches,
PostgreSQL stopping under requests, the disk under SQLite filling up, and two processes writing
one PostgreSQL store at once. An acknowledged entry is never lost and never counted twice."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import POSTGRES_URL
from receiver import free_port
from servers import Server, batch, create_database, drop_database, prepare_store, running, stored_ids, token

pytestmark = pytest.mark.slow  # real server processes killed, stopped and starved of disk

BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path}/faults.sqlite3"
        return
    url = asyncio.run(create_database())
    yield url
    asyncio.run(drop_database(url))


def send_stream(url: str, headers: dict, acknowledged: set, pending: list, stop: threading.Event) -> None:
    """Batches one after another, as the outbox sends them; what the server answered is
    acknowledged, the batch whose answer never came stays pending (the outbox keeps it)."""
    with httpx.Client(base_url=url, headers=headers, timeout=10, trust_env=False) as http:
        n = 0
        while not stop.is_set():
            entries = batch(f"b{n}", 25)
            try:
                answer = http.post("/api/entries", json={"entries": entries})
            except httpx.TransportError:
                pending.append(entries)
                return
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert body["rejected"] == []
            acknowledged.update(body["accepted"] + body["duplicates"])
            n += 1


def test_kill_9_during_acknowledged_batches_loses_and_doubles_nothing(store_url, tmp_path):
    prepare_store(store_url, tmp_path)
    server = Server(store_url, tmp_path).start()
    headers = token(server.url)
    acknowledged: set[str] = set()
    pending: list[list[dict]] = []
    stop = threading.Event()
    sender = threading.Thread(target=send_stream, args=(server.url, headers, acknowledged, pending, stop))
    sender.start()
    time.sleep(2.0)
    server.kill()
    stop.set()
    sender.join(timeout=30)
    assert len(acknowledged) >= 100, "the stream did not get going before the kill"
    server.start()
    try:
        for entries in pending:  # the outbox sends what it never heard back about
            answer = httpx.post(
                server.url + "/api/entries", json={"entries": entries}, headers=headers, timeout=30, trust_env=False
            )
            assert answer.status_code == 200 and answer.json()["rejected"] == []
            acknowledged.update(answer.json()["accepted"] + answer.json()["duplicates"])
        ids = stored_ids(server.url, headers)
    finally:
        server.stop()
    assert len(ids) == len(set(ids)), "an entry was stored twice"
    assert acknowledged <= set(ids), "an acknowledged entry was lost"
    assert set(ids) == acknowledged


def test_two_server_processes_on_postgresql_write_one_store_exactly_once(tmp_path):
    if not POSTGRES_URL:
        pytest.skip("JIANFU_TEST_POSTGRES_URL is not set")
    url = asyncio.run(create_database())
    try:
        prepare_store(url, tmp_path)
        with running(url, tmp_path, workers=2) as server:
            headers = token(server.url)
            workers = [p for p in Path("/proc").glob("[0-9]*") if _parent(p) == server.process.pid]
            assert len(workers) >= 2, "serve --workers 2 did not start two processes"
            batches = [batch(f"shared{n}", 40) for n in range(30)]
            acknowledged: set[str] = set()
            lock = threading.Lock()

            def replay(order: list[int]) -> None:
                # Every thread sends every batch, on its own connections: both processes take each one.
                for n in order:
                    with httpx.Client(base_url=server.url, headers=headers, timeout=30, trust_env=False) as http:
                        answer = http.post("/api/entries", json={"entries": batches[n]})
                    assert answer.status_code == 200 and answer.json()["rejected"] == [], answer.text
                    with lock:
                        acknowledged.update(answer.json()["accepted"] + answer.json()["duplicates"])

            threads = [
                threading.Thread(target=replay, args=(list(range(30))[:: 1 if t % 2 else -1],)) for t in range(8)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            ids = stored_ids(server.url, headers)
        assert len(ids) == len(set(ids)) == 30 * 40
        assert acknowledged == set(ids)
    finally:
        asyncio.run(drop_database(url))


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().split(") ", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


POSTGRES_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


@pytest.fixture
def own_postgres(tmp_path):
    """A PostgreSQL cluster of this test's own, on a free port, that the test may stop and start."""
    if not POSTGRES_BIN or os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs Debian's PostgreSQL binaries and root (to run them as the postgres user)")
    bin_dir = POSTGRES_BIN[-1]
    home = Path(tempfile.mkdtemp(prefix="jianfu-pg-"))  # pytest's own temporary folders are root's alone
    home.chmod(0o755)
    data = home / "data"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    port = free_port()

    def as_postgres(*command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=120)

    as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    control = {
        "start": lambda: as_postgres(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
            "-w",
            "-l",
            str(data / "log"),
            "start",
        ),
        "stop": lambda: as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"),
    }
    control["start"]()
    as_postgres(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "jianfu")
    yield f"postgres://postgres@127.0.0.1:{port}/jianfu", control
    try:
        control["stop"]()
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(home, ignore_errors=True)


def test_postgresql_stopping_answers_503_localized_and_recovers_by_itself(own_postgres, tmp_path):
    url, control = own_postgres
    prepare_store(url, tmp_path)
    with running(url, tmp_path) as server:
        headers = token(server.url)

        def post(name: str) -> httpx.Response:
            return httpx.post(
                server.url + "/api/entries?lang=zh-Hant",
                json={"entries": batch(name, 5)},
                headers=headers,
                timeout=30,
                trust_env=False,
            )

        assert post("before").status_code == 200
        control["stop"]()
        down = post("during")
        assert (down.status_code, down.json()["error"]["code"]) == (503, "store_unavailable"), down.text
        assert down.json()["error"]["message"] == "資料庫暫時沒有回應。這次請求沒有儲存任何內容；請稍後再試。"
        assert int(down.headers["retry-after"]) > 0
        assert httpx.get(server.url + "/healthz", timeout=10, trust_env=False).status_code == 503
        page = httpx.get(server.url + "/?lang=en", headers=headers, timeout=10, trust_env=False)
        assert page.status_code == 503 and "The data store is not answering" in page.text
        control["start"]()
        deadline = time.monotonic() + 30
        while (answer := post("after")).status_code != 200:
            assert time.monotonic() < deadline, f"no recovery: {answer.status_code} {answer.text}"
            time.sleep(0.5)
        ids = stored_ids(server.url, headers)
    assert sorted(ids) == sorted([f"before-{n}" for n in range(5)] + [f"after-{n}" for n in range(5)])


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs: the disk under the SQLite file fills after a few batches."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + done.stderr.decode(errors="replace").strip())
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_under_sqlite_gives_clear_errors_and_an_intact_file(small_disk, tmp_path):
    url = f"sqlite://{small_disk}/full.sqlite3"
    prepare_store(url, tmp_path)
    acknowledged: set[str] = set()
    refusals = []
    with running(url, tmp_path) as server:
        headers = token(server.url)
        for n in range(200):
            answer = httpx.post(
                server.url + "/api/entries?lang=en",
                json={"entries": batch(f"f{n}", 200, note="x" * 400)},
                headers=headers,
                timeout=30,
                trust_env=False,
            )
            if answer.status_code == 200:
                acknowledged.update(answer.json()["accepted"])
                continue
            refusals.append(answer)
            if len(refusals) >= 3:
                break
        assert refusals, "the disk never filled"
        first = refusals[0]
        assert (first.status_code, first.json()["error"]["code"]) == (507, "storage_full"), first.text
        assert first.json()["error"]["message"].startswith("The server has run out of disk space.")
        # Reading still works, and everything acknowledged is there once.
        ids = stored_ids(server.url, headers)
    assert len(ids) == len(set(ids)) and acknowledged <= set(ids)
    with sqlite3.connect(small_disk / "full.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
