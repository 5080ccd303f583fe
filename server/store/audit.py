"""The audit log of account and invite actions (issue 12): who did what to which account or invite,
and on which day. It holds usernames, invite codes' first characters and region codes, never a
figure, an entry or a time of day, so reading it tells an administrator nothing about burden."""

from __future__ import annotations

from datetime import date

from server.models import AuditEvent, User

# What the log records; pages render each in the reader's language (a key, never shown raw).
ACTIONS = (
    "user_created",
    "user_disabled",
    "user_enabled",
    "password_reset_issued",
    "password_reset_used",
    "account_deleted",
    "invite_created",
    "invite_revoked",
    "first_admin_created",
    "task_merged",
    "task_renamed",
    "task_hidden",
    "app_merged",
    "app_renamed",
    "app_hidden",
    "region_imported",
    "region_edited",
)

# Lines a page of the log shows (page and API alike).
PAGE_SIZE = 50
# The actor of what `jianfu` commands do on the server (pages say "the command line").
COMMAND_LINE = ""


async def record(actor: User | str, action: str, target: str, day: date) -> None:
    """One line of the log. `actor` is the account that acted (its username is kept, so the line
    outlives the account); `target` names what it acted on (a username, an invite, a region)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    name = actor.username if isinstance(actor, User) else actor
    await AuditEvent.create(day=day, actor=name[:40], action=action, target=target[:80])


async def recent(limit: int = 100, offset: int = 0) -> list[AuditEvent]:
    """The newest lines first, a page at a time."""
    return await AuditEvent.all().order_by("-id").offset(offset).limit(limit)
