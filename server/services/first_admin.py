"""The first administrator of a fresh store (issue 12): `jianfu serve` prints a one-time link while
no administrator exists, and the page behind it creates one. `jianfu create-user --role admin` does
the same from the command line; either way, once an administrator exists the link is dead."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from server.models import OneTimeCode, User
from server.services import registration
from server.store import audit
from server.web.errors import ApiError
from server.web.i18n import gettext as _

PURPOSE = "first_admin"
LIFETIME = timedelta(hours=24)


class LinkDead(ApiError):
    """The link is unknown, expired, used, or an administrator exists already: 404, one answer for all."""

    status, code = 404, "not_found"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This link is no longer valid. An administrator exists already, or the link expired: restart the "
                "server for a new one, or use jianfu create-user."
            )
        )


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def issue_code(now: datetime | None = None) -> str | None:
    """A fresh one-time code when the store has no administrator (earlier codes stop working), else None."""
    if await User.exists(role="admin"):
        return None
    code = secrets.token_urlsafe(24)
    async with in_transaction():
        await OneTimeCode.filter(purpose=PURPOSE).delete()
        await OneTimeCode.create(
            purpose=PURPOSE, code_hash=_hash(code), expires_at=(now or datetime.now(UTC)) + LIFETIME
        )
    return code


async def check_code(code: Any, now: datetime | None = None) -> None:
    """Raise LinkDead unless `code` opens the page now."""
    if not await _alive(code, now) or await User.exists(role="admin"):
        raise LinkDead()


async def _alive(code: Any, now: datetime | None) -> bool:
    if not isinstance(code, str) or not code or len(code) > 100:
        return False
    moment = now or datetime.now(UTC)
    return await OneTimeCode.filter(purpose=PURPOSE, code_hash=_hash(code), expires_at__gt=moment).exists()


async def create_first_admin(data: dict[str, Any], today: date, now: datetime | None = None) -> User:
    """The administrator, with the same username and password rules as every account; the code
    is used up with it, all or nothing (a refused password leaves the link working)."""
    code = data.get("code")
    async with in_transaction():
        await check_code(code, now)
        await OneTimeCode.filter(purpose=PURPOSE).delete()
        user = await registration.create_user({**data, "role": "admin", "region": None}, today)
        await audit.record(user, "first_admin_created", user.username, today)
    return user


def link(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/first-admin?code={code}"
