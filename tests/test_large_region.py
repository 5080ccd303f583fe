"""A province of thousands of places and flags, read by its supervisor (issue 15, reads): every page
stays under 200 KB of HTML, and every place is still reachable, through the pages of places below
or a search. The release is written straight into the store as publication would leave it: what is
tested here is reading, not computing."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import add_user, bearer

from server.domain.indices import CATEGORIES
from server.domain.regions import child_path
from server.models import Region, Release, ReleaseCell, ReleaseFlag
from server.store.release import forget_months

pytestmark = pytest.mark.slow  # a province of thousands of places written into the store

MONTH = "2026-10"
PAGE_LIMIT = 200_000
WIDE = 2000  # counties of one city: a parent with thousands of children
DEEP = (30, 40)  # counties of the other city, and townships in each
FLAGS = 3000


def figures(n: int) -> dict:
    """A shown cell whose burden index differs from place to place; every third one withheld."""
    if n % 3 == 2:
        return {
            "known_zero": False,
            "reporters": None,
            "minutes": None,
            "quotas": {"quota_pressure": 1.2, "ranking_share": 0.5},
        }
    reporters, minutes = 10 + n % 7, 600 * (10 + n % 7) * (1 + n % 11)
    return {
        "known_zero": False,
        "reporters": reporters,
        "minutes": minutes,
        "median_minutes": minutes // reporters,
        "evidence_minutes": minutes // 10,
        "categories": dict.fromkeys(CATEGORIES, None),
        "tasks": [],
        "outcomes": None,
        "fabricated": None,
        "paid_yuan": None,
        "roster_reporters": None,
        "roster_items": None,
        "apps": [],
        "quotas": {"quota_pressure": 1.2, "ranking_share": 0.5},
    }


def tree() -> list[tuple[str, str | None, str, str]]:
    """(code, parent, level, name): a province, a city of 2,000 counties, a city of 30 counties of
    40 townships each."""
    rows = [("44", None, "province", "广东省"), ("4401", "44", "city", "宽市"), ("4402", "44", "city", "深市")]
    rows += [(f"4401{n:04d}", "4401", "county", f"宽{n}县") for n in range(WIDE)]
    for c in range(DEEP[0]):
        rows.append((f"4402{c:02d}", "4402", "county", f"深{c}县"))
        rows += [(f"4402{c:02d}{t:03d}", f"4402{c:02d}", "township", f"深{c}县{t}镇") for t in range(DEEP[1])]
    return rows


async def publish_large_province() -> list[tuple[str, str | None, str, str]]:
    rows, paths = tree(), {}
    for code, parent, _level, _name in rows:
        paths[code] = child_path(paths.get(parent), code)
    await Region.bulk_create(
        [Region(code=c, parent_id=p, level=lv, name=nm, population=1000, path=paths[c]) for c, p, lv, nm in rows],
        batch_size=1000,
    )
    settings = {"k": 10, "min_level": "township", "wage": 25.0, "publish_days": 7, "rules": {}}
    await Release.create(month=MONTH, status="published", published_on=date(2026, 11, 7), settings=settings)
    await ReleaseCell.bulk_create(
        [
            ReleaseCell(month=MONTH, code=c, parent=p, level=lv, path=paths[c], figures=figures(n))
            for n, (c, p, lv, _nm) in enumerate(rows)
        ],
        batch_size=1000,
    )
    # Thousands of flags, each issued by one of the wide city's counties, in three kinds.
    kinds = [("exceeds_base", "critical"), ("vanity_metric", "warning"), ("ranking_pressure", "warning")]
    flags = []
    for n in range(FLAGS):
        code = f"4401{n % WIDE:04d}"
        kind, severity = kinds[n % 3]
        flag = {
            "kind": kind,
            "severity": severity,
            "region": code,
            "message": f"Flag number {n}.",
            "basis": "A rule.",
            "task": n,
            "app": None,
            "ratio": None,
            "detail": {},
        }
        flags += [
            ReleaseFlag(month=MONTH, locale=tag, path=paths[code], position=n, flag=flag) for tag in ("zh-Hans", "en")
        ]
    await ReleaseFlag.bulk_create(flags, batch_size=1000)
    forget_months()
    return rows


def place_links(html: str) -> list[str]:
    return re.findall(r'<a href="/dashboard/(\d+)\?period=' + MONTH + '">', html)


@pytest.fixture
async def province(client):
    rows = await publish_large_province()
    await add_user("gd-sup", "supervisor", "44")
    return rows, await bearer(client, "gd-sup")


async def test_every_county_of_a_wide_city_is_on_one_of_its_pages_each_under_200_kb(client, province):
    rows, supervisor = province
    counties, seen, indices = {c for c, p, _l, _n in rows if p == "4401"}, [], []
    first = await client.get(f"/dashboard/4401?period={MONTH}&lang=en", headers=supervisor)
    last_page = int(re.search(r"Page 1 of (\d+)", first.text).group(1))
    for number in range(1, last_page + 1):
        answer = await client.get(f"/dashboard/4401?period={MONTH}&page={number}&lang=en", headers=supervisor)
        assert answer.status_code == 200 and len(answer.content) < PAGE_LIMIT
        table = answer.text[answer.text.index('<table class="places">') :]
        seen += place_links(table[: table.index("</table>")])
        indices += [
            float(x)
            for x in re.findall(
                r'<td class="num">([\d.]+)</td>\s*<td class="num">[\d.]+</td>', table[: table.index("</table>")]
            )
        ]
    assert (last_page, len(seen), set(seen)) == (WIDE // 50, WIDE, counties)  # each once
    assert indices == sorted(indices, reverse=True)  # the highest burden index first, withheld places after
    past = await client.get(f"/dashboard/4401?period={MONTH}&page={last_page + 1}&lang=en", headers=supervisor)
    assert (past.status_code, "There is no page 41: the last is 40." in past.text) == (422, True)


async def test_a_search_by_code_or_name_reaches_every_township_of_a_province(client, province):
    rows, supervisor = province
    townships = {c for c, _p, level, _n in rows if level == "township"}
    found, number = [], 1
    while True:  # every place under 4402 has a code starting with it: the search pages through them all
        answer = await client.get(f"/dashboard/44?period={MONTH}&q=4402&page={number}&lang=en", headers=supervisor)
        assert answer.status_code == 200 and len(answer.content) < PAGE_LIMIT
        found += place_links(answer.text[answer.text.index('<ul class="found">') :])
        if 'rel="next"' not in answer.text:
            break
        number += 1
    assert townships <= set(found) and len(found) == len(set(found)) == DEEP[0] * (DEEP[1] + 1) + 1
    by_name = await client.get(f"/dashboard/44?period={MONTH}&q=深7县12镇", headers=supervisor)
    assert place_links(by_name.text[by_name.text.index('<ul class="found">') :]) == ["440207012"]
    assert (
        "1 place found for “深7县12镇”."
        in (await client.get(f"/dashboard/44?period={MONTH}&q=深7县12镇&lang=en", headers=supervisor)).text
    )


async def test_a_province_groups_its_thousands_of_flags_and_lists_the_rest_a_page_at_a_time(client, province):
    _rows, supervisor = province
    answer = await client.get(f"/dashboard/44?period={MONTH}&lang=en", headers=supervisor)
    assert answer.status_code == 200 and len(answer.content) < PAGE_LIMIT
    assert re.findall(r'<h3 class="flag-kind">([^<]+) <small>([^<]+)</small>', answer.text) == [
        ("Target above the population", "1000 flags"),
        ("Ranking or penalty", "1000 flags"),
        ("Counts app activity, not work", "1000 flags"),
    ]
    assert answer.text.count('<li class="flag ') == 9 and "997 more flags of this kind" in answer.text
    assert f'href="/dashboard/44/flags?period={MONTH}">All 3000 flags, a page at a time</a>' in answer.text
    listed = []
    for number in range(1, 21):
        page = await client.get(
            f"/dashboard/44/flags?period={MONTH}&kind=vanity_metric&page={number}&lang=en", headers=supervisor
        )
        assert page.status_code == 200 and len(page.content) < PAGE_LIMIT
        listed += re.findall(r"Flag number (\d+)\.", page.text)
    assert sorted(map(int, listed)) == list(range(1, FLAGS, 3))
    wrong = await client.get(f"/dashboard/44/flags?period={MONTH}&kind=nonsense&lang=en", headers=supervisor)
    assert (wrong.status_code, "Choose one of the kinds of flag listed on this page." in wrong.text) == (422, True)


async def test_the_printable_summary_of_a_wide_city_is_paged_too(client, province):
    _rows, supervisor = province
    answer = await client.get(f"/summaries/4401?period={MONTH}&page=3&lang=en", headers=supervisor)
    assert answer.status_code == 200 and len(answer.content) < PAGE_LIMIT
    assert "2,000 places, the highest burden index first; places 101 to 150 are shown." in answer.text


async def test_the_api_pages_children_and_flags_only_when_asked(client, province):
    _rows, supervisor = province
    whole = (await client.get(f"/api/burden/4401?period={MONTH}", headers=supervisor)).json()
    assert (len(whole["children"]), "children_total" in whole) == (WIDE, False)  # DESIGN.md §4 as it was
    paged = (await client.get(f"/api/burden/4401?period={MONTH}&page=2&limit=100", headers=supervisor)).json()
    assert (paged["children_total"], [c["region"]["code"] for c in paged["children"]]) == (
        WIDE,
        [f"4401{n:04d}" for n in range(100, 200)],
    )
    flags = (await client.get(f"/api/flags/44?period={MONTH}&limit=10&page=300", headers=supervisor)).json()
    assert (flags["total"], [f["message"] for f in flags["flags"]]) == (
        FLAGS,
        [f"Flag number {n}." for n in range(2990, 3000)],
    )
    assert len((await client.get(f"/api/flags/44?period={MONTH}", headers=supervisor)).json()["flags"]) == FLAGS
    for query, field in (
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("page=x", "page"),
        ("page=301&limit=10", "page"),
    ):
        bad = await client.get(f"/api/flags/44?period={MONTH}&{query}&lang=en", headers=supervisor)
        assert (bad.status_code, list(bad.json()["error"]["fields"])) == (422, [field])
