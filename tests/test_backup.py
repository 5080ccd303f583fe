"""backup and restore: a round trip through the command line gives back every row, ids included,
on either backend and across them (SQLite to PostgreSQL), and a restore refuses a non-empty store."""

import asyncio
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POSTGRES_URL, SECRET
from servers import create_database, drop_database

pytestmark = pytest.mark.slow  # backs up and restores through `python -m server` processes


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "JIANFU_DATABASE_URL": database_url,
        "JIANFU_SECRET": SECRET,
        "JIANFU_PASSWORD": "a long enough password",
    }
    return subprocess.run([sys.executable, "-m", "server", *args], env=env, capture_output=True, text=True, timeout=600)


def backup_lines(file: Path) -> list:
    with gzip.open(file, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture
def targets(tmp_path):
    urls = {"sqlite": f"sqlite://{tmp_path}/restored.sqlite3"}
    if POSTGRES_URL:
        urls["postgres"] = POSTGRES_URL
    return urls


def test_a_backup_restores_every_row_and_refuses_a_full_store(tmp_path, targets):
    source = f"sqlite://{tmp_path}/source.sqlite3"
    assert run_cli("demo", "--seed", "7", database_url=source).returncode == 0
    file = tmp_path / "jianfu.backup.gz"
    made = run_cli("backup", str(file), database_url=source)
    assert made.returncode == 0, made.stderr
    assert "time_entry" in made.stderr and file.exists() and not (tmp_path / "jianfu.backup.gz.partial").exists()
    original = backup_lines(file)
    created: list[str] = []
    assert len(original) > 30_000
    for name, url in targets.items():
        if name == "postgres":
            url = asyncio.run(create_database())
            created.append(url)
        restored = run_cli("restore", str(file), database_url=url)
        assert restored.returncode == 0, restored.stderr
        # Backing up the restored store gives the same file, row for row: nothing lost, nothing changed.
        copy = tmp_path / f"copy-{name}.gz"
        assert run_cli("backup", str(copy), database_url=url).returncode == 0
        assert backup_lines(copy) == original, name
        again = run_cli("restore", str(file), database_url=url)
        assert again.returncode == 1 and "not empty" in again.stderr
        # New rows get new ids after a restore (the sequences moved past the restored ones).
        assert run_cli("create-user", "after-restore", "--role", "admin", database_url=url).returncode == 0
    for url in created:
        asyncio.run(drop_database(url))


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.gz"
    junk.write_bytes(b"not gzip at all")
    answer = run_cli("restore", str(junk), database_url=f"sqlite://{tmp_path}/empty.sqlite3")
    assert answer.returncode == 1 and "not a readable Jianfu backup" in answer.stderr
