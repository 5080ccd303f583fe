"""What supervisors and issuing offices read, as they read it: withheld figures in words and apart
from the numbers, a trend only when there is one, tasks that share a title told apart, and the
quota self-check at /check. In-process against a real store, in at least two languages each."""

from __future__ import annotations

import csv
import io
import re

import pytest
from burden_cases import PERIOD, VILLAGES, county_with_reporters
from conftest import AFTER, MONTH, PASSWORD, add_user, bearer, publish_month
from page_words import words_of

from server import models
from server.services.choices import TaskChoice, task_labels
from server.web.i18n import in_locale


async def published_county(client, settings, clock):
    supervisor, ids = await county_with_reporters(client)
    await publish_month(settings)
    clock.move_to(AFTER)
    return supervisor, ids


# --- Withheld figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "reporters", "remarks", "withheld"),
    [
        ("zh-Hant", "記錄的幹部", "備註", "不予公佈：少於 5 名幹部"),
        ("en", "Cadres who logged", "Remarks", "Withheld: fewer than 5 cadres"),
    ],
)
async def test_a_withheld_place_leaves_its_numbers_empty_and_says_why_in_words(
    village_client, village_settings, during_month, lang, reporters, remarks, withheld
):
    supervisor, _ids = await published_county(village_client, village_settings, during_month)
    text = (await village_client.get(f"/api/summaries/360721105.csv?{PERIOD}&lang={lang}", headers=supervisor)).text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = rows[1]
    places = rows[2 : rows.index([], 2)]
    assert all(row[header.index(reporters)] == "" or row[header.index(reporters)].isdigit() for row in places)
    hidden = [row for row in places if row[header.index(remarks)]]
    assert hidden and {row[header.index(remarks)] for row in hidden} == {withheld}
    assert all(row[header.index(reporters)] == "" for row in hidden)


@pytest.mark.parametrize(
    ("lang", "cell", "note"),
    [
        ("zh-Hans", "少于 5 名干部", "“少于 5 名干部”不是分数"),
        ("en", "fewer than 5 cadres", "“Fewer than 5 cadres” is not a score"),
    ],
)
async def test_a_withheld_burden_index_is_set_apart_and_explained_where_it_appears(
    village_client, village_settings, during_month, lang, cell, note
):
    supervisor, _ids = await published_county(village_client, village_settings, during_month)
    html = (await village_client.get(f"/dashboard/360721105?{PERIOD}&lang={lang}", headers=supervisor)).text
    cells = re.findall(
        r'<td class="withheld" aria-describedby="withheld-note"><span aria-hidden="true">\* </span>([^<]+)</td>', html
    )
    assert cells and set(cells) == {cell}
    explained = re.search(r'<p id="withheld-note" class="withheld-note">([^<]+)</p>', html).group(1)
    assert note in explained
    assert html.index('withheld-note" class') > html.index('<table class="places">')  # right below the table


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh-Hant", "只有一個月可以顯示：太少，看不出趨勢"), ("en", "Only one month to show: too few for a trend")],
)
async def test_a_trend_over_one_published_month_says_so_in_words(
    village_client, village_settings, during_month, lang, words
):
    supervisor, _ids = await published_county(village_client, village_settings, during_month)
    html = (await village_client.get(f"/dashboard/360721?{PERIOD}&lang={lang}", headers=supervisor)).text
    trends = re.findall(r'<td class="trend">(.*?)</td>', html, re.S)
    assert trends and set(trends) == {words}
    assert "spark-dot" not in html


# --- Tasks that share a title -------------------------------------------------------------------


def test_namesakes_are_told_apart_by_what_differs():
    from datetime import date

    tasks = [
        TaskChoice(1, "反诈助手注册", "青山县", date(2026, 11, 1), date(2026, 11, 30), "registrations"),
        TaskChoice(2, "反诈助手注册", "青山县", date(2026, 10, 1), date(2026, 10, 31), "registrations"),
        TaskChoice(3, "入户走访", "城关镇", date(2026, 11, 1), date(2026, 11, 30), "visits"),
        TaskChoice(4, "学习", "青山县", date(2026, 11, 1), date(2026, 11, 15), "study_time"),
        TaskChoice(5, "学习", "石桥镇", date(2026, 11, 1), date(2026, 11, 15), "study_time"),
        TaskChoice(6, "转发", "石桥镇", date(2026, 11, 1), date(2026, 11, 30), "reposts"),
        TaskChoice(7, "转发", "石桥镇", date(2026, 11, 1), date(2026, 11, 30), "reposts"),
    ]
    with in_locale("zh-Hans"):
        chinese = task_labels(tasks)
    with in_locale("en"):
        english = task_labels(tasks)
    assert chinese == {
        1: "反诈助手注册 · 2026年11月",
        2: "反诈助手注册 · 2026年10月",
        3: "入户走访",
        4: "学习 · 青山县",
        5: "学习 · 石桥镇",
        6: "转发 · 石桥镇 · 2026年11月 · 第 1 个",
        7: "转发 · 石桥镇 · 2026年11月 · 第 2 个",
    }
    assert (english[1], english[2], english[6]) == (
        "反诈助手注册 · Nov 2026",
        "反诈助手注册 · Oct 2026",
        "转发 · 石桥镇 · Nov 2026 · No. 1",
    )


def option_labels(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.mark.parametrize(
    ("lang", "months"), [("zh-Hant", ("2026年3月", "2026年2月")), ("en", ("Mar 2026", "Feb 2026"))]
)
async def test_the_quota_and_decision_forms_tell_namesake_tasks_apart(
    village_client, village_settings, during_month, lang, months
):
    supervisor, ids = await published_county(village_client, village_settings, during_month)
    admin = await bearer(village_client, "root")
    earlier = {
        "title": "反诈助手注册",
        "metric": "registrations",
        "issued_by": "360721",
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
    }
    other = (await village_client.post("/api/tasks", json=earlier, headers=admin)).json()["id"]
    await village_client.post("/api/quotas", json={"task": other, "region": "360721105", "target": 900}, headers=admin)
    title = "反詐助手註冊" if lang == "zh-Hant" else "反诈助手注册"
    expected = [f"{title} · {months[0]}", f"{title} · {months[1]}"]

    await add_user("wang", "cadre", VILLAGES[0])
    login = await village_client.post("/login", data={"username": "wang", "password": PASSWORD})
    assert login.status_code == 303
    quota_form = (await village_client.get(f"/quota?lang={lang}")).text
    assert [label for label in option_labels(quota_form, "task") if title in label] == expected

    review = await village_client.post(
        "/api/reviews", json={"region": "360721105", "period": MONTH.key}, headers=supervisor
    )
    page = (await village_client.get(f"/reviews/{review.json()['id']}?lang={lang}", headers=supervisor)).text
    assert [label for label in option_labels(page, "task") if title in label] == expected


# --- The quota self-check -----------------------------------------------------------------------


def check_form(**fields: str) -> dict[str, str]:
    return {
        "metric": "monthly_active",
        "base": "population",
        "ranking": "none",
        "penalty": "none",
        "evidence": "none",
        **fields,
    }


async def stored_counts() -> dict[str, int]:
    kinds = (
        models.Task,
        models.Quota,
        models.QuotaRevision,
        models.ProgressPoint,
        models.Region,
        models.TimeEntry,
        models.Outcome,
        models.User,
        models.Token,
    )
    return {kind.__name__: await kind.all().count() for kind in kinds}


@pytest.mark.parametrize(
    ("lang", "message", "table_header"),
    [
        ("zh-Hans", "这个指标是上坪村户籍人口的 4.21 倍（3,000 对 712）。", "户籍人口"),
        ("zh-Hant", "這個指標是上坪村戶籍人口的 4.21 倍（3,000 對 712）。", "戶籍人口"),
        (
            "en",
            "This target is 4.21 times 上坪村's registered population (3,000 against 712).",
            "Registered population",
        ),
    ],
)
async def test_an_issuing_office_checks_a_quota_without_signing_in_and_nothing_is_stored(
    client, lang, message, table_header
):
    before = await stored_counts()
    form = check_form(place_1="上坪村", target_1="3,000", count_1="７１２", table="下坪村\t1,500\t2,000\n东塘 900 1100")
    answer = await client.post(f"/check?lang={lang}", data=form)
    assert answer.status_code == 200
    words = words_of(answer.text)
    assert message in words and table_header in words
    places = re.findall(
        r'<tr class="[a-z]*"><th scope="row">([^<]+)</th><td class="num">([^<]+)</td>'
        r'<td class="num">([^<]+)</td><td class="num">([^<]+)</td>',
        answer.text,
    )
    assert places == [
        ("上坪村", "3,000", "712", "4.21"),
        ("下坪村", "1,500", "2,000", "0.75"),
        ("东塘", "900", "1,100", "0.82"),
    ]
    assert await stored_counts() == before
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("lang", "escalation"),
    [
        ("zh-Hans", "你的单位接到的指标是 2,000，派给下辖地方的合计却是 3,900：层层加码到 1.95 倍。"),
        ("en", "Your office passed 3,900 down to its places against the 2,000 it received: 1.95 times."),
    ],
)
async def test_the_self_check_answers_the_task_flags_and_escalation_a_cadre_would_get(client, lang, escalation):
    form = check_form(
        metric="registrations",
        ranking="weekly",
        evidence="gps_trace",
        received="2000",
        place_1="上坪村",
        target_1="3000",
        count_1="9000",
        place_2="下坪村",
        target_2="900",
        count_2="5000",
    )
    words = words_of((await client.post(f"/check?lang={lang}", data=form)).text)
    assert escalation in words
    kinds = {
        "zh-Hans": ("这个任务对承担的地区排名，或处罚排名靠后的地区。",),
        "en": ("This task ranks the regions that carry it or punishes the last ones.",),
    }[lang]
    assert all(k in words for k in kinds)


@pytest.mark.parametrize(
    ("lang", "errors"),
    [
        (
            "zh-Hant",
            {
                "target_1-error": "須為整數。",
                "count_2-error": "此項必填。",
                "table-error": "每行要有一個地方，後面是它的指標和人數，都是大於零的整數。請看第 2 行。",
            },
        ),
        (
            "en",
            {
                "target_1-error": "Must be a whole number.",
                "count_2-error": "This field is required.",
                "table-error": (
                    "Each line needs a place, then its target and its count as whole numbers above zero. "
                    "Look at line 2."
                ),
            },
        ),
    ],
)
async def test_bad_rows_are_named_under_their_fields_in_the_readers_language(client, lang, errors):
    form = check_form(
        place_1="上坪村",
        target_1="abc",
        count_1="712",
        place_2="下坪村",
        target_2="50",
        table="地方\t指标\t人口\n东塘\t0\t100",
    )
    answer = await client.post(f"/check?lang={lang}", data=form)
    assert answer.status_code == 422
    shown = dict(re.findall(r'<p class="error" id="([^"]+)">([^<]+)</p>', answer.text))
    assert shown == errors
    assert 'name="target_1" value="abc"' in answer.text  # what was typed stays to be corrected


async def test_an_empty_check_asks_for_a_place(client):
    answer = await client.post("/check?lang=en", data=check_form())
    assert answer.status_code == 422
    assert "Enter at least one place with its target and count, or paste a table." in words_of(answer.text)


async def test_the_self_check_refuses_another_sites_form_and_a_session_without_its_token(client):
    refused = await client.post(
        "/check?lang=en",
        data=check_form(place_1="a", target_1="1", count_1="1"),
        headers={"sec-fetch-site": "cross-site"},
    )
    assert refused.status_code == 403
    await add_user("li", "cadre", None)
    assert (await client.post("/login", data={"username": "li", "password": PASSWORD})).status_code == 303
    without = await client.post("/check?lang=en", data=check_form(place_1="a", target_1="1", count_1="1"))
    assert without.status_code == 403
    page = (await client.get("/check")).text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert (
        await client.post("/check", data=check_form(csrf=token, place_1="a", target_1="1", count_1="1"))
    ).status_code == 200


async def test_the_self_check_is_throttled_per_address(client):
    form = check_form(place_1="a", target_1="1", count_1="1")
    statuses = [(await client.post("/check?lang=en", data=form)).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    late = await client.post("/check?lang=en", data=form)
    assert late.status_code == 429 and int(late.headers["retry-after"]) > 0
