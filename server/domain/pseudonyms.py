"""The keys that stand for people and quotas in sensitive rows (DESIGN.md §2, reporter keys): keyed
hashes through the server's secret, so a copy of the store without the secret ties no row to a
person. Pure functions: the web layer derives them for a request, the publication for a release."""

from __future__ import annotations

import hashlib
import hmac


def reporter_key(secret: str, user_id: int) -> str:
    """HMAC-SHA256(secret, user id): ties sensitive rows to a person only for whoever holds the secret."""
    return hmac.new(secret.encode(), f"reporter:{user_id}".encode(), hashlib.sha256).hexdigest()


def quota_reporter_key(secret: str, user_id: int) -> str:
    """The key of a person's quota reports, derived apart from `reporter_key`: a quota names a
    village, and the same key on both kinds of row would place the reporter there."""
    return hmac.new(secret.encode(), f"quota-reporter:{user_id}".encode(), hashlib.sha256).hexdigest()


def quota_ref(secret: str, quota_id: int) -> str:
    """How an outcome names its quota: only whoever holds the secret can tell which quota it is."""
    return hmac.new(secret.encode(), f"quota:{quota_id}".encode(), hashlib.sha256).hexdigest()
