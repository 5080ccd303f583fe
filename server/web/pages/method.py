"""How this is computed: every rule, formula and threshold in force, read from the settings, and
the settings each published month was made under (a release keeps its own)."""

from starlette.requests import Request
from starlette.responses import Response

from server.models import Release
from server.web import labels
from server.web.context import settings_of
from server.web.pages.render import page


async def method(request: Request) -> Response:
    settings = settings_of(request)
    releases = await Release.filter(status="published").order_by("-month").values("month", "published_on", "settings")
    level_names = labels.levels()
    made_under = [
        {
            "month": r["month"],
            "published_on": r["published_on"],
            "k": r["settings"].get("k"),
            "level": level_names.get(r["settings"].get("min_level"), ""),
            "wage": r["settings"].get("wage"),
        }
        for r in releases
    ]
    return await page(
        request,
        "method.html",
        rules=settings.rules,
        settings=settings,
        grace_days=settings.publish_days,
        level_name=level_names[settings.min_level],
        releases=made_under,
        kinds=labels.flag_kinds(),
        indices=labels.index_names(),
    )
