"""The work behind the administrative commands, run against the store outside any request."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from server import db, directory, i18n
from server.config import Settings
from server.errors import ApiError

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
            await directory.create_user({"username": username, "password": password, "role": role, "region": region, "locale": locale})
        except ApiError as error:
            raise CommandError(_explain(error)) from None
    print(f"created {role} {username}")


def read_regions_csv(raw: bytes) -> list[dict]:
    """Rows of a region CSV in UTF-8 (with or without BOM) or GBK, as the API's region objects."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gbk", errors="strict")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("code", "level", "name", "population") if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(f"missing columns: {', '.join(missing)} (expected {','.join(REGION_COLUMNS)})")
    rows = []
    for row in reader:
        item = {k: (row.get(k) or "").strip() or None for k in REGION_COLUMNS}
        for number in ("population", "households"):
            value = item[number]
            item[number] = int(value) if value and value.isdigit() else value
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
