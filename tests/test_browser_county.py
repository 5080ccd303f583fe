"""A county set up from an empty store in a real browser, as an administrator would (issue 12's
"done when"): the first administrator from the link `jianfu serve` prints, a region file with an
error, fixed and imported, a supervisor invite and three cadre invites, a sheet printed, a cadre
signed up from the QR code on it, a forgotten password reset with a code handed over in person, two
duplicate tasks reported by two cadres and merged, and an account disabled while its session is
open. In Simplified Chinese, Traditional Chinese and English; the English run writes the README's
screenshots (docs/setup/*.png, with JIANFU_SETUP_SCREENSHOTS=1).

Skips with the reason when chromium or Playwright is missing, like tests/test_browser.py. `browser` is
conftest.py's: one chromium for the module, a context of its own for each phone."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from phone import AXE, BROWSER_TESTS
from servers import Server

from server.config import Settings
from server.web import i18n

# The README's screenshots are refreshed with JIANFU_SETUP_SCREENSHOTS=1; other runs write them to
# test-artifacts/ (ignored by git), so running the tests leaves the work tree clean.
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = (
    ROOT / "docs" / "setup" if os.environ.get("JIANFU_SETUP_SCREENSHOTS") == "1" else ROOT / "test-artifacts" / "setup"
)
PASSPHRASE = "county-setup-passphrase-7"
NEW_PASSPHRASE = "a new quiet river stone"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed (the test extra)")
expect = sync_api.expect
pytestmark = BROWSER_TESTS

HEADER = "code,parent,level,name,name_hant,population,households\n"
VILLAGES = [("360721105201", "上坪村", 3900), ("360721105202", "下坪村", 2100), ("360721105203", "石桥社区", 5400)]
GOOD = (
    HEADER
    + "360721,,county,青山县,青山縣,650000,\n360721105,360721,township,石桥镇,,21000,\n"
    + "".join(f"{c},360721105,village,{n},,{p},\n" for c, n, p in VILLAGES)
)
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


# What a phone reading each language asks for: links are opened exactly as printed, with no ?lang=.
PHONE_LOCALES = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en-US"}


def phone_page(browser: object, lang: str, script: bool = True) -> object:
    """A 360x640 phone set to `lang`; CSP bypassed only so that the axe check can be injected."""
    options = {
        "viewport": {"width": 360, "height": 640},
        "has_touch": True,
        "is_mobile": True,
        "bypass_csp": True,
        "java_script_enabled": script,
        "locale": PHONE_LOCALES[lang],
    }
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
    pixels = bytes(
        0 if (cx // scale, cy // scale) in dark else 255 for cy in range(size * scale) for cx in range(size * scale)
    )

    class Bitmap:
        __array_interface__ = {"shape": (size * scale, size * scale), "typestr": "|u1", "data": pixels, "version": 3}

    found = zxingcpp.read_barcodes(Bitmap())
    assert len(found) == 1
    return found[0].text


def first_admin(page: object, server: Server, lang: str) -> None:
    link = re.search(r"(http://\S+/first-admin\?code=\S+)", server.log()).group(1)
    page.goto(link)
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
    accessible(page)  # no region yet
    follow(page, page.get_by_role("link", name=words(lang, "Import the region file")))
    accessible(page)
    for text in (BAD, GOOD):
        page.set_input_files(
            "input[name=file]",
            files=[
                {
                    "name": "regions.csv",
                    "mimeType": "text/csv",
                    "buffer": text.encode("gbk" if text is BAD else "utf-8-sig"),
                }
            ],
        )
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
    accessible(page)
    shot(page, lang, "4-region-file-checked")
    # The progress page reloads itself until the import is done (no script needed).
    follow(page, page.locator("button.primary"))
    expect(page.locator("h1")).to_have_text(words(lang, "Importing regions"))
    expect(page.locator(".saved")).to_have_text(
        words(lang, "Done: %(created)s regions created, %(updated)s updated.", created="5", updated="0"), timeout=30_000
    )
    accessible(page)
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
    page = phone_page(browser, lang, script=lang != "zh-Hant")
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
    shangping = sign_up(browser, fresh_server, link, codes[0], "shangping1", lang)

    # The administrator sees the new cadre account under the village, and one use fewer.
    page.emulate_media(media="screen")
    page.goto(fresh_server.url + "/admin/regions/360721105")
    assert page.locator("tbody tr").first.locator("td.num").all_inner_texts() == ["3,900", "1"]
    page.goto(f"{fresh_server.url}/invites/{codes[0]}")
    with i18n.in_locale(lang):
        left = i18n.ngettext("%(num)s use left", "%(num)s uses left", 2)
    expect(page.locator(".sheet p").last).to_contain_text(left)

    reset_forgotten_password(page, shangping, fresh_server, "shangping1", lang)
    # A colleague in the next village signs up from their own sheet; both report the same demand.
    xiaping = sign_up(browser, fresh_server, f"{fresh_server.url}/signup?code={codes[1]}", codes[1], "xiaping1", lang)
    merge_duplicate_tasks(page, fresh_server, lang, {"反诈助手注册": shangping, "反诈APP注册": xiaping})
    disable_an_account(page, xiaping, fresh_server, "xiaping1", lang)


def sign_up(browser: object, server: Server, link: str, code: str, username: str, lang: str) -> object:
    """A cadre opens exactly the sign-up link, on their own phone; signed in, on Today."""
    cadre = phone_page(browser, lang)
    cadre.goto(link)
    expect(cadre.locator("input[name=code]")).to_have_value(code)
    accessible(cadre)
    cadre.fill("input[name=username]", username)
    cadre.fill("input[name=password]", PASSPHRASE)
    cadre.locator("button.primary").tap()
    cadre.wait_for_url(server.url + "/")
    expect(cadre.locator("nav.tabs a").first).to_have_text(words(lang, "Today"))
    return cadre


def accounts_of(page: object, server: Server, region: str, lang: str) -> None:
    page.goto(f"{server.url}/admin/users?region={region}&role=cadre")
    expect(page.locator("h1")).to_have_text(words(lang, "User accounts"))


def reset_forgotten_password(page: object, cadre: object, server: Server, username: str, lang: str) -> None:
    """Signed out (a shared phone), the cadre no longer knows the password. The administrator makes a
    reset code and hands it over; the cadre sets a new password with it at /reset and lands on
    Today, and the new password signs in from then on."""
    cadre.context.clear_cookies()
    accounts_of(page, server, VILLAGES[0][0], lang)
    accessible(page)
    follow(page, page.locator(f'form[action="/admin/users/{username}/reset"] button'))
    code = page.locator("#reset-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    accessible(page)
    shot(page, lang, "8-reset-code")
    sign_in(cadre, server, username, PASSPHRASE + "?", lang)  # not quite what they chose
    expect(cadre.locator("p.error[role=alert]")).to_have_text(words(lang, "Wrong username or password."))
    follow(cadre, cadre.locator('a[href="/reset"]'))
    expect(cadre.locator("h1")).to_have_text(words(lang, "Set a new password"))
    accessible(cadre)
    cadre.fill("input[name=username]", username)
    cadre.fill("input[name=code]", code)
    cadre.fill("input[name=new_password]", NEW_PASSPHRASE)
    shot(cadre, lang, "9-new-password")
    cadre.locator("button.primary").tap()
    cadre.wait_for_url(server.url + "/")
    expect(cadre.locator("nav.tabs a").first).to_have_text(words(lang, "Today"))
    cadre.context.clear_cookies()  # from then on the new password signs in, the old one no more
    sign_in(cadre, server, username, PASSPHRASE, lang)
    expect(cadre.locator("p.error[role=alert]")).to_have_text(words(lang, "Wrong username or password."))
    sign_in(cadre, server, username, NEW_PASSPHRASE, lang)
    expect(cadre.locator("nav.tabs a").first).to_have_text(words(lang, "Today"))


def sign_in(page: object, server: Server, username: str, password: str, lang: str) -> None:
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    follow(page, page.locator("button[type=submit]"))


def report_task(cadre: object, server: Server, title: str) -> None:
    """A cadre adds a quota of a task no one has described yet: 9,000 registrations in their village."""
    cadre.goto(server.url + "/quota")
    accessible(cadre)
    cadre.select_option("select[name=task]", "new")
    cadre.fill("input[name=title]", title)
    cadre.fill("input[name=target]", "9000")
    cadre.locator("button.primary").tap()
    expect(cadre.locator(".flag-note.critical")).to_be_visible()  # sent, and answered with its flag


def merge_duplicate_tasks(page: object, server: Server, lang: str, reporters: dict[str, object]) -> None:
    """Two cadres describe the same demand in other words; the administrator merges one into the other."""
    for title, cadre in reporters.items():
        report_task(cadre, server, title)
    kept, duplicate = reporters
    page.goto(server.url + "/admin/tasks")
    titles = page.locator("ul.curated").first.locator("li strong")
    expect(titles).to_have_count(2)
    assert sorted(titles.all_inner_texts()) == sorted(reporters)
    accessible(page)
    shot(page, lang, "10-duplicate-tasks")

    def option(select: str, title: str) -> str:
        return page.locator(f"{select} option", has_text=title).get_attribute("value")

    kept_id, duplicate_id = option("#tasks-into", kept), option("#tasks-source", duplicate)
    page.select_option("#tasks-source", duplicate_id)
    page.select_option("#tasks-into", kept_id)
    follow(page, page.locator('form[action="/admin/tasks/merge"] button'))
    expect(page.locator("ul.curated").first.locator("li:not(.hidden-item) strong")).to_have_text([kept])
    shot(page, lang, "11-tasks-merged")
    page.goto(server.url + "/admin/audit")
    expect(page.locator("ul.log li").first).to_contain_text(f"{duplicate} → {kept}")
    accessible(page)
    # Both reporters now find the task kept, and only it, where they pick a task.
    for cadre in reporters.values():
        cadre.goto(server.url + "/quota")
        offered = cadre.locator("select[name=task] option").evaluate_all("options => options.map(o => o.value)")
        assert offered == ["new", kept_id], duplicate_id


def disable_an_account(page: object, cadre: object, server: Server, username: str, lang: str) -> None:
    """The cadre's session is open on their phone; disabled, it ends at once and signing in is refused."""
    expect(cadre.locator("nav.tabs")).to_be_visible()
    accounts_of(page, server, VILLAGES[1][0], lang)
    follow(page, page.locator(f'form[action="/admin/users/{username}/disable"] button'))
    expect(page.locator(f'form[action="/admin/users/{username}/enable"] button')).to_be_visible()
    accessible(page)
    shot(page, lang, "12-account-disabled")
    cadre.goto(server.url + "/history")
    assert cadre.url.startswith(server.url + "/login")
    sign_in(cadre, server, username, PASSPHRASE, lang)
    expect(cadre.locator("p.error[role=alert]")).to_have_text(
        words(lang, "This account has been disabled. Ask your administrator to enable it again.")
    )
    accessible(cadre)
