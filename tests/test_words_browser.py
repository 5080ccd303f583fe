"""The self-check and the supervisors' tables in a real browser (Debian's chromium, 360 px wide)
against the demo county: /check works without JavaScript and has no serious axe violation, and
every table's columns line up with their headers. Skips with the reason when chromium, Playwright
or axe-core is missing."""

from __future__ import annotations

import pytest
from phone import AXE, BROWSER_TESTS

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
pytestmark = BROWSER_TESTS


def phone(browser, **options):
    return browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True, **options).new_page()


def submit(page) -> None:
    """Send the form and wait for the answer's page to have loaded: read before, the page may be
    the old one or a document still being replaced (a CI run read `documentElement` as null)."""
    with page.expect_navigation():
        page.click("button[type=submit]")


@pytest.mark.parametrize(
    ("lang", "flag"),
    [
        ("zh-Hant", "這個指標是上坪村戶籍人口的 4.21 倍（3,000 對 712）。"),
        ("en", "This target is 4.21 times 上坪村's registered population (3,000 against 712)."),
    ],
)
def test_an_office_checks_a_quota_on_a_phone_without_javascript(demo, lang, flag, browser):
    page = phone(browser, java_script_enabled=False)
    page.goto(f"{demo}/check?lang={lang}")
    page.select_option("select[name=metric]", "monthly_active")
    page.fill("input[name=place_1]", "上坪村")
    page.fill("input[name=target_1]", "3000")
    page.fill("input[name=count_1]", "712")
    page.fill("textarea[name=table]", "下坪村\t1,500\t2,000")
    submit(page)
    messages = page.locator(".flag .message").all_inner_texts()
    rows = page.locator(".check-answer tbody th").all_inner_texts()
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert flag in messages
    assert rows == ["上坪村", "下坪村"]
    assert wide <= 360


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (cd tests/axe && npm ci)")
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_the_self_check_and_its_answer_have_no_serious_accessibility_violations(demo, lang, browser):
    page = phone(browser, bypass_csp=True)  # axe is injected inline
    found = []
    page.goto(f"{demo}/check?lang={lang}")
    for answered in (False, True):
        if answered:
            page.fill("input[name=place_1]", "上坪村")
            page.fill("input[name=target_1]", "abc")  # an error under a field, and
            page.fill("textarea[name=table]", "下坪村\t9000\t2000")
            submit(page)
            page.fill("input[name=target_1]", "3000")
            page.fill("input[name=count_1]", "712")
            submit(page)  # then an answer with flags
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found += [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert found == []


COLUMN_ALIGNMENT = """table => {
  const heads = [...table.querySelectorAll('thead th')].map(th => getComputedStyle(th).textAlign);
  const rows = [...table.querySelectorAll('tbody tr')].filter(tr => tr.children.length === heads.length);
  return rows.flatMap(tr => [...tr.children].map((cell, i) => [i, heads[i], getComputedStyle(cell).textAlign]))
             .filter(([i, head, cell]) => head !== cell);
}"""


def sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "jianfu-demo")
    submit(page)


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_every_supervisor_table_lines_its_values_up_with_their_headers(demo, lang, browser):
    page = phone(browser)
    sign_in(page, demo, "supervisor")
    page.goto(f"{demo}/reviews?lang={lang}")
    review = page.locator("a[href^='/reviews/']").first.get_attribute("href")
    misaligned = {}
    for path in (review, "/reviews", "/dashboard/360721", "/dashboard/360721105", "/method"):
        page.goto(f"{demo}{path}?lang={lang}")
        tables = page.locator("table")
        misaligned[path] = [tables.nth(i).evaluate(COLUMN_ALIGNMENT) for i in range(tables.count())]
    decisions = page.goto(f"{demo}{review}?lang={lang}") and page.locator("table.decisions tbody tr").count()
    assert decisions >= 1
    assert misaligned == {path: [[] for _ in tables] for path, tables in misaligned.items()}
