"""/check: the quota self-check for the offices that issue quotas, open without signing in. It
parses, checks and answers; nothing entered is stored (server/services/self_check.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.services import self_check
from server.web import auth, labels
from server.web.context import check_csrf, settings_of
from server.web.errors import ApiError
from server.web.i18n import gettext as _
from server.web.pages.account import with_retry_after
from server.web.pages.render import page


async def check_form(request: Request) -> Response:
    return await page(request, "check.html", **context({}, {}))


async def run_check(request: Request) -> Response:
    auth.check_same_origin(request)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf"}
    check_csrf(request, str(form.get("csrf", "")))
    try:
        request.app.state.throttle.self_check_used(request.client.host if request.client else None)
        terms, places, received = self_check.read_check(values)
    except ApiError as error:
        answer = await page(
            request, "check.html", status_code=error.status, **context(values, error.fields or {"form": error.message})
        )
        return with_retry_after(error, answer)
    found = self_check.check(terms, places, received, _("Your office"), settings_of(request).rules)
    return await page(request, "check.html", **context(values, {}, found))


def context(values: dict[str, str], errors: dict[str, str], answer: self_check.Answer | None = None) -> dict[str, Any]:
    bases = {key: label for key, label in labels.bases().items() if key in self_check.COUNTED_BASES}
    return {
        "values": values,
        "errors": errors,
        "answer": answer,
        "rows": range(1, self_check.typed_row_count(values) + 1),
        "metrics": labels.metrics(),
        "bases": bases,
        "rankings": labels.rankings(),
        "penalties": labels.penalties(),
        "evidence": labels.evidence(),
        "severities": labels.severities(),
    }
