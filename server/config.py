"""Settings, read from the environment in one place (Settings.from_env) and passed in everywhere else."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from server.burden.rules import Rules

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
    # Optional receiver of published summaries.
    review_webhook: str | None = None
    # Lifetime of a login (cookie and bearer token), in days: cadres go days without signal.
    session_days: int = 30
    # Largest request body accepted, in bytes (413 above).
    max_body_bytes: int = 1_000_000
    # Mark the session cookie Secure (behind HTTPS).
    https: bool = False
    # Where the compiled gettext catalogs are.
    locales_dir: Path = PROJECT_ROOT / "locales"
    # Thresholds and weights of the rules and indices (DESIGN.md §3); JIANFU_RULES overrides them.
    rules: Rules = field(default_factory=Rules)

    def __post_init__(self) -> None:
        if self.k < 5:
            raise ConfigError("JIANFU_K may not be below 5: smaller cells expose reporters")
        if self.min_level not in LEVELS:
            raise ConfigError(f"JIANFU_MIN_LEVEL must be one of {', '.join(LEVELS)}")
        if self.wage < 0:
            raise ConfigError("JIANFU_WAGE may not be negative")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, demo: bool = False) -> "Settings":
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
            session_days=int(env.get("JIANFU_SESSION_DAYS", cls.session_days)),
            max_body_bytes=int(env.get("JIANFU_MAX_BODY_BYTES", cls.max_body_bytes)),
            https=env.get("JIANFU_HTTPS", "0").lower() in ("1", "true", "yes"),
            rules=Rules.from_json(env["JIANFU_RULES"]) if env.get("JIANFU_RULES") else Rules(),
        )
