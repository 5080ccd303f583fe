"""The work behind the administrative commands, run against the store outside any request."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from server import db
from server.config import Settings
from server.services import region_csv, region_import, registration
from server.store import audit
from server.web import i18n
from server.web.errors import ApiError
from server.web.parse import local_today


class CommandError(Exception):
    """A command could not do what was asked; the message says why."""


def _explain(error: ApiError, lines: Sequence[int] | None = None) -> str:
    """An error for the operator, in their language. A batch row's field is told by its line in
    the file ("Line 133, code: ..."), never by its place in the batch."""

    def where(name: str) -> str:
        match = re.fullmatch(r"regions\[(\d+)\]\.(\w+)", name)
        return (
            f"{i18n.gettext('Line %(number)s', number=lines[int(match[1])])}, {match[2]}" if match and lines else name
        )

    if not error.fields:
        return error.message
    return "; ".join(f"{where(name)}: {message}" for name, message in list(error.fields.items())[:20])


async def create_user(
    settings: Settings, username: str, password: str, role: str, region: str | None, locale: str | None
) -> None:
    i18n.load_catalogs(settings.locales_dir)
    async with db.connect(settings.database_url):
        try:
            today = local_today(settings.timezone)
            user = await registration.create_user(
                {"username": username, "password": password, "role": role, "region": region, "locale": locale}, today
            )
            await audit.record(audit.COMMAND_LINE, "user_created", user.username, today)
        except ApiError as error:
            raise CommandError(_explain(error)) from None
    print(f"created {role} {username}")


def read_regions_csv(raw: bytes) -> list[dict]:
    """Rows of a region CSV (region_csv), its problems told in the operator's language."""
    return _region_file(raw).items


def _region_file(raw: bytes) -> region_csv.RegionFile:
    try:
        return region_csv.read_region_file(raw)
    except region_csv.RegionFileError as error:
        raise CommandError(error.message) from None


def _say_read(rows: int) -> None:
    print(f"  {rows:,} rows read", flush=True)


async def _say_progress(done: int, total: int) -> None:
    print(f"  {done:,} of {total:,} steps ({done * 100 // max(total, 1)}%)", flush=True)


async def import_regions(settings: Settings, file: str) -> None:
    """The file checked as it is read (never held as rows), then planned and saved all or nothing."""
    i18n.load_catalogs(settings.locales_dir)
    try:
        raw = Path(file).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {file}: {error}") from None
    print(f"reading and checking {file}", flush=True)
    checker = region_import.RowChecker()
    try:
        rows = region_import.read_file_rows(raw, checker, limit=None, read=_say_read)
    except region_csv.RegionFileError as error:
        raise CommandError(error.message) from None
    except ApiError as error:
        raise CommandError(_explain(error, checker.lines)) from None
    del raw
    print(f"read {len(rows):,} regions from {file}; checking them against the store", flush=True)
    async with db.connect(settings.database_url):
        try:
            result = await region_import.import_rows(rows, _say_progress)
        except ApiError as error:
            raise CommandError(_explain(error, checker.lines)) from None
    _say_result(result)


def _say_result(result: dict[str, int]) -> None:
    if result["created"] or result["updated"]:
        print(f"created {result['created']:,}, updated {result['updated']:,}, unchanged {result['unchanged']:,}")
    else:
        print(f"nothing to change: all {result['unchanged']:,} regions are already stored as the file gives them")


async def first_admin_link(settings: Settings, host: str, port: int) -> str | None:
    """The one-time link that creates the first administrator, while the store has none."""
    from server.services import first_admin  # noqa: PLC0415 -- only serve needs it

    async with db.connect(settings.database_url):
        code = await first_admin.issue_code()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 -- what to open, not what to bind
    return first_admin.link(f"http://{shown}:{port}", code) if code else None


async def publish(settings: Settings, month: str | None) -> None:
    """Publish one month, or every month whose publication day has come, with progress."""
    from server.domain.periods import PeriodError, parse_period  # noqa: PLC0415
    from server.services import publication  # noqa: PLC0415 -- only this command needs it

    i18n.load_catalogs(settings.locales_dir)
    today = local_today(settings.timezone)
    async with db.connect(settings.database_url):
        if month is None:
            done = await publication.publish_due(settings, today, say=print)
            print(f"published {len(done)} month(s)" if done else "nothing to publish")
            return
        try:
            period = parse_period(month)
        except PeriodError:
            period = None
        if period is None or period.kind != "month":
            raise CommandError(f"not a month: {month} (give YYYY-MM)")
        try:
            published = await publication.publish(period, settings, today, say=print)
        except publication.TooEarly as early:
            raise CommandError(str(early)) from None
        if not published:
            print(f"{month} is published already (or another process is publishing it)")
