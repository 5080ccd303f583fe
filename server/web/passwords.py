"""Passwords and the usernames they belong to: Argon2id hashing off the event loop, the form a
username is compared in, and which passwords are refused."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.concurrency import run_in_threadpool
from zxcvbn import zxcvbn

from server.web.i18n import gettext as _

HASHER = PasswordHasher()
# A hash to verify against when the username is unknown, so timing does not reveal accounts.
DUMMY_HASH = HASHER.hash("jianfu-no-such-user")


def use_password_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash and verify with `hasher` from now on; answers the one it replaces. Only the test suite
    calls it: argon2 at the library's costs takes 0.1 to 0.2 s of CPU a sign-in, and the suite signs
    in over a thousand times. Hashes made under other costs still verify, and upgrade at sign-in."""
    global HASHER, DUMMY_HASH
    replaced, HASHER = HASHER, hasher
    DUMMY_HASH = hasher.hash("jianfu-no-such-user")
    return replaced


async def hash_password(password: str) -> str:
    """Argon2id, computed off the event loop (about 0.1 s of CPU)."""
    return await run_in_threadpool(HASHER.hash, password)


async def password_matches(password_hash: str, password: str) -> bool:
    try:
        return await run_in_threadpool(HASHER.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def canonical_username(username: str) -> str:
    """The form a username is stored and compared in: NFKC, case folded (NFKC again, as case
    folding can undo it). "Admin", "ADMIN" and a full-width "ａｄｍｉｎ" are all "admin"."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


# A password an attacker would try within this many guesses is refused: zxcvbn's estimate counts a
# password from its list of the 30,000 most used ones by its rank there, and repeats ("88888888"),
# sequences ("12345678"), keyboard rows ("1qaz2wsx") and dates ("19900101") as a handful of guesses.
COMMON_GUESSES = 30_000
# zxcvbn refuses longer input (its matching grows fast); the head of a longer password is what it judges.
_ZXCVBN_MAX = 72


def _guesses(password: str, username: str) -> float:
    return float(zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[username])["guesses"])


async def password_problem(password: str, username: str) -> str | None:
    """Why this password may not be used by this account, or None. Refused: only whitespace, the
    username (in any case, also inside a longer password), and common or trivially guessed ones
    (zxcvbn, shipped with its word lists: nothing leaves the server). Length is checked before."""
    if not password.strip():
        return _("A password may not be only spaces.")
    name = canonical_username(username or "")
    if name and name in canonical_username(password):
        return _("A password may not contain the username.")
    if await run_in_threadpool(_guesses, password, name) < COMMON_GUESSES:
        return _(
            "This password is too common or too easy to guess. Choose a longer one, a few unrelated words for example."
        )
    return None
