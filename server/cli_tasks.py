"""The work behind the administrative commands, run against the store outside any request."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from server import audit, db, directory, i18n
from server.config import Settings
from server.errors import ApiError
from server.parse import local_today

REGION_COLUMNS = ("code", "parent", "level", "name", "name_hant", "population", "households")


class CommandError(Exception):
    """A command could not do what was asked; the message says why."""


def _explain(error: ApiError) -> str:
    details = "; ".join(f"{name}: {message}" for name, message in list(error.fields.items())[:20])
    return f"{error.message} {details}".strip()


async def create_user(settings: Settings, username: str, password: str, role: str, region: str | None, locale: str | None) -> None:
    i18n.load_catalogs(settings.locales_dir)
    async with db.connect(settings.database_url):
        try:
            today = local_today(settings.timezone)
            user = await directory.create_user({"username": username, "password": password, "role": role, "region": region, "locale": locale}, today)
            await audit.record(audit.COMMAND_LINE, "user_created", user.username, today)
        except ApiError as error:
            raise CommandError(_explain(error)) from None
    print(f"created {role} {username}")


# No field of a region is near this long (names take 100 characters); a longer one is a broken file.
LONGEST_FIELD = 1000


def read_regions_csv(raw: bytes) -> list[dict]:
    """Rows of a region CSV in UTF-8 (with or without BOM) or GBK, as the API's region objects.
    A field no region could have (overlong, or with a NUL, which PostgreSQL cannot store) is
    refused here, naming its line and column, before anything reaches the store."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gbk", errors="strict")
    reader = csv.DictReader(io.StringIO(text))
    limit = csv.field_size_limit()
    # The csv module stops at 131,072 characters with an error that names neither line nor column:
    # read any length here and say which field is too long below.
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        return _region_items(reader)
    except csv.Error as error:
        raise CommandError(f"line {reader.line_num}: not a readable CSV row ({error})") from None
    finally:
        csv.field_size_limit(limit)


def _region_items(reader: csv.DictReader) -> list[dict]:
    missing = [c for c in ("code", "level", "name", "population") if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(f"missing columns: {', '.join(missing)} (expected {','.join(REGION_COLUMNS)})")
    rows = []
    for row in reader:
        for column in REGION_COLUMNS:
            value = row.get(column) or ""
            if "\x00" in value:
                raise CommandError(f"line {reader.line_num}, column {column}: contains a NUL character (U+0000)")
            if len(value) > LONGEST_FIELD:
                raise CommandError(f"line {reader.line_num}, column {column}: {len(value):,} characters; a region's fields have at most {LONGEST_FIELD:,}")
        item = {k: (row.get(k) or "").strip() or None for k in REGION_COLUMNS}
        for number in ("population", "households"):
            value = item[number]
            item[number] = int(value) if value and value.isascii() and value.isdigit() else value  # "²" is a digit to isdigit()
        rows.append(item)
    return rows


async def import_regions(settings: Settings, file: str) -> None:
    i18n.load_catalogs(settings.locales_dir)
    try:
        rows = read_regions_csv(Path(file).read_bytes())
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {file}: {error}") from None
    print(f"read {len(rows)} regions from {file}; saving")
    async with db.connect(settings.database_url):
        try:
            result = await directory.upsert_regions(rows)
        except ApiError as error:
            raise CommandError(_explain(error)) from None
    print(f"created {result['created']}, updated {result['updated']}")


async def publish(settings: Settings, month: str | None) -> None:
    """Publish one month, or every month whose publication day has come, with progress."""
    from server import publication  # noqa: PLC0415 -- only this command needs it
    from server.burden.periods import PeriodError, parse_period  # noqa: PLC0415

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
