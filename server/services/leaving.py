"""A cadre leaves (issue 12): the account goes, with every row of theirs that no release counted.

A row counted in a release is one dated in a published month and received before that month's
publication (DESIGN.md §2, release.read_month_facts): it stays, tied to no one once the account is
gone (its reporter key names a user id that no longer exists), so no published figure could ever
be recomputed differently. Every other row of theirs (entries, outcomes, roster answers, quota
reports) goes with the account.
"""

from __future__ import annotations

from datetime import date

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.config import Settings
from server.domain import pseudonyms
from server.domain.periods import parse_period
from server.models import (
    Invite,
    OneTimeCode,
    Outcome,
    ProgressPoint,
    Quota,
    QuotaRevision,
    Release,
    Review,
    RosterItem,
    TimeEntry,
    Token,
    User,
)
from server.store import audit
from server.web import passwords
from server.web.errors import Conflict, Forbidden, InvalidCredentials
from server.web.i18n import gettext as _
from server.web.throttle import LoginThrottle


async def published_windows() -> list[tuple[date, date, date]]:
    """(first day, last day, publication day) of every published month."""
    rows = await Release.filter(status="published").values_list("month", "published_on")
    return [(parse_period(month).first, parse_period(month).last, day) for month, day in rows]


def counted(windows: list[tuple[date, date, date]], dated: str, received: str) -> Q | None:
    """The rows a release counted: dated in a published month, received before its publication."""
    clauses = [
        Q(**{f"{dated}__gte": first, f"{dated}__lte": last, f"{received}__lt": day}) for first, last, day in windows
    ]
    return Q(*clauses, join_type="OR") if clauses else None


async def _drop_uncounted(
    model: type, key: str, windows: list[tuple[date, date, date]], dated: str, received: str
) -> None:
    keep = counted(windows, dated, received)
    rows = model.filter(reporter_key=key)
    await (rows.exclude(keep) if keep is not None else rows).delete()


async def _drop_quota_reports(key: str, windows: list[tuple[date, date, date]]) -> None:
    """The person's uncounted quota reports go; a quota they last reported falls back to the report
    before theirs, and one nobody else reported goes too."""
    keep = counted(windows, "reported_on", "reported_on")
    mine = QuotaRevision.filter(reporter_key=key)
    mine = mine.exclude(keep) if keep is not None else mine
    touched = set(await mine.values_list("quota_id", flat=True))
    await mine.delete()
    for quota_id in touched:
        latest = await QuotaRevision.filter(quota_id=quota_id).order_by("-reported_on", "-id").first()
        if latest is None:
            await ProgressPoint.filter(quota_id=quota_id).delete()
            await Quota.filter(id=quota_id).delete()
            continue
        values = {k: getattr(latest, k) for k in ("target", "base", "eligible", "base_count")}
        await Quota.filter(id=quota_id).update(updated_on=latest.reported_on, **values)


async def leave(
    throttle: LoginThrottle, user: User, password: str, address: str | None, settings: Settings, today: date
) -> None:
    """Delete the account after its password is given again (a phone left signed in is not enough)."""
    throttle.check(user.username, address)
    if not await passwords.password_matches(user.password_hash, password):
        throttle.failed(user.username, address)
        raise InvalidCredentials()
    if user.role == "admin":
        raise Forbidden(_("An administrator's account cannot be deleted here."))
    if await Review.exists(opened_by_id=user.id):
        raise Conflict(
            _("You opened reviews, which are official records: ask your administrator to disable your account instead.")
        )
    windows = await published_windows()
    key, quota_key = (
        pseudonyms.reporter_key(settings.secret, user.id),
        pseudonyms.quota_reporter_key(settings.secret, user.id),
    )
    async with in_transaction():
        await _drop_uncounted(TimeEntry, key, windows, "date", "received_on")
        await _drop_uncounted(Outcome, key, windows, "reported_on", "reported_on")
        await _drop_uncounted(RosterItem, key, windows, "received_on", "received_on")
        await _drop_quota_reports(quota_key, windows)
        await Token.filter(user_id=user.id).delete()
        await OneTimeCode.filter(user_id=user.id).delete()
        await Invite.filter(created_by_id=user.id).update(created_by_id=None)
        await User.filter(id=user.id).delete()
        await audit.record(user, "account_deleted", user.username, today)
