"""Government apps: the ones a cadre adds, and which apps each user sees (issue 12)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from server.domain.regions import ancestor_codes
from server.domain.vocab import LEVELS
from server.models import App, Region, RosterItem, User
from server.services.directory import home_region, region_by_code
from server.services.sharing import DEFAULT_SHARING_K, refuse_hidden, reported_scope, share_used, widen_scope
from server.services.spoofing import shown_text
from server.web.i18n import localized_name
from server.web.parse import Reader


async def create_app(user: User, data: Any, min_level: str = "township") -> tuple[App, bool]:
    """A government app; the same name, owner level and owner region returns the app already known.
    One a cadre adds is seen in their area only (`sharing.reported_scope`) until k reporters list it
    on their rosters (`visible_app_filter`); added again from another area, it is seen in both."""
    r = Reader(data)
    name = shown_text(r, "name", r.text("name", max_length=100))
    function = shown_text(r, "function", r.text("function", max_length=60))
    owner_level = r.choice("owner_level", LEVELS)
    owner = r.text("owner_region", required=False, max_length=20)
    r.done()
    owner_region = await region_by_code(owner, "owner_region") if owner else None
    scope = await reported_scope(user, min_level)
    existing = await App.get_or_none(name=name, owner_region_id=owner, owner_level=owner_level)
    if existing:
        refuse_hidden(user, existing, "name")
        await widen_scope(existing, scope)
        return existing, False
    return await App.create(
        name=name, function=function, owner_level=owner_level, owner_region=owner_region, scope=scope
    ), True


def app_json(app: App) -> dict[str, Any]:
    return {
        "id": app.id,
        "name": localized_name(app.name, app.name_hant),
        "function": app.function,
        "owner_level": app.owner_level,
        "owner_region": app.owner_region_id,
    }


async def list_apps(user: User) -> list[dict[str, Any]]:
    return [app_json(a) for a in await visible_apps(user)]


async def visible_apps(user: User, region: Region | None = None) -> list[App]:
    """The apps `visible_app_filter` lets the user see, by name."""
    return await App.filter(await visible_app_filter(user, region=region)).order_by("name", "id")


async def visible_app_filter(user: User, within: Q | None = None, region: Region | None = None) -> Q:
    """The apps a user sees, decided here for every page and endpoint (GET /api/apps, My apps, the
    roster they save, the apps a review's decision can name): those shared with everyone, and those
    added within their area, unless an administrator hid them (issue 12). An app a cadre adds is
    first seen only in its scope (their township,
    as for a task they report: `sharing.reported_scope`); once k distinct reporters have it on their
    rosters it is everyone's, so one account cannot put an app on every roster of a province. Apps an
    admin added, and those from before scopes, are everyone's. An admin sees every app. `region` looks
    from there instead of the user's home (a supervisor deciding on a region under review);
    `within` narrows the apps looked at (some ids) when the caller needs fewer."""
    if user.role == "admin":
        return Q()
    place = region if region is not None else await home_region(user)
    around = ancestor_codes(place.path)  # the scopes that contain the place
    await _share_listed_apps(within or Q(), around, getattr(user, "_k", DEFAULT_SHARING_K))
    return Q(Q(scope_id__isnull=True) | Q(scope_id__in=around), hidden=False)  # hidden: spam, or merged away


async def _share_listed_apps(within: Q, around: list[str], k: int) -> None:
    """Share the apps scoped away from this place that k or more distinct reporters list."""
    await share_used(App, RosterItem, "app_id", within, around, k)


async def visible_app_exists(user: User, app_id: int) -> bool:
    return await App.filter(await visible_app_filter(user, Q(id=app_id)), id=app_id).exists()
