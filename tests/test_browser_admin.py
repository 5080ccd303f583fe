"""A county set up from an empty store in a real browser, as an administrator would (issue 12): the
first administrator from the link `jianfu serve` prints, a region file with an error, fixed and
imported, a supervisor invite and three cadre invites, a sheet printed, and a cadre signed up from
the QR code on it. In Simplified Chinese, Traditional Chinese and English; the English run writes
the README's screenshots (docs/setup/*.png, with JIANFU_SETUP_SCREENSHOTS=1).

Skips with the reason when chromium or Playwright is missing, like tests/test_browser.py."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

import pytest

from server import i18n
from server.config import Settings
from servers import Server

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
# The README's screenshots are refreshed with JIANFU_SETUP_SCREENSHOTS=1; other runs write them to
# test-artifacts/ (ignored by git), so running the tests leaves the work tree clean.
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "setup" if os.environ.get("JIANFU_SETUP_SCREENSHOTS") == "1" else ROOT / "test-artifacts" / "setup"
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PASSPHRASE = "county-setup-passphrase-7"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed (the test extra)")
expect = sync_api.expect
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")

HEADER = "code,parent,level,name,name_hant,population,households\n"
VILLAGES = [("360721105201", "上坪村", 3900), ("360721105202", "下坪村", 2100), ("360721105203", "石桥社区", 5400)]
GOOD = HEADER + "360721,,county,青山县,青山縣,650000,\n360721105,360721,township,石桥镇,,21000,\n" + "".join(f"{c},360721105,village,{n},,{p},\n" for c, n, p in VILLAGES)
# Line 4: the population of 上坪村 typed in words.
BAD = GOOD.replace("上坪村,,3900", "上坪村,,三千九百")

i18n.load_catalogs(Settings().locales_dir)


def words(lang: str, message: str, **variables: object) -> str:
    """A message as the app says it in `lang` (the catalogs the server uses)."""
    with i18n.in_locale(lang):
        return i18n.gettext(message, **variables)


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """`jianfu serve` on an empty SQLite store: no region, no account."""
    server = Server(f"sqlite://{tmp_path}/county.sqlite3", tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def phone_page(browser: object, script: bool = True) -> object:
    """A 360x640 phone; CSP bypassed only so that the axe check can be injected."""
    options = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True, "bypass_csp": True, "java_script_enabled": script}
    context = browser.new_context(**options)
    context.javascript_on = script  # axe runs only where scripts do
    return context.new_page()


def shot(page: object, lang: str, name: str) -> None:
    """The README's screenshots come from the English run."""
    if lang == "en":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, type="png")


def follow(page: object, target: object) -> None:
    """Tap a link or a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        target.tap()


def accessible(page: object) -> None:
    if not AXE.exists() or not page.context.javascript_on:
        return
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in ("serious", "critical")] == []


def qr_text(svg: str) -> str:
    """Decode the sheet's QR code: the modules are read back from the SVG path (segno draws each row
    of dark modules as horizontal strokes), drawn as a bitmap and given to zxing-cpp."""
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?:\s(-?[\d.]+))?", re.search(r' d="([^"]+)"', svg).group(1)):
        if command in "Mm":
            x, y = (float(a), float(b)) if command == "M" else (x + float(a), y + float(b))
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(float(a))))
            x += float(a)
    size, scale = max(max(p) for p in dark) + 5, 4
    pixels = bytes(0 if (cx // scale, cy // scale) in dark else 255 for cy in range(size * scale) for cx in range(size * scale))

    class Bitmap:
        __array_interface__ = {"shape": (size * scale, size * scale), "typestr": "|u1", "data": pixels, "version": 3}

    found = zxingcpp.read_barcodes(Bitmap())
    assert len(found) == 1
    return found[0].text


def first_admin(page: object, server: Server, lang: str) -> None:
    link = re.search(r"(http://\S+/first-admin\?code=\S+)", server.log()).group(1)
    page.goto(f"{link}&lang={lang}")
    expect(page.locator("h1")).to_have_text(words(lang, "The first administrator"))
    page.fill("input[name=username]", "chief")
    accessible(page)
    page.fill("input[name=password]", PASSPHRASE)
    shot(page, lang, "1-first-admin")
    page.locator("button.primary").tap()
    page.wait_for_url(server.url + "/admin")
    expect(page.locator("h1")).to_have_text(words(lang, "Administration"))
    accessible(page)
    shot(page, lang, "2-admin-home")


def import_regions(page: object, server: Server, lang: str) -> None:
    follow(page, page.get_by_role("link", name=words(lang, "Regions"), exact=True))
    follow(page, page.get_by_role("link", name=words(lang, "Import the region file")))
    accessible(page)
    for text in (BAD, GOOD):
        page.set_input_files("input[name=file]", files=[{"name": "regions.csv", "mimeType": "text/csv", "buffer": text.encode("gbk" if text is BAD else "utf-8-sig")}])
        follow(page, page.locator("button.primary"))
        if text is BAD:
            cells = page.locator("table.problems tbody td").all_inner_texts()
            assert cells == ["4", "population", words(lang, "Must be a whole number.")]
            accessible(page)
            shot(page, lang, "3-region-file-with-an-error")
            follow(page, page.get_by_role("link", name=words(lang, "Check another file")))
    with i18n.in_locale(lang):
        created = i18n.ngettext("%(num)s region will be created", "%(num)s regions will be created", 5)
    expect(page.locator(".counts li").first).to_have_text(created)
    shot(page, lang, "4-region-file-checked")
    follow(page, page.locator("button.primary"))
    expect(page.locator(".saved")).to_have_text(words(lang, "Done: %(created)s regions created, %(updated)s updated.", created="5", updated="0"), timeout=30_000)
    page.goto(server.url + "/admin/regions/360721105")
    expect(page.locator("tbody tr")).to_have_count(3)
    accessible(page)
    shot(page, lang, "5-region-tree")


def make_invite(page: object, server: Server, region: str, role: str, uses: int) -> str:
    page.goto(server.url + "/invites")
    page.fill("input[name=region]", region)
    page.select_option("select[name=role]", role)
    page.fill("input[name=uses]", str(uses))
    page.locator("button.primary").tap()
    page.wait_for_url(re.compile(r"/invites/[0-9A-Z-]+$"))
    return page.locator(".sheet .code").inner_text()


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_an_admin_sets_up_a_county_from_an_empty_store(fresh_server, browser, lang):
    # In Traditional Chinese the administrator's browser runs no script: every step works without
    # it (the import's progress page reloads itself), only the axe check is left out there.
    page = phone_page(browser, script=lang != "zh-Hant")
    first_admin(page, fresh_server, lang)
    import_regions(page, fresh_server, lang)

    supervisor_code = make_invite(page, fresh_server, "360721", "supervisor", 1)
    codes = [make_invite(page, fresh_server, code, "cadre", 3) for code, _name, _population in VILLAGES]
    page.goto(fresh_server.url + "/invites")
    listed = page.locator("ul.entries li").all_inner_texts()
    assert [line.split("…")[0] for line in listed] == [c[:4] for c in [*reversed(codes), supervisor_code]]
    accessible(page)
    shot(page, lang, "6-invites")

    # The sheet of the first village, as it prints: no bars, no buttons, the QR code and the code.
    page.goto(f"{fresh_server.url}/invites/{codes[0]}")
    accessible(page)
    page.emulate_media(media="print")
    expect(page.locator("header.bar")).to_be_hidden()
    expect(page.locator(".noprint")).to_be_hidden()
    expect(page.locator(".qr-box svg")).to_be_visible()
    shot(page, lang, "7-invite-sheet-printed")
    assert page.pdf(format="A4")[:5] == b"%PDF-"
    link = qr_text(page.locator(".qr-box svg").evaluate("svg => svg.outerHTML"))
    assert link == f"{fresh_server.url}/signup?code={codes[0]}"

    # A cadre scans it on their own phone: the code is filled in, they choose a name and a password.
    cadre = phone_page(browser)
    cadre.goto(f"{link}&lang={lang}")
    expect(cadre.locator("input[name=code]")).to_have_value(codes[0])
    cadre.fill("input[name=username]", "shangping1")
    cadre.fill("input[name=password]", PASSPHRASE)
    cadre.locator("button.primary").tap()
    cadre.wait_for_url(fresh_server.url + "/")
    expect(cadre.locator("nav.tabs a").first).to_have_text(words(lang, "Today"))

    # The administrator sees the new cadre account under the village, and one use fewer.
    page.emulate_media(media="screen")
    page.goto(fresh_server.url + "/admin/regions/360721105")
    assert page.locator("tbody tr").first.locator("td.num").all_inner_texts() == ["3,900", "1"]
    page.goto(f"{fresh_server.url}/invites/{codes[0]}")
    expect(page.locator(".sheet p").last).to_contain_text("2")
