"""The command line as an operator runs it: real processes against a fresh SQLite store."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli.tasks import CommandError, read_regions_csv
from server.models import Region
from server.web.i18n import in_locale


def jianfu(
    tmp_path: Path, *args: str, password: str | None = None, language: str = "C.UTF-8"
) -> subprocess.CompletedProcess:
    """The command as an operator runs it, in a terminal whose locale is `language` (LC_ALL)."""
    env = {
        **os.environ,
        "JIANFU_DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3",
        "JIANFU_SECRET": "cli-test-secret",
        "LC_ALL": language,
    }
    if password:
        env["JIANFU_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "server", *args], capture_output=True, text=True, env=env, timeout=120)


def rows(tmp_path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "cli.sqlite3") as connection:
        return connection.execute(query).fetchall()


@pytest.mark.slow  # `python -m server` processes
def test_migrate_import_regions_and_create_user(tmp_path):
    csv_file = tmp_path / "regions.csv"
    csv_file.write_text(
        "code,parent,level,name,name_hant,population,households\n420000,,province,示例省,,58000000,\n420100,420000,city,示例市,,9000000,\n",
        encoding="utf-8-sig",
    )
    assert jianfu(tmp_path, "migrate").returncode == 0
    imported = jianfu(tmp_path, "import-regions", str(csv_file))
    assert (imported.returncode, imported.stdout.splitlines()[-1]) == (0, "created 2, updated 0, unchanged 0")
    created = jianfu(
        tmp_path,
        "create-user",
        "chen",
        "--role",
        "supervisor",
        "--region",
        "420100",
        "--locale",
        "zh-Hant",
        password="long enough pw",
    )
    assert (created.returncode, created.stdout.strip()) == (0, "created supervisor chen")
    assert rows(tmp_path, "select username, role, region_id, locale from app_user") == [
        ("chen", "supervisor", "420100", "zh-Hant")
    ]
    assert rows(tmp_path, "select actor, action, target from audit_event") == [
        ("", "user_created", "chen")
    ]  # pages read "" as the command line
    assert rows(tmp_path, "select code, path from region order by code") == [
        ("420000", "/420000/"),
        ("420100", "/420000/420100/"),
    ]


@pytest.mark.slow  # `python -m server` processes
def test_import_regions_rejects_a_bad_file_whole(tmp_path):
    csv_file = tmp_path / "regions.csv"
    csv_file.write_text(
        "code,parent,level,name,population\n420000,,province,示例省,58000000\n420100,999999,city,示例市,-3\n",
        encoding="utf-8",
    )
    assert jianfu(tmp_path, "migrate").returncode == 0
    failed = jianfu(tmp_path, "import-regions", str(csv_file))
    assert failed.returncode == 1
    assert "Line 3, population: Must be between 0 and 2000000000." in failed.stderr
    assert rows(tmp_path, "select count(*) from region") == [(0,)]


@pytest.mark.slow  # `python -m server` processes
def test_serve_refuses_to_start_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JIANFU_SECRET"}
    result = subprocess.run(
        [sys.executable, "-m", "server", "serve"], capture_output=True, text=True, env=env, timeout=60
    )
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "configuration error: JIANFU_SECRET is required (set it to 32 or more random bytes)",
    )


@pytest.mark.slow  # `python -m server` processes
def test_demo_loads_a_county_with_progress_and_logins_once(tmp_path):
    loaded = jianfu(tmp_path, "demo")
    assert loaded.returncode == 0, loaded.stderr
    assert "[demo] regions: 490/490 (100%)" in loaded.stdout
    assert "cadre001             cadre, 石桥镇上坪村, reads Traditional Chinese" in loaded.stdout
    cadres, supervisors = (
        rows(tmp_path, "select count(*) from app_user where role='cadre'")[0][0],
        rows(tmp_path, "select count(*) from app_user where role='supervisor'")[0][0],
    )
    assert cadres >= 300 and 3 <= supervisors <= 10
    weeks = rows(tmp_path, "select (julianday(max(date)) - julianday(min(date))) / 7 from time_entry")[0][0]
    assert weeks >= 14
    # Every account predates the first month with entries: the demo's reporters are established honestly.
    assert rows(tmp_path, "select count(*) from app_user where created_on >= (select min(date) from time_entry)") == [
        (0,)
    ]
    months = [m for (m,) in rows(tmp_path, "select month from release where status = 'published' order by month")]
    assert len(months) >= 3 and f"[demo] {months[-1]}: published" in loaded.stdout
    # The latest month shows every township of the county, each with 17 to 39 cadres.
    cells = rows(
        tmp_path,
        "select code, json_extract(figures, '$.reporters'), json_extract(figures, '$.minutes') from release_cell "
        f"where month = '{months[-1]}' and level = 'township' and code like '360721%'",
    )
    assert len(cells) == 12 and all(reporters for _code, reporters, _minutes in cells)
    hours = sorted(minutes / reporters for _code, reporters, minutes in cells)
    assert hours[-1] > 1.8 * hours[0]  # some townships are overloaded, some are not
    again = jianfu(tmp_path, "demo", "--if-empty")
    assert (again.returncode, again.stdout.strip()) == (
        0,
        "[demo] the store already holds regions: demo data not loaded again",
    )
    assert jianfu(tmp_path, "publish").stdout.strip() == "nothing to publish"
    early = jianfu(tmp_path, "publish", "--month", "2099-01")
    assert (early.returncode, early.stderr.strip()) == (1, "error: 2099-01 is published on 2099-02-07, not before")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_region_csv_reads_utf8_bom_and_gbk(encoding):
    raw = "code,parent,level,name,population\n420000,,province,示例省,58000000\n".encode(encoding)
    assert read_regions_csv(raw) == [
        {
            "code": "420000",
            "parent": None,
            "level": "province",
            "name": "示例省",
            "name_hant": None,
            "population": 58000000,
            "households": None,
        }
    ]


def test_region_csv_without_required_columns_is_refused():
    with in_locale("en"), pytest.raises(CommandError, match="Missing columns: level, population"):
        read_regions_csv(b"code,name\n1,x\n")


def jianfu_on(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIANFU_DATABASE_URL": database_url, "JIANFU_SECRET": "cli-test-secret", "LC_ALL": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "server", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("x" * 200_000, "error: Line 3, column name: 200,000 characters; a region's fields have at most 1,000."),
        ("石桥\x00镇", "error: Line 3, column name: contains a NUL character (U+0000)."),  # PostgreSQL cannot store it
    ],
)
@pytest.mark.slow  # `python -m server` processes
async def test_import_regions_names_the_line_and_column_of_a_field_no_region_has(store, tmp_path, field, message):
    """On SQLite and on PostgreSQL: a clean message and exit code 1, never a traceback, nothing saved."""
    csv_file = tmp_path / "regions.csv"
    csv_file.write_text(
        f"code,parent,level,name,population\n360000,,province,东部省,100\n360721105,360000,township,{field},21000\n",
        encoding="utf-8",
    )
    failed = jianfu_on(store, "import-regions", str(csv_file))
    assert (failed.returncode, failed.stderr.strip()) == (1, message)
    assert await Region.all().count() == 0


@pytest.mark.slow  # `python -m server` processes
def test_a_repeated_import_writes_nothing_and_says_so(tmp_path):
    csv_file = tmp_path / "regions.csv"
    csv_file.write_text(
        "code,parent,level,name,name_hant,population,households\n420000,,province,示例省,,58000000,\n420100,420000,city,示例市,,9000000,\n",
        encoding="utf-8",
    )
    assert jianfu(tmp_path, "import-regions", str(csv_file)).returncode == 0
    before = rows(tmp_path, "select code, path, population from region order by code")
    again = jianfu(tmp_path, "import-regions", str(csv_file))
    assert (again.returncode, again.stdout.splitlines()[-1]) == (
        0,
        "nothing to change: all 2 regions are already stored as the file gives them",
    )
    assert rows(tmp_path, "select code, path, population from region order by code") == before
    assert rows(tmp_path, "select count(*) from region_ancestor") == [(3,)]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("C.UTF-8", "error: Line 4, code: 420100 appears twice: it is already on line 3."),
        ("zh_TW.UTF-8", "error: 第 4 行, code: 420100 出現了兩次：第 3 行已經有它。"),
        ("zh_CN.UTF-8", "error: 第 4 行, code: 420100 出现了两次：第 3 行已经有它。"),
    ],
)
@pytest.mark.slow  # `python -m server` processes
def test_a_duplicate_code_names_both_lines_in_the_terminal_language(tmp_path, language, message):
    csv_file = tmp_path / "regions.csv"
    csv_file.write_text(
        "code,parent,level,name,population\n420000,,province,示例省,58000000\n420100,420000,city,示例市,9000000\n420100,420000,city,又一市,1\n",
        encoding="utf-8",
    )
    answer = jianfu(tmp_path, "import-regions", str(csv_file), language=language)
    assert (answer.returncode, answer.stderr.strip()) == (1, message)
    assert rows(tmp_path, "select count(*) from region") == [(0,)]


async def test_serve_turns_nagle_off_on_a_listener_bound_as_for_several_workers():
    """`serve --workers N` lets uvicorn bind the listener, with proto 0: asyncio then leaves Nagle
    on, and every keep-alive response waited ~40 ms for the client's delayed ACK. The protocol
    `serve` names turns TCP_NODELAY on itself."""
    import asyncio  # noqa: PLC0415
    import socket  # noqa: PLC0415
    from unittest.mock import patch  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415
    from uvicorn.protocols.http.h11_impl import H11Protocol  # noqa: PLC0415

    from server.web.nodelay import NoDelayH11Protocol  # noqa: PLC0415

    listener = uvicorn.Config("server.app:create_app", host="127.0.0.1", port=0).bind_socket()
    nodelay: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def probe(_protocol: H11Protocol, transport: asyncio.Transport) -> None:
        nodelay.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        transport.close()

    class Probe(NoDelayH11Protocol):
        def __init__(self) -> None:  # no uvicorn server state: only connection_made runs
            pass

    with patch.object(H11Protocol, "connection_made", probe):
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            assert await asyncio.wait_for(nodelay, 5) != 0
            writer.close()
