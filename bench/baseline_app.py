"""The load benchmark's baseline: the least a server can do to take the same batches. Starlette under
the same uvicorn, JSON in, one INSERT .. ON CONFLICT DO NOTHING with the `sqlite3` module, the
accepted ids out. No token lookup, no validation, no day totals, no idempotency read-back."""

from __future__ import annotations

import json
import os
import sqlite3

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DATABASE = os.environ.get("BASELINE_DB", "baseline.sqlite3")
_connection: sqlite3.Connection | None = None


def connection() -> sqlite3.Connection:
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(DATABASE, timeout=30, isolation_level=None)
        _connection.execute("PRAGMA journal_mode=WAL")
        _connection.execute(
            "CREATE TABLE IF NOT EXISTS entry (reporter TEXT, client_id TEXT, date TEXT, minutes INTEGER, "
            "activity TEXT, UNIQUE (reporter, client_id))"
        )
    return _connection


async def entries(request: Request) -> JSONResponse:
    reporter = request.headers.get("authorization", "")
    rows = json.loads(await request.body())["entries"]
    db = connection()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        "INSERT INTO entry VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(reporter, r["client_id"], r["date"], r["minutes"], r["activity"]) for r in rows],
    )
    db.execute("COMMIT")
    return JSONResponse({"accepted": [r["client_id"] for r in rows], "duplicates": [], "rejected": []})


async def ping(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/api/entries", entries, methods=["POST"]), Route("/ping", ping)])
