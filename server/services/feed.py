"""The review feed (JIANFU_REVIEW_WEBHOOK): when a period is published or a review closes, its
anonymous summary is POSTed as JSON to the receiver.

Messages go through a durable outbox (`feed_message`): written in the same transaction as what they
report, sent by a loop in every server process, removed from the queue only by a 2xx answer. A
lease keeps two processes from sending one message at once; the Idempotency-Key header lets the
receiver drop the rare second copy (a 2xx lost on the way back). The body is signed with
HMAC-SHA256 under a secret of its own, so the receiver can tell it came from this server.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from tortoise.expressions import Q

from server.config import Settings
from server.models import FeedMessage
from server.services import rounds

log = logging.getLogger("jianfu.feed")

LEASE = timedelta(seconds=60)
LONGEST_WAIT = timedelta(hours=1)
BATCH = 20
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SIGNATURE_HEADER = "X-Jianfu-Signature"


def now() -> datetime:
    return datetime.now(UTC)


async def enqueue(event: str, key: str, body: dict[str, Any], settings: Settings) -> bool:
    """Queue one message (once per key); nothing is queued when no receiver is configured."""
    if not settings.review_webhook:
        return False
    text = json.dumps({"event": event, "key": key, **body}, ensure_ascii=False, sort_keys=True)
    await FeedMessage.bulk_create(
        [FeedMessage(key=key, event=event, body=text, next_attempt_at=now())], ignore_conflicts=True
    )
    return True


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """base, 2 x base, 4 x base ... after each failed attempt, never more than an hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), LONGEST_WAIT)


async def deliver_due(settings: Settings, client: httpx.AsyncClient) -> int:
    """Send every message whose time has come; returns how many the receiver accepted."""
    delivered = 0
    moment = now()
    due = await FeedMessage.filter(delivered_at=None, next_attempt_at__lte=moment).order_by("id").limit(BATCH)
    for message in due:
        free = Q(lease_until=None) | Q(lease_until__lt=moment)
        if not await FeedMessage.filter(free, id=message.id, delivered_at=None).update(lease_until=moment + LEASE):
            continue  # another process holds it
        error = await _send(message, settings, client)
        await _record_attempt(message, error, settings)
        if error is None:
            delivered += 1
    return delivered


async def _send(message: FeedMessage, settings: Settings, client: httpx.AsyncClient) -> str | None:
    """POST one message, signed; None when the receiver accepted it (2xx), else what went wrong."""
    body = message.body.encode()
    headers = {
        "content-type": "application/json; charset=utf-8",
        "idempotency-key": message.key,
        "x-jianfu-event": message.event,
        SIGNATURE_HEADER: signature(settings.feed_secret, body),
    }
    try:
        answer = await client.post(settings.review_webhook or "", content=body, headers=headers, timeout=TIMEOUT)
        return None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
    except httpx.HTTPError as failure:
        return type(failure).__name__


async def _record_attempt(message: FeedMessage, error: str | None, settings: Settings) -> None:
    """Mark the message delivered, or schedule its next attempt after the backoff; the lease ends either way."""
    attempts = message.attempts + 1
    if error is None:
        await FeedMessage.filter(id=message.id).update(
            delivered_at=now(), attempts=attempts, lease_until=None, last_error=None
        )
        return
    wait = backoff(attempts, settings.feed_retry_seconds)
    await FeedMessage.filter(id=message.id).update(
        attempts=attempts, next_attempt_at=now() + wait, lease_until=None, last_error=error
    )
    log.warning(
        "review feed: message %s not delivered (%s), attempt %s, next in %ss",
        message.id,
        error,
        attempts,
        int(wait.total_seconds()),
    )


async def run(settings: Settings, stop: asyncio.Event) -> None:
    """The sending loop of one server process, until `stop` is set."""
    async with httpx.AsyncClient(trust_env=False, follow_redirects=False) as client:
        await rounds.every(settings.feed_poll_seconds, stop, lambda: deliver_due(settings, client), log)
