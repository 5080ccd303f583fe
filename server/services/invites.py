"""Invites (issue 12): who may make one for whom, who sees and revokes which, and the link a
printed sheet carries, and the codes themselves: their alphabet, how they are typed and shown (a
password reset code is written the same way)."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from tortoise.expressions import Q

from server.models import Invite, User
from server.services.directory import region_by_code
from server.store import audit
from server.web.errors import Forbidden, NotFound
from server.web.i18n import gettext as _
from server.web.parse import Reader

MAX_USES = 1000
LONGEST_DAYS = 366

# Invite codes: 16 characters of Crockford's base 32 (80 bits), read aloud in groups of four. No I,
# L, O or U to misread; on entry case, spaces and dashes do not matter, and O, I and L are read as
# 0, 1 and 1. Older codes (8 hexadecimal characters) are valid codes of the same alphabet.
INVITE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
INVITE_LENGTH = 16
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def typed_invite_code(text: str) -> str:
    """The stored form of a code as someone typed it: "k7qm-2x9p ..." -> "K7QM2X9P...".

    Full-width letters from a Chinese keyboard count as the letters they show (NFKC). Text that
    cannot be a code (a letter outside the alphabet, longer than a code) gives "", which matches
    no invite, rather than a value the store would refuse to look up."""
    folded = unicodedata.normalize("NFKC", text).upper()
    code = "".join(c for c in folded if not c.isspace() and c not in "-_.").translate(_MISREAD)
    if len(code) > INVITE_LENGTH or any(c not in INVITE_ALPHABET for c in code):
        return ""
    return code


def shown_invite_code(code: str) -> str:
    """A code as it is shown and read aloud: "K7QM-2X9P-ABCD-EFGH"."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _own_region_only() -> Forbidden:
    message = _("You may invite colleagues into your own region only.")
    return Forbidden(message, {"region": message})


def may_invite(user: User) -> bool:
    """Admins invite anyone anywhere; a cadre invites colleagues into their own region only.
    Supervisors invite nobody: accounts they made could be counted towards k beside one real
    reporter, and subtracting them would expose that one (DESIGN.md §2)."""
    return user.role in ("admin", "cadre")


def roles_for(user: User) -> tuple[str, ...]:
    """The roles of the accounts this user's invites may create."""
    return ("cadre", "supervisor") if user.role == "admin" else ("cadre",)


async def create_invite(user: User, data: Any, today: date) -> Invite:
    """A new invite, recorded in the audit log under its maker."""
    if not may_invite(user):
        raise Forbidden()
    r = Reader(data)
    code = r.text("region", max_length=20)
    role = r.choice("role", roles_for(user), default="cadre")
    uses = r.integer("uses", low=1, high=MAX_USES)
    expires = r.day("expires", earliest=today, latest=today + timedelta(days=LONGEST_DAYS))
    r.done()
    region = await region_by_code(code)
    if user.role == "cadre" and region.code != user.region_id:
        raise _own_region_only()
    invite = await Invite.create(
        code=new_invite_code(),
        region=region,
        role=role,
        uses_left=uses,
        expires=expires,
        created_by=user,
        created_on=today,
    )
    await audit.record(user, "invite_created", audit_target(invite), today)
    return invite


def audit_target(invite: Invite) -> str:
    """How the log names an invite: its first four characters and its region, never the whole code."""
    return f"{invite.code[:4]}… {invite.region_id}"


def _visible(user: User) -> Q:
    """An admin sees every invite; a cadre the ones they made; anyone else none."""
    if user.role == "admin":
        return Q()
    if user.role == "cadre":
        return Q(created_by_id=user.id)
    raise Forbidden()


async def list_invites(user: User) -> list[Invite]:
    """The invites the user sees, newest first, with their regions loaded."""
    return await Invite.filter(_visible(user)).order_by("-id").prefetch_related("region", "created_by")


async def visible_invite(user: User, code: str) -> Invite:
    """One invite by its code (as typed or shown) that the user may see; 404 otherwise."""
    stored = typed_invite_code(code) if isinstance(code, str) else ""
    invite = (
        await Invite.filter(_visible(user), code=stored).prefetch_related("region", "created_by").first()
        if stored
        else None
    )
    if invite is None:
        raise NotFound("invite")
    return invite


async def revoke_invite(user: User, code: str, today: date) -> Invite:
    """Revoked, it signs nobody up any more; revoking twice changes nothing and logs once."""
    invite = await visible_invite(user, code)
    if not invite.revoked:
        await Invite.filter(id=invite.id).update(revoked=True)
        invite.revoked = True
        await audit.record(user, "invite_revoked", audit_target(invite), today)
    return invite


def is_usable(invite: Invite, today: date) -> bool:
    return not invite.revoked and invite.uses_left > 0 and invite.expires >= today


def signup_link(base_url: str, invite: Invite) -> str:
    """The sign-up page with the code filled in, as the sheet's QR code carries it."""
    return base_url.rstrip("/") + "/signup?" + urlencode({"code": shown_invite_code(invite.code)})


def invite_json(invite: Invite, today: date) -> dict[str, Any]:
    return {
        "code": shown_invite_code(invite.code),
        "region": invite.region_id,
        "role": invite.role,
        "uses": invite.uses_left,
        "expires": invite.expires.isoformat(),
        "created_on": invite.created_on.isoformat() if invite.created_on else None,
        "revoked": invite.revoked,
        "usable": is_usable(invite, today),
        "created_by": maker(invite),
    }


def maker(invite: Invite) -> str | None:
    """The username of whoever made the invite (loaded with it), None for older invites or a deleted account."""
    made_by = getattr(invite, "created_by", None) if invite.created_by_id else None
    return made_by.username if isinstance(made_by, User) else None
