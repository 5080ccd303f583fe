"""Accounts as an administrator keeps them (issue 12): the list, disabling and enabling, and the
one-time password reset code handed over in person. Nothing here reads a sensitive row: the list
shows who has an account, never a figure about what they logged."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from server.domain.vocab import ROLES
from server.models import OneTimeCode, Region, Token, User
from server.services.invites import new_invite_code, shown_invite_code, typed_invite_code
from server.store import audit
from server.web import auth, passwords
from server.web.errors import AccountDisabled, Conflict, InvalidInput, NotFound
from server.web.i18n import gettext as _
from server.web.i18n import localized_name
from server.web.parse import Reader
from server.web.throttle import LoginThrottle

PAGE_SIZE = 50
RESET_HOURS = 72


@dataclass(frozen=True)
class UserFilter:
    """Which accounts a list shows: a region's subtree, a role, and a page (from 1)."""

    region: Region | None = None
    role: str | None = None
    page: int = 1


async def read_user_filter(query: dict[str, str]) -> UserFilter:
    """The filter from a query string; an unknown region or role is a 422 naming it."""
    r = Reader({k: v for k, v in query.items() if k in ("region", "role", "page")})
    code = r.text("region", required=False, max_length=20)
    role = r.choice("role", ROLES, default="") or None
    page = r.integer("page", low=1, high=100_000, required=False) or 1
    r.done()
    region = await Region.get_or_none(code=code) if code else None
    if code and region is None:
        raise InvalidInput({"region": _("Unknown region.")})
    return UserFilter(region, role, page)


async def list_users(wanted: UserFilter) -> tuple[list[dict[str, Any]], bool]:
    """One page of accounts, by role, region and username, and whether more follow."""
    query = User.all()
    if wanted.region is not None:
        query = query.filter(region__path__startswith=wanted.region.path)
    if wanted.role:
        query = query.filter(role=wanted.role)
    offset = (wanted.page - 1) * PAGE_SIZE
    rows = (
        await query.order_by("role", "region_id", "username")
        .offset(offset)
        .limit(PAGE_SIZE + 1)
        .values(
            "username", "role", "locale", "created_on", "disabled_on", "region_id", "region__name", "region__name_hant"
        )
    )
    return [_user_row(row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def _user_row(row: dict[str, Any]) -> dict[str, Any]:
    name = localized_name(row["region__name"], row["region__name_hant"]) if row["region_id"] else None
    keys = ("username", "role", "locale", "created_on", "disabled_on", "region_id")
    return {k: row[k] for k in keys} | {"region_name": name}


def user_json(row: dict[str, Any]) -> dict[str, Any]:
    """DESIGN.md §4: `[{username, role, region, locale, created, disabled}]`, days as ISO dates."""
    disabled = row["disabled_on"]
    return {
        "username": row["username"],
        "role": row["role"],
        "region": row["region_id"],
        "locale": row["locale"],
        "created": row["created_on"].isoformat(),
        "disabled": disabled.isoformat() if disabled else None,
    }


async def account(username: str) -> User:
    """The account an administrator names in a URL (its stored form), or 404."""
    user = await auth.account_named(username)
    if user is None:
        raise NotFound("username")
    return user


async def disable(admin: User, username: str, today: date) -> None:
    """The account signs in no more and every session of it ends now (its tokens go, and the
    session version moves on for any token still in flight)."""
    user = await account(username)
    if user.id == admin.id:
        raise Conflict(
            _("You cannot disable your own account."), {"username": _("You cannot disable your own account.")}
        )
    async with in_transaction():
        await User.filter(id=user.id).update(
            disabled_on=user.disabled_on or today, session_version=user.session_version + 1
        )
        await Token.filter(user_id=user.id).delete()
        await audit.record(admin, "user_disabled", user.username, today)


async def enable(admin: User, username: str, today: date) -> None:
    user = await account(username)
    async with in_transaction():
        await User.filter(id=user.id).update(disabled_on=None)
        await audit.record(admin, "user_enabled", user.username, today)


def _code_hash(code: str) -> str:
    """Only this is stored: a code is 80 random bits, so a plain digest cannot be reversed."""
    return hashlib.sha256(f"reset:{code}".encode()).hexdigest()


async def issue_reset(admin: User, username: str, today: date) -> tuple[str, datetime]:
    """A new reset code for the account, shown once; an older unused one stops working."""
    user = await account(username)
    code = new_invite_code()
    expires = datetime.now(UTC) + timedelta(hours=RESET_HOURS)
    async with in_transaction():
        await OneTimeCode.filter(purpose="reset", user_id=user.id).delete()
        await OneTimeCode.create(purpose="reset", code_hash=_code_hash(code), user=user, expires_at=expires)
        await audit.record(admin, "password_reset_issued", user.username, today)
    return shown_invite_code(code), expires


def wrong_code() -> InvalidInput:
    return InvalidInput({"code": _("This reset code is wrong, used or expired. Ask your administrator for a new one.")})


async def use_reset(throttle: LoginThrottle, data: Any, address: str | None, today: date) -> User:
    """Set a new password with a reset code: the code works once, until it expires, for its own
    account only. Every wrong code counts as a failed sign-in of that username."""
    r = Reader(data)
    username, typed, new = r.text("username", max_length=200), r.text("code", max_length=40), r.password("new_password")
    r.done()
    throttle.check(username, address)
    user = await auth.account_named(username)
    now = datetime.now(UTC)
    found = await OneTimeCode.get_or_none(
        code_hash=_code_hash(typed_invite_code(typed)), purpose="reset", expires_at__gt=now
    )
    if user is None or found is None or found.user_id != user.id:
        throttle.failed(username, address)
        raise wrong_code()
    throttle.succeeded(username, address)
    if user.disabled_on is not None:
        raise AccountDisabled()
    problem = await passwords.password_problem(new, user.username)
    if problem:
        raise InvalidInput({"new_password": problem})
    password_hash = await passwords.hash_password(new)
    async with in_transaction():
        if await OneTimeCode.filter(id=found.id).delete() != 1:  # used meanwhile by another request
            raise wrong_code()
        await User.filter(id=user.id).update(password_hash=password_hash, session_version=user.session_version + 1)
        await Token.filter(user_id=user.id).delete()
        await audit.record(user, "password_reset_used", user.username, today)
    return await User.get(id=user.id)
