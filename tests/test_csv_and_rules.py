"""Issue 11's odd ends: CSV cells that could run as spreadsheet formulas, rule settings that every
flag honours, the sign-out cookie under HTTPS, caching of static files and an OpenAPI description
that names every /api route.

Dates come from conftest's frozen month (MONTH, during_month, AFTER): nothing depends on today."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
from burden_cases import DAYS, PERIOD, VILLAGES, county_with_reporters
from conftest import AFTER, MONTH, PASSWORD, SECRET, add_user, bearer, load_scenario, publish_month, scenario
from hypothesis import given
from hypothesis import strategies as st
from starlette.routing import Route

from server.app import create_app
from server.config import Settings
from server.domain import pseudonyms
from server.domain.rules import Rules
from server.models import Outcome, Task
from server.web import auth
from server.web.documents import review_csv, spreadsheet_cell, summary_csv
from server.web.i18n import in_locale
from server.web.templating import static_url

HYPERLINK = '=HYPERLINK("http://x","y")'


def cells(text: str) -> list[list[str]]:
    """A CSV answer as a spreadsheet program reads it: rows of cells, the BOM taken off."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def in_some_cell(rows: list[list[str]], value: str) -> bool:
    return any(value in row for row in rows)


def formula_like(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: text starting with = + - @ tab or CR (a number is no formula)."""
    return [
        c
        for row in rows
        for c in row
        if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"-\d+(\.\d+)?", c)
    ]


# --- CSV formula injection --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "'-3"),  # text that looks like a number is still text someone typed
        ("上坪村", "上坪村"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-3, -3),
        (-2.5, -2.5),
        (Decimal("-3.00"), Decimal("-3.00")),
        (0, 0),
    ],
)
def test_a_cell_that_could_run_as_a_formula_is_shown_as_text_and_numbers_stay_numbers(value, cell):
    assert spreadsheet_cell(value) == cell


@given(st.text())
def test_no_text_cell_ever_starts_a_formula_and_the_text_is_kept(text):
    cell = spreadsheet_cell(text)
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert cell in (text, "'" + text)


def a_place(code: str, name: str, value: float) -> dict[str, Any]:
    indices = dict.fromkeys(
        (
            "burden_index",
            "hours_per_reporter_week",
            "hours_per_reporter_week_median",
            "apps_per_reporter",
            "quota_pressure",
            "ranking_share",
            "evidence_share",
            "fabrication_share",
            "cost_yuan",
        ),
        value,
    )
    return {
        "region": {"code": code, "name": name, "level": "village"},
        "period": MONTH.key,
        "suppressed": False,
        "reporters": 7,
        "indices": indices,
        "flags_count": -1,
    }


def a_flag(message: str) -> dict[str, Any]:
    return {
        "kind": "escalation",
        "severity": "warning",
        "region": "1",
        "task": 2,
        "app": None,
        "ratio": -1.5,
        "message": message,
        "basis": "@basis",
    }


def test_the_summary_csv_neutralizes_text_and_keeps_negative_numbers():
    report = {
        **a_place("1", HYPERLINK, -3),
        "children": [a_place("2", "+1", -0.5)],
        "top_sources": {"tasks": [{"id": 9, "name": "@SUM(1)", "hours": -3, "share": -0.25}]},
    }
    with in_locale("en"):
        rows = cells(summary_csv(report, [a_flag("-1+2 passed")], k=5))
    assert ["'" + HYPERLINK, "Village or community", MONTH.key, "7", *["-3"] * 9, "-1", ""] in rows
    assert ["'+1", "Village or community", MONTH.key, "7", *["-0.5"] * 9, "-1", ""] in rows
    assert ["Warning", "Target raised on its way down (层层加码)", "-1.5", "'-1+2 passed", "'@basis"] in rows
    assert ["'@SUM(1)", "-3", "-0.25"] in rows
    assert formula_like(rows) == []


def test_the_review_csv_neutralizes_text_and_keeps_negative_numbers():
    place = {
        "region": {"code": "2", "name": "=cmd|' /C calc'!A0"},
        "before": {"burden_index": -3, "hours_per_reporter_week": 1.5},
        "after": {"burden_index": -4.5, "hours_per_reporter_week": 0},
    }
    review = {
        "id": 1,
        "region": {"code": "1", "name": "@SUM(1)"},
        "period": MONTH.key,
        "status": "open",
        "opened_on": "2026-04-08",
        "closed_on": None,
        "summary": {**a_place("1", "+1", -3), "children": []},
        "flags": [a_flag(HYPERLINK)],
        "decisions": [
            {
                "id": 4,
                "kind": "reduce_quota",
                "region": {"code": "2", "name": "-2"},
                "task": {"title": HYPERLINK},
                "app": {"name": "+app"},
                "new_target": -7,
                "decided_on": "2026-04-09",
            }
        ],
        "before_after": {"before": MONTH.key, "after": "2026-04", "places": [place]},
    }
    with in_locale("en"):
        rows = cells(review_csv(review, k=5))
    assert ["1", "'@SUM(1)", MONTH.key, "Open", "2026-04-08", ""] in rows
    assert ["4", "Reduce the quota", "'-2", "'" + HYPERLINK, "'+app", "-7", "2026-04-09"] in rows
    assert ["'=cmd|' /C calc'!A0", MONTH.key, "-3", "1.5", "2026-04", "-4.5", "0", ""] in rows
    assert in_some_cell(rows, "'" + HYPERLINK) and formula_like(rows) == []


async def test_the_cadres_own_export_neutralizes_notes_and_app_names(client, during_month):
    await add_user("root", "admin", None)
    admin = await bearer(client, "root")
    await client.post(
        "/api/regions",
        json={"regions": [{"code": "360000", "level": "province", "name": "东部省", "population": 100}]},
        headers=admin,
    )
    app = await client.post(
        "/api/apps", json={"name": "@SUM(1)", "function": "other", "owner_level": "province"}, headers=admin
    )
    li = await add_user("li", "cadre", "360000")
    headers = await bearer(client, "li")
    day = MONTH.first.isoformat()
    entries = [
        {"client_id": f"n{i}", "date": day, "minutes": 30, "activity": "other", "note": note}
        for i, note in enumerate((HYPERLINK, "+1", "-1+2"))
    ]
    answer = await client.post("/api/entries", json={"entries": entries}, headers=headers)
    assert answer.status_code == 200 and len(answer.json()["accepted"]) == 3, answer.text
    await client.put("/api/roster", json={"apps": [{"app": app.json()["id"], "resident_use": "none"}]}, headers=headers)
    # A cost below zero cannot be sent, but the writer must keep any number a number.
    await Outcome.create(
        reporter_key=pseudonyms.reporter_key(SECRET, li.id),
        quota_ref="r",
        status="met",
        means="",
        cost_yuan=Decimal("-3"),
        reported_on=MONTH.first,
    )
    rows = cells((await client.get("/api/me/export.csv?lang=en", headers=headers)).text)
    notes = [row[6] for row in rows if row[0] == "Time spent"]
    assert sorted(notes) == sorted(["'" + HYPERLINK, "'+1", "'-1+2"])
    assert [row[7] for row in rows if row[0] == "App I must use"] == ["'@SUM(1)"]
    assert [row[13] for row in rows if row[0] == "How a quota was met"] == ["-3.00"]
    assert {row[5] for row in rows if row[0] == "Time spent"} == {"30"}
    assert formula_like(rows) == []


async def test_summary_and_review_csv_neutralize_task_titles_and_place_names(
    village_client, village_settings, during_month
):
    supervisor, ids = await county_with_reporters(village_client, per_village=(5, 5, 5, 5, 0))
    admin = await bearer(village_client, "root")
    await Task.filter(id=ids["reg"]).update(title=HYPERLINK)
    renamed = [
        {"code": "360721105", "parent": "360721", "level": "township", "name": "@SUM(1)", "population": 21000},
        {"code": VILLAGES[0], "parent": "360721105", "level": "village", "name": "+1", "population": 3900},
    ]
    assert (await village_client.post("/api/regions", json={"regions": renamed}, headers=admin)).status_code == 200
    await publish_month(village_settings)
    during_month.move_to(AFTER)
    summary = await village_client.get(f"/api/summaries/360721105.csv?{PERIOD}&lang=en", headers=supervisor)
    rows = cells(summary.text)
    sources = rows[rows.index(["Task", "Hours", "Share"]) + 1]
    assert sources[0] == "'" + HYPERLINK
    assert in_some_cell(rows, "'@SUM(1)") and in_some_cell(rows, "'+1")
    assert any(c.startswith("'@SUM(1) passed") for row in rows for c in row)  # the escalation flag's message
    assert formula_like(rows) == []
    review = await village_client.post(
        "/api/reviews", json={"region": "360721105", "period": MONTH.key}, headers=supervisor
    )
    decided = await village_client.post(
        f"/api/reviews/{review.json()['id']}/decisions",
        json={"kind": "withdraw_quota", "task": ids["reg"], "region": VILLAGES[0]},
        headers=supervisor,
    )
    assert decided.status_code == 201, decided.text
    rows = cells((await village_client.get(f"/api/reviews/{review.json()['id']}.csv?lang=en", headers=supervisor)).text)
    decision = next(row for row in rows if row[:2] == [str(decided.json()["id"]), "Withdraw the quota"])
    assert decision[2:4] == ["'+1", "'" + HYPERLINK]
    assert in_some_cell(rows, "'@SUM(1)") and formula_like(rows) == []


# --- Every rule follows JIANFU_RULES ----------------------------------------------------------
# Each probe sets up a store, acts through the API under the app's settings and answers what the
# flag (or index) it watches says. Each runs once with the default rules, and once per override
# of a rule field to an extreme value: the answer must change as that rule says.

Probe = Callable[[httpx.AsyncClient, Settings, Any], Awaitable[Any]]


async def admin_with(
    http: httpx.AsyncClient, case_name: str, **task_period: date
) -> tuple[dict[str, str], dict[str, int]]:
    case = scenario(case_name)
    for task in case["tasks"]:
        task.update({k: v.isoformat() for k, v in task_period.items()})
    await add_user("root", "admin", None)
    admin = await bearer(http, "root")
    return admin, await load_scenario(http, admin, case)


async def village_quota(http, settings, clock) -> list[tuple[str, str]]:
    """/api/quotas: 3,000 monthly-active accounts asked of a village of 712 people (4.21 times)."""
    admin, ids = await admin_with(http, "village-activity-quota")
    answer = await http.post(
        "/api/quotas?lang=en",
        json={"task": ids["active"], "region": "420121101201", "target": 3000, "base": "population"},
        headers=admin,
    )
    return [(f["severity"], f["message"]) for f in answer.json()["flags"] if f["kind"] == "exceeds_base"]


async def eligible_quota(http, settings, clock) -> list[tuple[str, float]]:
    """/api/quotas: 10 children in difficulty asked where there are 5."""
    admin, ids = await admin_with(http, "village-activity-quota")  # any tree: the quota counts eligible people
    body = {"task": ids["active"], "region": "420121101201", "target": 10, "base": "eligible", "eligible": 5}
    answer = await http.post("/api/quotas", json=body, headers=admin)
    return [(f["severity"], f["ratio"]) for f in answer.json()["flags"] if f["kind"] == "exceeds_eligible"]


async def scripted_counter(http, settings, clock) -> tuple[bool | None, bool]:
    """/api/series/check and /api/quotas/{id}/progress on a counter climbing ~1000 every 2 minutes."""
    admin, ids = await admin_with(http, "escalation")
    points = scenario("vote-counter")["scripted"]
    check = await http.post("/api/series/check", json={"points": points}, headers=admin)
    quota = await http.post(
        "/api/quotas", json={"task": ids["reg"], "region": VILLAGES[0], "target": 1500}, headers=admin
    )
    progress = await http.post(f"/api/quotas/{quota.json()['id']}/progress", json={"points": points}, headers=admin)
    assert progress.status_code == 200, progress.text
    return check.json()["uniform"], any(f["kind"] == "uniform_growth" for f in progress.json()["flags"])


async def published_flags(http, settings, clock, kind: str, region: str = "360721") -> list[dict[str, Any]]:
    """Publish the month as the scheduler would, then read its flags of one kind as a supervisor."""
    await add_user("sup", "supervisor", region)
    await publish_month(settings)
    clock.move_to(AFTER)
    answer = await http.get(f"/api/flags/{region}?{PERIOD}", headers=await bearer(http, "sup"))
    assert answer.status_code == 200, answer.text
    return [f for f in answer.json()["flags"] if f["kind"] == kind]


async def cadre(username: str, region: str) -> dict[str, str]:
    """A cadre's bearer header without a login (password checks are slow on purpose)."""
    user = await add_user(username, "cadre", region)
    return {"authorization": f"Bearer {await auth.issue_token(user, 1)}"}


async def with_quotas(http, admin, task: int, targets: dict[str, int]) -> None:
    for region, target in targets.items():
        answer = await http.post("/api/quotas", json={"task": task, "region": region, "target": target}, headers=admin)
        assert answer.status_code in (200, 201), answer.text


async def escalated(http, settings, clock) -> list[tuple[str, str, float]]:
    """Published flags: the township passes 5 x 1,500 down against the 6,000 it received (1.25)."""
    admin, ids = await admin_with(http, "escalation", period_start=MONTH.first, period_end=MONTH.last)
    await with_quotas(http, admin, ids["reg"], {"360721105": 6000, **dict.fromkeys(VILLAGES, 1500)})
    return [
        (f["region"], f["severity"], f["ratio"]) for f in await published_flags(http, settings, clock, "escalation")
    ]


async def chained(http, settings, clock) -> list[tuple[str, str, float]]:
    """Published flags: two small raises in a row (5,800 -> 6,000 -> 5 x 1,240), 1.069 over the chain."""
    admin, ids = await admin_with(http, "escalation", period_start=MONTH.first, period_end=MONTH.last)
    await with_quotas(http, admin, ids["reg"], {"360721": 5800, "360721105": 6000, **dict.fromkeys(VILLAGES, 1240)})
    return [
        (f["region"], f["severity"], f["ratio"]) for f in await published_flags(http, settings, clock, "escalation")
    ]


async def paced(http, settings, clock) -> list[tuple[str, float]]:
    """Published flags: a village managed 10 a day and must do 49 a day for the 30 days left."""
    admin, ids = await admin_with(
        http, "escalation", period_start=MONTH.first, period_end=MONTH.last + timedelta(days=30)
    )
    await with_quotas(http, admin, ids["reg"], {VILLAGES[0]: 1500})
    quota = (
        await http.post("/api/quotas", json={"task": ids["reg"], "region": VILLAGES[0], "target": 1500}, headers=admin)
    ).json()
    shanghai = timezone(timedelta(hours=8))
    points = [
        {"at": datetime(2026, 3, day, tzinfo=shanghai).isoformat(), "value": 10 * (day - 2)} for day in (2, 3, 4, 5)
    ]
    assert (
        await http.post(f"/api/quotas/{quota['id']}/progress", json={"points": points}, headers=admin)
    ).status_code == 200
    return [(f["region"], f["ratio"]) for f in await published_flags(http, settings, clock, "pace")]


async def zombie_apps(http, settings, clock) -> int:
    """Published flags: five grid workers all say residents never use their three required apps."""
    case = scenario("duplicate-systems")
    await add_user("root", "admin", None)
    ids = await load_scenario(http, await bearer(http, "root"), case)
    roster = [{"app": ids[a["app"]], "resident_use": a["resident_use"]} for a in case["roster"][0]["apps"]]
    for n in range(5):
        headers = await cadre(f"grid{n}", "510104020005")
        entries = [
            {"client_id": f"g{n}-{d}", "date": day.isoformat(), "minutes": 90, "activity": "duplicate_reporting"}
            for d, day in enumerate(DAYS[:2])
        ]
        assert (
            len((await http.post("/api/entries", json={"entries": entries}, headers=headers)).json()["accepted"]) == 2
        )
        await http.put("/api/roster", json={"apps": roster}, headers=headers)
    return len(await published_flags(http, settings, clock, "zombie_app", region="510104"))


BUSY_MINUTES = (60, 61, 62, 63, 180)  # minutes a day of each village's five cadres: the last is far busier


async def busy_county(http, settings, clock) -> dict[str, Any]:
    """Published: the township's five villages, five cadres each with one required app, the last
    village three times as busy; its peer-outlier flags and its burden index."""
    admin, ids = await admin_with(http, "escalation", period_start=MONTH.first, period_end=MONTH.last)
    await with_quotas(http, admin, ids["reg"], {"360721105": 6000, **dict.fromkeys(VILLAGES, 1500)})
    for village, minutes in zip(VILLAGES, BUSY_MINUTES, strict=True):
        for n in range(5):
            headers = await cadre(f"c{village}-{n}", village)
            entries = [
                {
                    "client_id": f"{n}-{d}",
                    "date": day.isoformat(),
                    "minutes": minutes,
                    "activity": "data_entry",
                    "task": ids["reg"],
                }
                for d, day in enumerate(DAYS[:2])
            ]
            assert (
                len((await http.post("/api/entries", json={"entries": entries}, headers=headers)).json()["accepted"])
                == 2
            )
            await http.put(
                "/api/roster", json={"apps": [{"app": ids["antifraud"], "resident_use": "some"}]}, headers=headers
            )
    # Busy children are read on their parent's own page only.
    outliers = [
        (f["region"], f["severity"])
        for f in await published_flags(http, settings, clock, "peer_outlier", region="360721105")
    ]
    burden = (await http.get(f"/api/burden/360721105?{PERIOD}", headers=await bearer(http, "sup"))).json()
    return {"outliers": outliers, "burden_index": burden["indices"]["burden_index"]}


TIMES = "This target is 4.21 times 柳湾村's registered population (3,000 against 712)."
EXCEEDS = "This target exceeds 柳湾村's registered population (3,000 against 712): it cannot be met honestly."
BUSY_DEFAULT = {"outliers": [(VILLAGES[4], "info")], "burden_index": 12.1}

# probe -> what it answers under the default rules
PROBES: dict[str, tuple[Probe, Any]] = {
    "village_quota": (village_quota, [("critical", TIMES)]),
    "eligible_quota": (eligible_quota, [("critical", 2.0)]),
    "scripted_counter": (scripted_counter, (True, True)),
    "escalated": (escalated, [("360721105", "warning", 1.25)]),
    "chained": (chained, []),
    "paced": (paced, [("360721105", 4.9)]),
    "zombie_apps": (zombie_apps, 3),
    "busy_county": (busy_county, BUSY_DEFAULT),
}


@dataclass(frozen=True)
class Override:
    field: str
    value: Any
    probe: str
    expected: Any

    def __str__(self) -> str:
        return f"{self.field}={self.value}"


OVERRIDES = [
    Override("coverage_warning", 5.0, "village_quota", []),
    Override("coverage_critical", 5.0, "village_quota", [("warning", TIMES)]),
    Override("times_wording_from", 5.0, "village_quota", [("critical", EXCEEDS)]),
    Override("eligible_critical", 5.0, "eligible_quota", []),
    Override("uniform_min_intervals", 1000, "scripted_counter", (None, False)),
    Override("uniform_min_mean", 1e9, "scripted_counter", (None, False)),
    Override("uniform_dispersion", 0.0, "scripted_counter", (False, False)),
    Override("uniform_p", 0.0, "scripted_counter", (False, False)),
    Override("escalation_warning", 100.0, "escalated", []),
    Override("escalation_critical", 1.2, "escalated", [("360721105", "critical", 1.25)]),
    Override("chain_warning", 1.06, "chained", [("360721105", "warning", 1.03)]),
    Override("chain_critical", 1.06, "chained", [("360721105", "critical", 1.03)]),
    Override("pace_factor", 100.0, "paced", []),
    Override("zombie_share", 1.01, "zombie_apps", 0),
    Override("outlier_z", 1000.0, "busy_county", {**BUSY_DEFAULT, "outliers": []}),
    Override("outlier_min_siblings", 6, "busy_county", {**BUSY_DEFAULT, "outliers": []}),
    Override("hours_range", (0.0, 0.01), "busy_county", {**BUSY_DEFAULT, "burden_index": 46.0}),
    Override("apps_range", (0.0, 0.5), "busy_county", {**BUSY_DEFAULT, "burden_index": 26.1}),
    Override("pressure_range", (0.0, 0.01), "busy_county", {**BUSY_DEFAULT, "burden_index": 32.1}),
    Override(
        "weights",
        dict.fromkeys(("hours", "apps", "quota_pressure", "ranking_share", "evidence_share", "fabrication_share"), 0.0),
        "busy_county",
        {**BUSY_DEFAULT, "burden_index": 0.0},
    ),
]


def test_every_rule_field_has_an_override_that_changes_what_its_probe_sees():
    assert sorted(o.field for o in OVERRIDES) == sorted(f.name for f in fields(Rules))
    for override in OVERRIDES:
        assert override.expected != PROBES[override.probe][1], override


async def run_probe(store: str, rules: Rules, probe: Probe, clock) -> Any:
    settings = Settings(database_url=store, secret=SECRET, k=5, min_level="village", rules=rules)
    app = create_app(settings, manage_store=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
        return await probe(http, settings, clock)


@pytest.mark.parametrize("name", list(PROBES))
async def test_what_each_probe_sees_under_the_default_rules(store, during_month, name):
    probe, expected = PROBES[name]
    assert await run_probe(store, Rules(), probe, during_month) == expected


@pytest.mark.parametrize("override", OVERRIDES, ids=str)
async def test_each_rule_follows_its_setting(store, during_month, override):
    rules = Rules(**{override.field: override.value})
    assert await run_probe(store, rules, PROBES[override.probe][0], during_month) == override.expected


# --- Signing out under HTTPS --------------------------------------------------------------------


@pytest.mark.parametrize("https", [False, True])
async def test_the_cookie_clearing_header_keeps_the_cookies_attributes(store, https):
    app = create_app(Settings(database_url=store, secret=SECRET, https=https), manage_store=False)
    await add_user("li", "cadre", None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
        api = await http.delete("/api/session", headers=await bearer(http, "li"))
        signed_in = await http.post("/login", data={"username": "li", "password": PASSWORD})
        token = re.match(rf"{auth.COOKIE}=([^;]+);", signed_in.headers["set-cookie"]).group(1)
        http.cookies.clear()
        page = await http.post("/logout", headers={"cookie": f"{auth.COOKIE}={token}"})
    assert page.status_code == 303
    for answer in (signed_in, api, page):
        header = answer.headers["set-cookie"]
        attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
        assert {"httponly", "path", "samesite"} <= attributes
        assert ("secure" in attributes) is https, header
    for answer in (api, page):
        assert (
            answer.headers["set-cookie"].startswith(f'{auth.COOKIE}=""; ')
            and "Max-Age=0" in answer.headers["set-cookie"]
        )


# --- Static files -------------------------------------------------------------------------------


async def test_hashed_static_urls_are_immutable_and_nothing_else_is(client):
    page = (await client.get("/login")).text
    linked = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', page).group(1)
    assert linked == static_url("app.css")
    hashed = await client.get(linked)
    assert (hashed.status_code, hashed.headers["cache-control"]) == (200, "public, max-age=31536000, immutable")
    icon = await client.get(static_url("icons/icon-192.png"))
    assert icon.headers["cache-control"] == "public, max-age=31536000, immutable"
    for url in ("/static/app.css", "/static/app.css?v=0000000000", static_url("sw.js")):
        answer = await client.get(url)
        assert (answer.status_code, answer.headers["cache-control"]) == (200, "no-cache"), url
    worker = await client.get("/sw.js")
    assert worker.status_code == 200 and "immutable" not in worker.headers["cache-control"]


# --- OpenAPI ----------------------------------------------------------------------------------


async def test_every_api_route_is_described_in_the_openapi_document(client):
    spec = (await client.get("/api/openapi.json")).json()
    app = create_app(Settings(database_url="sqlite://:memory:", secret=SECRET), manage_store=False)
    routes = [
        (m.lower(), re.sub(r"\{(\w+):\w+\}", r"{\1}", r.path))
        for r in app.routes
        if isinstance(r, Route) and r.path.startswith("/api/")
        for m in r.methods - {"HEAD"}
    ]
    assert len(routes) > 30
    missing = [(method, path) for method, path in routes if method not in spec["paths"].get(path, {})]
    assert missing == []
    for path in ("/api/me/export.csv", "/api/summaries/{code}.csv", "/api/reviews/{id}.csv"):
        assert list(spec["paths"][path]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    assert [p["name"] for p in spec["paths"]["/api/summaries/{code}.csv"]["get"]["parameters"]] == ["code", "period"]
