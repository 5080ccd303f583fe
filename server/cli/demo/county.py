"""The demo county 青山县: its regions down to the grids, the apps cadres must use, and what the county
and its overloaded townships demand (tasks, and registration quotas passed down and raised)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from server.cli.demo.output import progress
from server.cli.demo.scenario_files import scenario
from server.domain.periods import period_containing
from server.domain.regions import child_path
from server.models import App, Quota, Region, Task

COUNTY = ("360721", "青山县")
TOWNSHIPS = [
    "城关镇",
    "梅林镇",
    "白沙乡",
    "龙潭镇",
    "石桥镇",
    "竹溪乡",
    "高田镇",
    "杨柳镇",
    "金山乡",
    "黄坑乡",
    "桃源镇",
    "水口镇",
]
OVERLOADED = {"360721105", "360721107", "360721111"}  # the townships that escalate and rank
VILLAGE_FIRST, VILLAGE_SECOND = "上下东西南北新老大小前后", "坪塘湾岭冲桥山坑洲垄田坝"
# (name, function, owner level, how residents use it: weights of none, rare, some, common)
APPS = [
    ("反诈助手", "anti_fraud", "province", (3, 4, 2, 1)),
    ("学习平台", "study", "province", (3, 4, 2, 1)),
    ("平安乡村", "public_security", "city", (6, 3, 1, 0)),
    ("网格通", "grid_management", "county", (2, 3, 3, 2)),
    ("河长巡河", "river_patrol", "province", (7, 2, 1, 0)),
    ("民政救助系统", "social_assistance", "province", (1, 2, 4, 3)),
    ("医保缴费", "medical_insurance", "province", (0, 1, 3, 6)),
    ("乡村振兴填报", "rural_revitalization", "city", (4, 4, 2, 0)),
    ("文明实践", "civilization", "county", (8, 2, 0, 0)),
    ("村务公开", "village_affairs", "county", (2, 4, 3, 1)),
]
USAGE = {name: weights for name, _f, _l, weights in APPS}


@dataclass
class Place:
    code: str
    township: str
    overloaded: bool


def county_regions(rng: random.Random) -> list[dict[str, Any]]:
    """Province, city and county, then townships, villages (communities) and grids below them.

    石桥镇 holds exactly the five villages of the escalation scenario, so that case sits in the county.
    """
    rows = [
        {"code": "360000", "parent": None, "level": "province", "name": "东部省", "population": 45_000_000},
        {"code": "360700", "parent": "360000", "level": "city", "name": "东部市", "population": 8_900_000},
    ]
    county = {"code": COUNTY[0], "parent": "360700", "level": "county", "name": COUNTY[1], "population": 0}
    rows.append(county)
    known = {r["code"]: r for r in scenario("escalation").get("regions", [])}
    for t, township_name in enumerate(TOWNSHIPS, start=101):
        code = f"{COUNTY[0]}{t}"
        township = {"code": code, "parent": COUNTY[0], "level": "township", "name": township_name, "population": 0}
        rows.append(township)
        for village in _villages(code, known, rng):
            rows += _village_and_grids(village, code, rng)
            township["population"] += village["population"]
        county["population"] += township["population"]
    return rows


def _villages(township: str, known: dict[str, dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """A township's villages: the scenario's where it has them (石桥镇), else 8 to 13 made-up ones."""
    villages = [r for r in known.values() if r["parent"] == township]
    if not villages:
        names = rng.sample([a + b + "村" for a in VILLAGE_FIRST for b in VILLAGE_SECOND], rng.randint(8, 13))
        villages = [
            {"code": f"{township}{v}", "name": n, "population": rng.randint(700, 6200)}
            for v, n in enumerate(names, start=201)
        ]
    return villages


def _village_and_grids(village: dict[str, Any], township: str, rng: random.Random) -> list[dict[str, Any]]:
    """A village's row, then its two to four grids', each grid a third of the village's people."""
    population = village["population"]
    rows = [
        {
            "code": village["code"],
            "parent": township,
            "level": "village",
            "name": village["name"],
            "population": population,
            "households": population // 3,
        }
    ]
    for g in range(1, rng.randint(2, 4) + 1):
        rows.append(
            {
                "code": f"{village['code']}{g:02d}",
                "parent": village["code"],
                "level": "grid",
                "name": f"{village['name']}第{g}网格",
                "population": population // 3,
            }
        )
    return rows


async def save_regions(rows: list[dict[str, Any]]) -> None:
    paths: dict[str, str] = {r.code: r.path for r in await Region.all()}
    for i, row in enumerate(rows, start=1):
        path = child_path(paths.get(row["parent"]) if row["parent"] else None, row["code"])
        paths[row["code"]] = path
        fields = {k: row.get(k) for k in ("level", "name", "population", "households")}
        await Region.update_or_create(
            code=row["code"],
            defaults={**fields, "parent_id": row["parent"], "path": path, "name_hant": row.get("name_hant")},
        )
        progress("regions", i, len(rows))


async def county_tasks(today: date) -> list[Task]:
    """What the county and the overloaded townships demand in the current and previous month."""
    month = period_containing(today, "month")
    apps = {a.name: a for a in await App.all()}
    specs = [
        ("反诈助手注册", "registrations", "反诈助手", COUNTY[0], "weekly", "rectification_report", "screenshots"),
        ("学习平台每日学习时长", "study_time", "学习平台", COUNTY[0], "daily", "criticism", "screenshots"),
        ("每日巡河打卡", "check_ins", "河长巡河", COUNTY[0], "none", "score_deduction", "gps_trace"),
        ("乡村振兴数据填报", "forms", "乡村振兴填报", COUNTY[0], "none", "none", "none"),
        ("平安乡村转发", "reposts", "平安乡村", "360721105", "weekly", "criticism", "screenshots"),
        ("入户走访", "visits", None, "360721101", "none", "none", "photos"),
    ]
    tasks = []
    for period in (month.previous(), month):
        for title, metric, app, issuer, ranking, penalty, evidence in specs:
            tasks.append(
                await Task.create(
                    title=title,
                    metric=metric,
                    app=apps.get(app),
                    issued_by_id=issuer,
                    period_start=period.first,
                    period_end=period.last,
                    frequency="monthly",
                    ranking=ranking,
                    penalty=penalty,
                    evidence=evidence,
                )
            )
    return tasks


async def county_quotas(
    tasks: list[Task], places: list[Place], today: date, rng: random.Random
) -> dict[str, list[int]]:
    """Registration quotas: the county to each township, each township to its villages (raised in
    the overloaded ones)."""
    registration = [t for t in tasks if t.metric == "registrations"]
    villages = await Region.filter(code__in=[p.code for p in places]).values("code", "parent_id", "population")
    by_township: dict[str, list[dict]] = {}
    for village in villages:
        by_township.setdefault(village["parent_id"], []).append(village)
    quota_ids: dict[str, list[int]] = {}
    for task in registration:
        for township, members in by_township.items():
            population = sum(v["population"] for v in members)
            township_target = int(population * 0.3)
            await Quota.create(
                task=task, region_id=township, target=township_target, base="population", updated_on=today
            )
            raise_by = rng.uniform(1.3, 1.8) if township in OVERLOADED else rng.uniform(0.9, 1.0)
            for village in members:
                share = township_target * village["population"] / population * raise_by
                target = int(share * (3.2 if township in OVERLOADED and rng.random() < 0.15 else 1))
                saved = await Quota.create(
                    task=task, region_id=village["code"], target=max(1, target), base="population", updated_on=today
                )
                quota_ids.setdefault(village["code"], []).append(saved.id)
    return quota_ids
