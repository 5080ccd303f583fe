"""Region imports as background jobs (issue 12): a province's 28,745 rows take longer than a page
should wait, so the upload is kept, previewed, then saved by a task while a page shows progress.

A job is two files in a private folder: the upload and its state (JSON, replaced whole on each
write), so every worker process on the machine can show the progress of a job another one runs."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from server.models import User
from server.services.region_import import RowChecker, import_rows, read_file_rows
from server.store import audit
from server.web.errors import ApiError, NotFound, redacted_traceback
from server.web.i18n import gettext as _

STALE_SECONDS = 2 * 86400
log = logging.getLogger("jianfu.imports")
_running: set[asyncio.Task] = set()  # held so the event loop does not drop a running import


@dataclass
class Job:
    id: str
    owner: int
    status: str  # "previewed", "running", "done", "failed"
    done: int = 0
    total: int = 0
    created: int = 0
    updated: int = 0
    error: str = ""


def folder() -> Path:
    path = Path(tempfile.gettempdir()) / f"jianfu-imports-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _save(job: Job) -> None:
    part = folder() / f"{job.id}.json.part"
    part.write_text(json.dumps(asdict(job)))
    part.replace(folder() / f"{job.id}.json")


def new_job(owner: User, raw: bytes) -> Job:
    """Keep an upload for its preview; uploads nobody applied are swept after two days."""
    _sweep()
    job = Job(id=secrets.token_hex(12), owner=owner.id, status="previewed")
    (folder() / f"{job.id}.csv").write_bytes(raw)
    _save(job)
    return job


def load(job_id: str, owner: User) -> Job:
    """A job of this administrator's; any other id is a 404."""
    try:
        job = Job(**json.loads((folder() / f"{job_id}.json").read_text())) if job_id.isalnum() else None
    except (OSError, ValueError, TypeError):
        job = None
    if job is None or job.owner != owner.id:
        raise NotFound()
    return job


def start(job: Job, user: User, today: date) -> Job:
    """Save the kept upload in the background; starting a job twice starts it once."""
    if job.status != "previewed":
        return job
    job.status = "running"
    _save(job)
    task = asyncio.create_task(_run(job, user, today))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return job


async def _run(job: Job, user: User, today: date) -> None:
    upload = folder() / f"{job.id}.csv"

    async def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        _save(job)

    try:
        rows = read_file_rows(upload.read_bytes(), RowChecker())
        result = await import_rows(rows, progress)
    except ApiError as error:  # the store changed since the preview: nothing was written
        job.status, job.error = "failed", error.message
    except Exception as error:  # noqa: BLE001 -- a failure of the store: the page says so, the log says where
        log.error("region import failed: %s", redacted_traceback(error))
        job.status, job.error = "failed", _("The import failed and nothing was saved. Please try again.")
    else:
        job.status, job.created, job.updated, job.done = "done", result["created"], result["updated"], job.total
        # The log names the file by its first region and its size: "360721 (5)".
        await audit.record(user, "region_imported", f"{rows[0].code} ({len(rows)})", today)
    finally:
        upload.unlink(missing_ok=True)
    _save(job)


def _sweep() -> None:
    cutoff = time.time() - STALE_SECONDS
    for path in folder().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


async def drain() -> None:
    """Wait for the imports under way (at shutdown, before the store closes: a half-run import
    would roll back, and its page would say "running" for ever)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
