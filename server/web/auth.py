"""Who is asking: logins (bearer token = session cookie), reporter keys, roles. Passwords are
checked in `passwords`, failed attempts counted in `throttle`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from datetime import UTC, datetime, timedelta

from starlette.requests import HTTPConnection
from starlette.responses import Response
from tortoise import Tortoise

from server.models import Region, Token, User
from server.web import i18n, passwords
from server.web.errors import (
    AccountDisabled,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    Unauthenticated,
)
from server.web.i18n import gettext as _
from server.web.passwords import (
    canonical_username,
    hash_password,
    password_matches,
    password_problem,
)
from server.web.throttle import LoginThrottle

COOKIE = "jianfu_session"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(user: User, days: int) -> str:
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days)
    await Token.create(
        token_hash=_token_hash(token), user=user, session_version=user.session_version, expires_at=expires
    )
    return token


def presented_token(conn: HTTPConnection) -> tuple[str | None, bool]:
    """The token this request carries and whether it came in the cookie (cookies need CSRF checks)."""
    header = conn.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    cookie = conn.cookies.get(COOKIE)
    return (cookie, True) if cookie else (None, False)


TOKEN_USER = """
SELECT t.expires_at AS t_expires_at, t.session_version AS t_version,
       u.id, u.username, u.password_hash, u.role, u.region_id, u.locale, u.session_version,
       r.code AS r_code, r.parent_id AS r_parent_id, r.level AS r_level, r.name AS r_name, r.name_hant AS r_name_hant,
       r.population AS r_population, r.households AS r_households, r.path AS r_path
FROM token t JOIN app_user u ON u.id = t.user_id LEFT JOIN region r ON r.code = u.region_id
WHERE t.token_hash = $1 AND u.disabled_on IS NULL
"""


async def _user_of_token(token_hash: str) -> User | None:
    """The live token's user, with their home region, in one plain query: every request asks this,
    and building the same query through the ORM cost more than running it."""
    rows = await Tortoise.get_connection("default").execute_query_dict(TOKEN_USER, [token_hash])
    if not rows:
        return None
    row = rows[0]
    expires = row["t_expires_at"]
    if isinstance(expires, str):  # SQLite keeps it as text
        expires = datetime.fromisoformat(expires)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC) or row["t_version"] != row["session_version"]:
        return None
    user = User._init_from_db(
        **{k: row[k] for k in ("id", "username", "password_hash", "role", "region_id", "locale", "session_version")}
    )
    if row["r_code"] is not None:
        home = Region._init_from_db(
            **{
                k: row[f"r_{k}"]
                for k in ("code", "parent_id", "level", "name", "name_hant", "population", "households", "path")
            }
        )
        object.__setattr__(user, "_region", home)
    return user


async def current_user(conn: HTTPConnection) -> User | None:
    """The signed-in user, cached on the request; applies their language unless one was chosen here."""
    if "user" in conn.scope["state"]:
        return conn.scope["state"]["user"]
    token, _from_cookie = presented_token(conn)
    user = None
    if token:
        user = await _user_of_token(_token_hash(token))
    conn.scope["state"]["user"] = user
    if user:
        # The k this server runs under, where what the user sees depends on it (a task reported by
        # one cadre is shared once k reporters logged it: tasks.visible_task_filter).
        object.__setattr__(user, "_k", conn.app.state.settings.k)
    if user and user.locale and not i18n.explicit_locale(conn):
        i18n.use_locale(conn, user.locale)
    return user


async def require_user(conn: HTTPConnection, *roles: str) -> User:
    """The signed-in user, who must hold one of `roles` (any role when none is named)."""
    user = await current_user(conn)
    if user is None:
        raise Unauthenticated()
    if roles and user.role not in roles:
        raise Forbidden()
    return user


async def revoke_token(conn: HTTPConnection) -> None:
    token, _from_cookie = presented_token(conn)
    if token:
        await Token.filter(token_hash=_token_hash(token)).delete()


def clear_session_cookie(response: Response, https: bool) -> None:
    """Expire the session cookie with the attributes it was set with: HttpOnly, SameSite=Lax, and
    Secure behind HTTPS, so the clearing header is never weaker than the cookie it replaces."""
    response.delete_cookie(COOKIE, path="/", secure=https, httponly=True, samesite="lax")


def csrf_token(secret: str, conn: HTTPConnection) -> str:
    """A token bound to this login, rendered into forms; a cross-site page cannot read it."""
    token, _from_cookie = presented_token(conn)
    return hmac.new(secret.encode(), f"csrf:{token or ''}".encode(), hashlib.sha256).hexdigest()[:32]


def check_same_origin(conn: HTTPConnection) -> None:
    """Refuse a cookie-authenticated write that a browser marks as coming from another site."""
    site = conn.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        raise Forbidden(i18n.gettext("This request came from another site and was refused."))
    origin = conn.headers.get("origin")
    if not site and origin and origin != "null":
        host = conn.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise Forbidden(i18n.gettext("This request came from another site and was refused."))


async def account_named(username: str) -> User | None:
    """The account a typed username names: as stored (NFKC, case folded), else exactly as typed,
    for an account made before usernames were normalized whose normal form another one holds."""
    name = canonical_username(username)
    if not 0 < len(name) <= 40 or len(username) > 200 or any(unicodedata.category(c) == "Cc" for c in username):
        return None  # no account has such a name; and PostgreSQL refuses NUL in a query
    found = {u.username: u for u in await User.filter(username__in=list({username, name}))}
    return found.get(username) or found.get(name)


async def sign_in(throttle: LoginThrottle, username: str, password: str, address: str | None) -> User:
    """The user these credentials name; every failure counts towards the throttle."""
    throttle.check(username, address)
    user = await account_named(username)
    ok = await password_matches(user.password_hash if user else passwords.DUMMY_HASH, password)
    if not user or not ok:
        throttle.failed(username, address)
        raise InvalidCredentials()
    throttle.succeeded(username, address)
    if user.disabled_on is not None:  # said only to whoever knows the password: it reveals nothing else
        raise AccountDisabled()
    if passwords.HASHER.check_needs_rehash(user.password_hash):  # parameters raised since: upgrade on login
        user.password_hash = await hash_password(password)
        await user.save(update_fields=["password_hash"])
    return user


async def change_password(
    throttle: LoginThrottle, user: User, current: str, new: str, address: str | None, days: int
) -> str:
    """A new password ends every session and token of the account (a stolen phone's too); the
    caller gets a fresh token. A wrong current password counts as a failed login."""
    throttle.check(user.username, address)
    if not await password_matches(user.password_hash, current):
        throttle.failed(user.username, address)
        raise InvalidCredentials(_("This is not your current password."), "current_password")
    if new == current:
        raise InvalidInput({"new_password": _("The new password must differ from the current one.")})
    problem = await password_problem(new, user.username)
    if problem:
        raise InvalidInput({"new_password": problem})
    user.password_hash = await hash_password(new)
    user.session_version += 1
    await user.save(update_fields=["password_hash", "session_version"])
    await Token.filter(user_id=user.id).delete()
    return await issue_token(user, days)
