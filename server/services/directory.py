"""The directory's regions: a region named by its code, as JSON, with its children, and a user's home."""

from __future__ import annotations

from typing import Any

from server.models import Region, User
from server.web.errors import Forbidden, InvalidInput, NotFound
from server.web.i18n import gettext as _
from server.web.i18n import localized_name


async def region_by_code(code: str, field: str = "region") -> Region:
    region = await Region.get_or_none(code=code) if isinstance(code, str) else None
    if region is None:
        raise InvalidInput({field: _("Unknown region.")})
    return region


def region_json(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "parent": region.parent_id,
        "level": region.level,
        "name": localized_name(region.name, region.name_hant),
        "population": region.population,
        "households": region.households,
    }


async def region_detail(code: str) -> dict[str, Any]:
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound("region")
    children = await Region.filter(parent_id=code).order_by("code")
    return {**region_json(region), "children": [region_json(c) for c in children]}


async def home_region(user: User) -> Region:
    if user.region_id is None:
        raise Forbidden(_("Your account has no home region."))
    loaded = getattr(user, "_region", None)  # fetched with the token (auth.current_user)
    if isinstance(loaded, Region) and loaded.code == user.region_id:
        return loaded
    return await Region.get(code=user.region_id)
