"""The store: Tortoise configuration, connecting, and applying the committed migrations."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.api import migrate

MODELS = "server.models"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for one store; SQLite runs in WAL mode (Tortoise's default journal)."""
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        folder = os.path.dirname(database_url.removeprefix("sqlite://"))
        if folder:
            os.makedirs(folder, exist_ok=True)
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": [MODELS],
                "default_connection": "default",
                "migrations": "server.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# `tortoise -c server.db.TORTOISE_ORM makemigrations` reads this (developers only).
TORTOISE_ORM = tortoise_config(os.environ.get("JIANFU_DATABASE_URL", "sqlite://data/jianfu.sqlite3"))


async def apply_migrations(database_url: str) -> None:
    """Apply every pending migration, then close the connections migrate opened."""
    try:
        await migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


@asynccontextmanager
async def connect(database_url: str) -> AsyncIterator[None]:
    """Open the store for the lifetime of the block."""
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        yield
    finally:
        await Tortoise.close_connections()


def day_param(client: BaseDBAsyncClient, day: date) -> Any:
    """A date as a raw-SQL parameter: SQLite keeps dates as ISO text, asyncpg wants date objects."""
    return day.isoformat() if client.capabilities.dialect == "sqlite" else day


def placeholders(count: int, start: int = 1) -> str:
    """ "$1, $2, $3" for `count` values from parameter `start` on (an IN list, one row)."""
    return ", ".join(f"${i}" for i in range(start, start + count))


def row_placeholders(rows: int, width: int, start: int = 1) -> str:
    """ "($1, $2), ($3, $4)" for a multi-row INSERT of `rows` rows of `width` values."""
    return ", ".join(f"({placeholders(width, start + r * width)})" for r in range(rows))
