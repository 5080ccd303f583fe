"""create_app(settings) -> Starlette: routes, middleware, error mapping and lifespan."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope
from tortoise.contrib.starlette import RegisterTortoise

from server import db
from server.config import Settings
from server.services import feed, import_jobs, publication
from server.web import auth, i18n
from server.web.api.openapi import openapi_document
from server.web.api.routes import api_routes
from server.web.errors import ApiError, NotFound, Unauthenticated, redacted_traceback, store_failure
from server.web.i18n import gettext as _
from server.web.middleware import BodyLimit, SecurityHeaders, ServerErrors
from server.web.pages.render import error_page
from server.web.pages.routes import page_routes
from server.web.parse import local_today
from server.web.templating import STATIC_DIR, build_templates, static_url
from server.web.throttle import LoginThrottle

log = logging.getLogger("jianfu")


def _log_to_stderr() -> None:
    """Our own log lines (errors with their tracebacks, feed retries) go to stderr like uvicorn's.
    No line carries a client address or user agent: nothing here is given one."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


async def api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    if wants_json(request):
        headers = {"retry-after": str(error.retry_after)} if hasattr(error, "retry_after") else None
        return JSONResponse(error.body(), status_code=error.status, headers=headers)
    if isinstance(error, Unauthenticated):
        return RedirectResponse("/login", status_code=303)
    # A page says what is wrong with each field in words ("There is no page 41"), not its name.
    return await error_page(request, " ".join(error.fields.values()) or error.message, error.status)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if not wants_json(request):
        # No handler ran, so nothing applied the signed-in person's language yet: the words below
        # must be in it (a cadre reading Traditional Chinese got "Not found." in English).
        await auth.current_user(request)
    found = NotFound() if error.status_code == 404 else ApiError(_("This method is not allowed here."))
    found.status = error.status_code
    return await api_error(request, found)


async def server_error(request: Request, error: Exception) -> Response:
    """The answer to an error no handler caught (middleware.ServerErrors; Starlette's own handler
    for one in the middleware itself). The log gets where it happened, never the request line (no
    addresses, no agents) nor the error's message (it can quote what a person typed)."""
    tag = request.scope.get("state", {}).get("locale") or i18n.negotiate(request)
    with i18n.in_locale(tag):
        away = store_failure(error)
        if away is not None:  # the store is down or full: say so, and when to try again
            log.error("store unavailable: %s", type(error).__name__)
            response = (
                await api_error(request, away)
                if wants_json(request)
                else await error_page(request, away.message, away.status, reach_store=False)
            )
            response.headers["retry-after"] = str(away.retry_after)
        else:
            log.error("unhandled error: %s", redacted_traceback(error))
            failure = ApiError(_("Something went wrong on our side. Nothing was saved from this request."))
            failure.status, failure.code = 500, "internal"
            response = await api_error(request, failure)
    response.headers["content-language"] = tag
    return response


class HashedStaticFiles(StaticFiles):
    """/static with caching to match its URLs: the pages link `static_url(name)`, which carries the
    file's content hash (`?v=`), so that exact URL never changes content and phones may keep it a
    year without asking again. Any other URL of a file (no hash, an old one, the worker's template
    sw.js) is revalidated each time."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            name = path.replace(os.sep, "/")
            sent = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [])
            hashed = name != "sw.js" and len(sent) == 1 and f"/static/{name}?v={sent[0]}" == static_url(name)
            response.headers["cache-control"] = "public, max-age=31536000, immutable" if hashed else "no-cache"
        return response


def create_app(settings: Settings | None = None, *, manage_store: bool = True) -> Starlette:
    """The application; tests pass manage_store=False and open the store themselves."""
    settings = settings or Settings.from_env()
    _log_to_stderr()
    i18n.load_catalogs(settings.locales_dir)
    app = Starlette(
        routes=[*api_routes, *page_routes, Mount("/static", HashedStaticFiles(directory=STATIC_DIR), name="static")],
        middleware=_middleware(settings),
        exception_handlers={ApiError: api_error, HTTPException: http_error, Exception: server_error},
        lifespan=_lifespan(settings, manage_store),
    )
    app.state.settings = settings
    app.state.throttle = LoginThrottle(settings.secret)
    app.state.templates = build_templates()
    app.state.openapi = openapi_document()
    return app


def _middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: compression, the reader's language, security headers, the body limit, and
    innermost the catch-all for errors, so a 500 carries the security headers too."""
    return [
        Middleware(GZipMiddleware, minimum_size=500),
        Middleware(i18n.LocaleMiddleware),
        Middleware(SecurityHeaders, https=settings.https),
        Middleware(
            BodyLimit,
            max_bytes=settings.max_body_bytes,
            uploads={"/admin/regions/import": settings.max_upload_bytes},
        ),
        Middleware(ServerErrors, handler=server_error),  # inside SecurityHeaders: a 500 has them too
    ]


def _lifespan(settings: Settings, manage_store: bool) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """The store opened for the server's life, with the publication schedule (and the review feed
    when a webhook is set) running beside it until shutdown; nothing when the caller manages the store."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_store:
            yield
            return
        # RegisterTortoise keeps the ORM context reachable from the server's request tasks, which
        # do not inherit the lifespan task's context variables.
        async with RegisterTortoise(app, config=db.tortoise_config(settings.database_url), generate_schemas=False):
            stop = asyncio.Event()
            today = functools.partial(local_today, settings.timezone)
            loops = [asyncio.create_task(publication.run(settings, stop, today))]
            if settings.review_webhook:
                loops.append(asyncio.create_task(feed.run(settings, stop)))
            try:
                yield
            finally:
                stop.set()
                await asyncio.gather(*loops, import_jobs.drain())

    return lifespan
