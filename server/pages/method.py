"""How this is computed: every rule, formula and threshold in force, read from the settings."""

from starlette.requests import Request
from starlette.responses import Response

from server import labels
from server.burden.periods import GRACE_DAYS
from server.pages.render import page
from server.web import settings_of


async def method(request: Request) -> Response:
    settings = settings_of(request)
    return await page(request, "method.html", rules=settings.rules, settings=settings, grace_days=GRACE_DAYS, level_name=labels.levels()[settings.min_level])
