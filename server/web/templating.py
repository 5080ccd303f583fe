"""The one Jinja2 environment: gettext bound to the request's locale, Babel filters, static URLs."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import jinja2
from starlette.templating import Jinja2Templates

from server.config import PROJECT_ROOT
from server.web import i18n, messages

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


@cache
def static_url(name: str) -> str:
    """/static/app.css?v=<content hash>: a new file is a new URL, so phones may cache forever."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


def build_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals.update(
        static_url=static_url,
        languages=i18n.language_names,
        current_locale=i18n.current_locale,
        localized_name=i18n.localized_name,
        format_minutes=i18n.format_minutes,
    )
    env.filters.update(
        number=i18n.format_number,
        share=i18n.format_share,
        day=i18n.format_day,
        minutes=i18n.format_minutes,
        words=messages.render,
    )
    return Jinja2Templates(env=env)
