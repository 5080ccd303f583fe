"""The installable shell: manifest, service worker (with the content-hashed precache list) and the
offline page. The service worker is served from the root so that it controls every page."""

from __future__ import annotations

import hashlib
import json

from starlette.requests import Request
from starlette.responses import Response

from server.web.i18n import current_locale
from server.web.i18n import gettext as _
from server.web.templating import STATIC_DIR, static_url

STATIC_FILES = [
    "app.css",
    "app.js",
    "outbox.js",
    "checks.js",
    "items.js",
    "quota.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
]


def precache_urls() -> list[str]:
    return [static_url(name) for name in STATIC_FILES]


async def service_worker(request: Request) -> Response:
    urls = precache_urls()
    version = hashlib.sha256("".join(urls).encode() + (STATIC_DIR / "sw.js").read_bytes()).hexdigest()[:12]
    # no-cache: the browser asks for a new worker on every visit, and hears 304 while there is none.
    headers = {"cache-control": "no-cache", "etag": f'"{version}"'}
    if request.headers.get("if-none-match") == headers["etag"]:
        return Response(status_code=304, headers=headers)
    script = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    script = (
        script.replace("__VERSION__", version)
        .replace('"__PRECACHE__"', json.dumps(urls))
        .replace("__OUTBOX__", static_url("outbox.js"))
    )
    return Response(script, media_type="text/javascript", headers=headers)


async def manifest(request: Request) -> Response:
    body = {
        "name": _("Jianfu: burden ledger"),
        "short_name": _("Jianfu"),
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "lang": current_locale(),
        "background_color": "#fafaf9",
        "theme_color": "#9b1c1c",
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static_url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/manifest+json")


async def offline(request: Request) -> Response:
    """Drawn for nobody: the worker keeps it for whoever uses the phone next, so it carries no
    account, token or tabs of the person who happened to be signed in when it was fetched."""
    return request.app.state.templates.TemplateResponse(request, "offline.html", {"user": None, "csrf": ""})
