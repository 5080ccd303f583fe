"""Small helpers the API and page handlers share: settings, today, the caller as a reporter, CSRF."""

from __future__ import annotations

import hmac
import secrets
from datetime import date

from starlette.requests import Request

from server.config import Settings
from server.domain import pseudonyms
from server.models import User
from server.web import auth
from server.web.errors import Forbidden
from server.web.i18n import gettext as _
from server.web.parse import local_today


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def today_of(request: Request) -> date:
    return local_today(settings_of(request).timezone)


def reporter_key_of(request: Request, user: User) -> str:
    return pseudonyms.reporter_key(settings_of(request).secret, user.id)


def quota_key_of(request: Request, user: User) -> str:
    return pseudonyms.quota_reporter_key(settings_of(request).secret, user.id)


def csrf_of(request: Request) -> str:
    """The session's CSRF token, masked afresh for every page (a random pad, then the token XOR the
    pad): pages are gzip'd, and a secret repeated unchanged in compressed pages that also echo
    what someone typed can be guessed from their sizes (BREACH). A masked token never repeats."""
    token = bytes.fromhex(auth.csrf_token(settings_of(request).secret, request))
    pad = secrets.token_bytes(len(token))
    return (pad + bytes(a ^ b for a, b in zip(pad, token, strict=True))).hex()


def _unmasked(sent: str) -> str:
    try:
        raw = bytes.fromhex(sent)
    except ValueError:
        return ""
    half = len(raw) // 2
    return (
        bytes(a ^ b for a, b in zip(raw[:half], raw[half:], strict=True)).hex() if len(raw) == 2 * half and half else ""
    )


async def writer(request: Request, *roles: str, form_token: str | None = None) -> User:
    """The user behind a write. A cookie-borne write must be same-site and carry the CSRF token."""
    user = await auth.require_user(request, *roles)
    check_csrf(request, form_token)
    return user


def check_csrf(request: Request, form_token: str | None = None) -> None:
    """A request carrying the session cookie must be same-site and carry the CSRF token (the form's,
    or the X-CSRF-Token header); one with a bearer token or none needs neither."""
    _token, from_cookie = auth.presented_token(request)
    if from_cookie:
        auth.check_same_origin(request)
        sent = form_token if form_token is not None else request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(_unmasked(sent), auth.csrf_token(settings_of(request).secret, request)):
            raise Forbidden(_("This form has expired. Please reload the page and try again."))
