"""Rendering a page with what every page needs: the user, the CSRF token, the language switch."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.models import User
from server.web import auth
from server.web.context import csrf_of, settings_of, writer


async def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    user = await auth.current_user(request)
    base = {"user": user, "csrf": csrf_of(request) if user else ""}
    return request.app.state.templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)


async def form_writer(request: Request, *roles: str) -> tuple[User, FormData]:
    """The user behind a form post (same-site, with the form's CSRF token) and the form."""
    form = await request.form()
    user = await writer(request, *roles, form_token=str(form.get("csrf", "")))
    return user, form


def signed_in(request: Request, token: str, to: str = "/") -> Response:
    response = RedirectResponse(to, status_code=303)
    settings = settings_of(request)
    response.set_cookie(
        auth.COOKIE,
        token,
        max_age=settings.session_days * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )
    return response


def go(to: str) -> Response:
    return RedirectResponse(to, status_code=303)


async def error_page(request: Request, message: str, status_code: int, reach_store: bool = True) -> Response:
    """An error as a page; after a server failure nothing more is asked of the store."""
    if status_code >= 500 or not reach_store:
        context = {"user": None, "csrf": "", "message": message}
        return request.app.state.templates.TemplateResponse(request, "error.html", context, status_code=status_code)
    return await page(request, "error.html", status_code=status_code, message=message)
