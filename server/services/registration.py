"""How accounts come to be: an administrator creates one, or someone signs up with an invite code.
Both read a username and a password the same way, and neither asks for a real name or a phone."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.domain.vocab import LOCALES, ROLES
from server.models import Invite, Region, User
from server.services.directory import region_by_code
from server.services.invites import typed_invite_code
from server.services.spoofing import hidden_characters, hidden_problem, mixed_scripts
from server.web.errors import ApiError, Conflict, InvalidInput
from server.web.i18n import gettext as _
from server.web.parse import Reader
from server.web.passwords import canonical_username, hash_password, password_problem
from server.web.throttle import LoginThrottle


def read_account(r: Reader) -> dict[str, Any]:
    """A username and a password as typed; the username comes back in its stored form (NFKC, case
    folded: "Admin" is "admin"). `check_password` judges the password against it."""
    username = r.text("username", max_length=40)
    if username is not None:
        username = canonical_username(username)
        problem = username_problem(username)
        if problem:
            r.fail("username", problem)
    password = r.password("password")
    locale = r.choice("locale", LOCALES, default="")
    return {"username": username, "password": password, "locale": locale or None}


def username_problem(username: str) -> str | None:
    """Why a username (in its stored form) may not be used, or None: it must not pass for another."""
    if not 3 <= len(username) <= 40 or any(c.isspace() for c in username):
        return _("3 to 40 characters, no spaces.")
    if hidden_characters(username):
        return hidden_problem()
    if mixed_scripts(username):
        return _("Letters of one alphabet only: no Latin mixed with look-alike letters such as Cyrillic.")
    return None


async def check_password(r: Reader, account: dict[str, Any]) -> None:
    """Refuse a weak password under the field's name (passwords.password_problem), when it was read."""
    if isinstance(account["password"], str) and "password" not in r.errors and account["username"]:
        problem = await password_problem(account["password"], account["username"])
        if problem:
            r.fail("password", problem)


async def create_user(data: Any, today: date) -> User:
    r = Reader(data)
    account = read_account(r)
    role = r.choice("role", ROLES)
    code = r.text("region", required=role != "admin", max_length=20)
    await check_password(r, account)
    r.done()
    region = await region_by_code(code) if code else None
    return await _new_user(account, role, region, today)


async def _new_user(account: dict[str, Any], role: str, region: Region | None, today: date) -> User:
    if await User.exists(username=account["username"]):  # the usual case answered before hashing
        raise _taken()
    password_hash = await hash_password(account["password"])
    try:
        return await User.create(
            username=account["username"],
            password_hash=password_hash,
            role=role,
            region=region,
            locale=account["locale"],
            created_on=today,
        )
    except IntegrityError:
        raise _taken() from None


def _taken() -> Conflict:
    return Conflict(_("This username is taken."), {"username": _("This username is taken.")})


async def sign_up(data: Any, today: date, throttle: LoginThrottle | None = None, address: str | None = None) -> User:
    """A new account from an invite code: a username and password, never a real name or phone.

    With a throttle, every failed attempt counts against the address and the code, and either
    answers 429 once it has failed too often: codes cannot be guessed, nor usernames probed."""
    r = Reader(data)
    typed = r.text("code", max_length=40)
    code = typed_invite_code(typed) if typed else ""
    if throttle:
        throttle.check_signup(code, address)
    try:
        account = read_account(r)
        await check_password(r, account)
        r.done()
        async with in_transaction():
            invite = await _take_one_use(code, today)
            region = await Region.get(code=invite.region_id)
            return await _new_user(account, invite.role, region, today)
    except ApiError:
        if throttle:
            throttle.signup_failed(code, address)
        raise


async def _take_one_use(code: str, today: date) -> Invite:
    """The invite a code names, one of its uses taken. The use is taken by a conditional update, so
    two people signing up at once cannot both have an invite's last use, nor one that expired or was
    revoked; an unknown, used-up or expired code gets the same answer, which tells a guesser nothing."""
    invite = await Invite.get_or_none(code=code) if code else None
    taken = (
        await Invite.filter(code=code, uses_left__gt=0, expires__gte=today, revoked=False).update(
            uses_left=F("uses_left") - 1
        )
        if invite
        else 0
    )
    if not invite or not taken:
        raise InvalidInput({"code": _("This invite code is unknown, used up or expired.")})
    return invite
