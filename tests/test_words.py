"""No raw identifier reaches a person: every page of every role (and the public ones) in each
language, and every CSV meant for people, read as a person reads them, against the demo county.

A page's words are its text and the attributes people hear or see (title, aria-label, alt,
placeholder); `snake_case` words and region codes there are identifiers that leaked.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from conftest import scenario
from demo_county import DEMO_PASSWORD
from page_words import SNAKE, leaks, words_of

from server.config import Settings
from server.domain.cross_rules import RequiredApp, duplicate_app_flags
from server.web.i18n import load_catalogs
from server.web.messages import rendered_flags

LANGS = ("zh-Hans", "zh-Hant", "en")


@contextmanager
def browser(url: str, username: str | None) -> Iterator[httpx.Client]:
    """A signed-in (or anonymous) browser: the session cookie, as the pages use."""
    with httpx.Client(base_url=url, trust_env=False) as client:
        if username:
            answer = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
            assert answer.status_code == 303, answer.text
        yield client


def first_review(client: httpx.Client) -> str:
    return re.search(r'href="(/reviews/\d+)"', client.get("/reviews").text).group(1)


def first_entry(client: httpx.Client) -> str:
    """The edit link of the cadre's latest entry, a week of History at a time: on a Monday this week
    holds nothing yet."""
    page = client.get("/history").text
    for _week in range(8):
        found = re.search(r'href="(/history/[^"?#]+)"', page)
        if found:
            return found.group(1)
        page = client.get(re.search(r'href="(/history\?week=[^"]+)"', page).group(1)).text
    raise AssertionError("no entry in the last eight weeks of History")


PUBLIC = ["/login", "/signup", "/offline", "/check", "/reset", "/no-such-page"]
CADRE = [
    "/",
    "/quota",
    "/apps",
    "/history",
    "/password",
    "/method",
    "/check",
    "/dashboard/360721105",
    "/invites",
    "/account/delete",
    "/no-such-page",
    first_entry,
]
SUPERVISOR = [
    "/dashboard/360721",
    "/dashboard/360721105",
    "/dashboard/360721/flags",
    "/dashboard/360721?q=%E7%9F%B3",
    "/dashboard/360721/flags?kind=escalation",
    "/summaries/360721105",
    "/reviews",
    first_review,
    "/method",
    "/no-such-page",
]
ADMIN = [
    "/admin",
    "/admin/regions",
    "/admin/regions/360721",
    "/admin/regions/import",
    "/invites",
    "/admin/users",
    "/admin/tasks",
    "/admin/audit",
    "/dashboard/360721",
    "/reviews",
    "/method",
    "/password",
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("username", "paths"),
    [(None, PUBLIC), ("cadre001", CADRE), ("cadre003", CADRE), ("supervisor", SUPERVISOR), ("admin", ADMIN)],
)
@pytest.mark.slow  # the demo county on a real server
def test_no_page_shows_an_identifier(demo, username, paths, lang):
    with browser(demo, username) as client:
        found = {}
        for path in paths:
            path = path(client) if callable(path) else path
            answer = client.get(path, params={"lang": lang})
            assert answer.status_code in (200, 403, 404), (path, answer.status_code)
            words = words_of(answer.text)
            # An administrator's region pages show codes on purpose: they are what the region
            # file and the import are written in. Snake-case words are still refused there.
            found[path] = [w for w in leaks(words) if not path.startswith("/admin/regions") or SNAKE.fullmatch(w)]
    assert found == {path: [] for path in found}


def csv_cells(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def csv_leaks(rows: list[list[str]]) -> list[str]:
    return leaks([cell for row in rows for cell in row])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.slow  # the demo county on a real server
def test_no_csv_for_people_holds_an_identifier(demo, lang):
    with browser(demo, "cadre001") as cadre, browser(demo, "supervisor") as supervisor:
        review = first_review(supervisor)
        documents = {
            "export": cadre.get("/api/me/export.csv", params={"lang": lang}),
            "summary": supervisor.get("/api/summaries/360721105.csv", params={"lang": lang}),
            "review": supervisor.get(f"/api{review}.csv", params={"lang": lang}),
        }
    found = {name: csv_leaks(csv_cells(answer.text)) for name, answer in documents.items()}
    assert found == {"export": [], "summary": [], "review": []}


@pytest.mark.parametrize(
    ("lang", "first_columns", "record"),
    [
        ("zh-Hant", ["紀錄", "日期", "地方", "任務", "工作類型", "分鐘"], "用時"),
        ("en", ["Record", "Date", "Place", "Task", "Kind of work", "Minutes"], "Time spent"),
    ],
)
@pytest.mark.slow  # the demo county on a real server
def test_the_cadres_export_names_places_tasks_and_kinds_of_work(demo, lang, first_columns, record):
    with browser(demo, "cadre001") as cadre:
        rows = csv_cells(cadre.get("/api/me/export.csv", params={"lang": lang}).text)
    assert rows[0][:6] == first_columns
    entry = next(row for row in rows if row[0] == record)
    assert entry[2] in ("上坪村", "Shangping") or "坪" in entry[2]
    assert entry[3] == "" or not entry[3].isdigit()


@pytest.mark.parametrize(("lang", "heading"), [("zh-Hant", "指標超過人口"), ("en", "Target above the population")])
@pytest.mark.slow  # the demo county on a real server
def test_the_method_page_names_each_rule_in_words(demo, lang, heading):
    with browser(demo, "supervisor") as client:
        words = words_of(client.get("/method", params={"lang": lang}).text)
    assert heading in words and "exceeds_base" not in words


@pytest.mark.slow  # the demo county on a real server
def test_a_missing_page_speaks_the_readers_language_whatever_the_browser_says(demo):
    with browser(demo, "cadre001") as client:  # cadre001 reads Traditional Chinese; the browser asks for English
        answer = client.get("/no-such-page", headers={"accept-language": "en"})
    assert (answer.status_code, answer.headers["content-language"]) == (404, "zh-Hant")
    assert "找不到。" in words_of(answer.text)


@pytest.mark.parametrize(
    ("lang", "function", "message"),
    [
        (
            "zh-Hans",
            "public_rental_housing",
            "3 个被要求使用的应用功能相同（公租房）：市公租房管理系统、省住房保障信息平台、省租赁补贴申报系统。",
        ),
        (
            "zh-Hant",
            "public_rental_housing",
            "3 個被要求使用的應用功能相同（公租房）：市公租房管理系统、省住房保障信息平台、省租赁补贴申报系统。",
        ),
        (
            "en",
            "public_rental_housing",
            "3 required apps do the same job (Public rental housing): "
            "市公租房管理系统、省住房保障信息平台、省租赁补贴申报系统.",
        ),
        (
            "en",
            "tax_filing",
            "3 required apps do the same job: 市公租房管理系统、省住房保障信息平台、省租赁补贴申报系统.",
        ),
        (
            "zh-Hans",
            "住房保障",
            "3 个被要求使用的应用功能相同（住房保障）：市公租房管理系统、省住房保障信息平台、省租赁补贴申报系统。",
        ),
    ],
)
def test_the_duplicate_app_flag_names_the_job_in_words_never_as_a_code(lang, function, message):
    load_catalogs(Settings(database_url="sqlite://:memory:", secret="s").locales_dir)
    case = scenario("duplicate-systems")
    apps = [
        RequiredApp(i, a["name"], function, (a["owner_level"], a.get("owner_region")))
        for i, a in enumerate(case["apps"], start=1)
    ]
    flags = rendered_flags(duplicate_app_flags("510104020005", apps), lang)
    assert [f.message for f in flags] == [message]
