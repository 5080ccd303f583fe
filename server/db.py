"""The store: Tortoise configuration, connecting, and applying the committed migrations."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from tortoise import Tortoise
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
