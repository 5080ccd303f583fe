"""Settings, read from the environment in one place (Settings.from_env) and passed in everywhere else."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from server.domain.rules import Rules

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("province", "city", "county", "township", "village", "grid")


class ConfigError(Exception):
    """A setting is missing or outside what the anonymity rules allow."""


@dataclass(frozen=True)
class Settings:
    # Where the store lives: sqlite://path (WAL) or postgres://user@host:port/db (asyncpg).
    database_url: str = "sqlite://data/jianfu.sqlite3"
    # Signs sessions and derives reporter keys; losing it unlinks every reporter from their rows.
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    # Smallest number of distinct reporters a published cell may rest on (DESIGN.md §2; floor 5).
    k: int = 10
    # Lowest region level published to supervisors.
    min_level: str = "township"
    # Yuan per hour of a cadre's time, for the Standard Cost Model.
    wage: float = 25.0
    # Local time zone: dates of entries and periods are local dates there.
    timezone: str = "Asia/Shanghai"
    # Optional receiver of published summaries and closed reviews (the review feed).
    review_webhook: str | None = None
    # Signs each feed message (HMAC-SHA256); required with the webhook, never the server secret.
    review_webhook_secret: str | None = None
    # Seconds before the first retry of a failed feed message; doubled each time, at most an hour.
    feed_retry_seconds: float = 30.0
    # Seconds between two rounds of the feed loop (queue what was published, send what is due).
    feed_poll_seconds: float = 5.0
    # Lifetime of a login (cookie and bearer token), in days: cadres go days without signal.
    session_days: int = 30
    # Largest request body accepted, in bytes (413 above).
    max_body_bytes: int = 1_000_000
    # Largest region file an administrator may upload at /admin/regions/import (a province's
    # 28,745 regions take about 2 MB; the nation's 665,276 go through `jianfu import-regions`).
    max_upload_bytes: int = 16_000_000
    # Mark the session cookie Secure (behind HTTPS).
    https: bool = False
    # Where the compiled gettext catalogs are.
    locales_dir: Path = PROJECT_ROOT / "locales"
    # Days after a month's end on which it is published; data received later never counts for it.
    publish_days: int = 7
    # Seconds between two checks for months whose publication day has come.
    publish_poll_seconds: float = 300.0
    # Connections that read a release's month side by side (one snapshot): about the cores of the
    # store's machine, or of this one on SQLite; each holds a pooled connection while it reads.
    release_readers: int = 2
    # Thresholds and weights of the rules and indices (DESIGN.md §3); JIANFU_RULES overrides them.
    rules: Rules = field(default_factory=Rules)

    def __post_init__(self) -> None:
        if self.k < 5:
            raise ConfigError("JIANFU_K may not be below 5: smaller cells expose reporters")
        if self.min_level not in LEVELS:
            raise ConfigError(f"JIANFU_MIN_LEVEL must be one of {', '.join(LEVELS)}")
        if not 1 <= self.publish_days <= 60:
            raise ConfigError("JIANFU_PUBLISH_DAYS must be between 1 and 60")
        if not 1 <= self.release_readers <= 4:
            raise ConfigError("JIANFU_RELEASE_READERS must be between 1 and 4 (the store's pool holds 5 connections)")
        if self.wage < 0:
            raise ConfigError("JIANFU_WAGE may not be negative")
        if self.review_webhook and not self.review_webhook_secret:
            raise ConfigError(
                "JIANFU_REVIEW_WEBHOOK_SECRET is required with JIANFU_REVIEW_WEBHOOK (the receiver checks the "
                "signature with it)"
            )
        if self.review_webhook and not self.review_webhook.startswith(("http://", "https://")):
            raise ConfigError("JIANFU_REVIEW_WEBHOOK must be an http:// or https:// address")

    @property
    def feed_secret(self) -> str:
        return self.review_webhook_secret or ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, demo: bool = False) -> Settings:
        """Settings from JIANFU_* variables; the secret is required unless serving demo data."""
        env = os.environ if environ is None else environ
        secret = env.get("JIANFU_SECRET")
        if not secret:
            if not demo:
                raise ConfigError("JIANFU_SECRET is required (set it to 32 or more random bytes)")
            # Demo and `make run`: a fixed secret so reporter keys survive restarts of the demo.
            secret = "jianfu-demo-secret-not-for-production"
        return cls(
            database_url=env.get("JIANFU_DATABASE_URL", cls.database_url),
            secret=secret,
            k=int(env.get("JIANFU_K", cls.k)),
            min_level=env.get("JIANFU_MIN_LEVEL", cls.min_level),
            wage=float(env.get("JIANFU_WAGE", cls.wage)),
            timezone=env.get("JIANFU_TIMEZONE", cls.timezone),
            review_webhook=env.get("JIANFU_REVIEW_WEBHOOK") or None,
            review_webhook_secret=env.get("JIANFU_REVIEW_WEBHOOK_SECRET") or None,
            feed_retry_seconds=float(env.get("JIANFU_FEED_RETRY_SECONDS", cls.feed_retry_seconds)),
            feed_poll_seconds=float(env.get("JIANFU_FEED_POLL_SECONDS", cls.feed_poll_seconds)),
            publish_days=int(env.get("JIANFU_PUBLISH_DAYS", cls.publish_days)),
            publish_poll_seconds=float(env.get("JIANFU_PUBLISH_POLL_SECONDS", cls.publish_poll_seconds)),
            release_readers=int(env.get("JIANFU_RELEASE_READERS", cls.release_readers)),
            session_days=int(env.get("JIANFU_SESSION_DAYS", cls.session_days)),
            max_body_bytes=int(env.get("JIANFU_MAX_BODY_BYTES", cls.max_body_bytes)),
            max_upload_bytes=int(env.get("JIANFU_MAX_UPLOAD_BYTES", cls.max_upload_bytes)),
            https=env.get("JIANFU_HTTPS", "0").lower() in ("1", "true", "yes"),
            rules=Rules.from_json(env["JIANFU_RULES"]) if env.get("JIANFU_RULES") else Rules(),
        )
