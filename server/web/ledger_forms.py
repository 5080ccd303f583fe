"""The ledger's bodies as a cadre sends them (read into plain values, each mistake under its field)
and its records as the API answers them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from server.domain.entries import MAX_TARGET, NewEntry
from server.domain.quota_rules import Flag
from server.domain.rules import Rules
from server.domain.series import check_series
from server.domain.vocab import ACTIVITIES, BASES
from server.models import Quota, TimeEntry
from server.web.errors import InvalidInput
from server.web.i18n import gettext as _
from server.web.messages import flags_json
from server.web.parse import Reader, day_window
from server.web.parse import message as parse_message


def read_quota(r: Reader) -> dict[str, Any]:
    fields = {
        "task": r.ident("task", required=True, unknown=_("Unknown task.")),
        "region": r.text("region", max_length=20),
        "target": r.integer("target", low=1, high=MAX_TARGET),
        "base": r.choice("base", BASES, default="population"),
        "eligible": r.integer("eligible", low=1, high=MAX_TARGET, required=False),
        "base_count": r.integer("base_count", low=1, high=MAX_TARGET, required=False),
        "client_id": r.client_id(required=False),
    }
    if fields["base"] == "eligible" and fields["eligible"] is None and "eligible" not in r.errors:
        r.fail("eligible", parse_message("eligible_needed"))
    return fields


def quota_json(quota: Quota, flags: list[Flag]) -> dict[str, Any]:
    return {
        "id": quota.id,
        "task": quota.task_id,
        "region": quota.region_id,
        "target": quota.target,
        "base": quota.base,
        "eligible": quota.eligible,
        "base_count": quota.base_count,
        "flags": flags_json(flags),
    }


def read_points(data: Any) -> list[tuple[datetime, int]]:
    items = data.get("points") if isinstance(data, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= 10_000:
        raise InvalidInput({"points": _("Must be a list of 1 to %(count)s readings.", count=10_000)})
    now = datetime.now(UTC)
    points, errors = [], {}
    for i, item in enumerate(items):
        r = Reader(item, prefix=f"points[{i}].")
        at = r.moment("at", latest=now)
        value = r.integer("value", low=0, high=MAX_TARGET * 1000)
        errors.update(r.errors)
        points.append((at, value))
    if len({at for at, _v in points}) != len(points) and not errors:
        errors["points"] = _("Two readings have the same time.")
    if errors:
        raise InvalidInput(errors)
    return points


def series_json(points: list[tuple[datetime, int]], rules: Rules) -> dict[str, Any]:
    verdict = check_series(points, rules)
    return {
        "uniform": verdict.uniform,
        "dispersion": verdict.dispersion,
        "p_value": verdict.p_value,
        "rate_per_minute": verdict.rate_per_minute,
        "intervals": verdict.intervals,
    }


def read_entry(item: Any, today: date) -> tuple[NewEntry | None, dict[str, str]]:
    """One entry as sent, or what is wrong with it, each mistake under its field."""
    r = Reader(item)
    client_id = r.client_id()
    said = _said(r, today)
    return (NewEntry(client_id, *said), {}) if not r.errors else (None, r.errors)


def read_change(data: Any, client_id: str, today: date) -> NewEntry:
    """A correction of the entry `client_id` (the path names it; whose it is, the ledger says),
    or 422 naming every bad field."""
    r = Reader(data)
    said = _said(r, today)
    r.done()
    return NewEntry(client_id, *said)


def _said(r: Reader, today: date) -> tuple[date, int, str | None, int | None, str | None]:
    """What an entry says: its day, minutes, kind of work, task and note. A kind of work left out
    (or empty, as the Today form sends a tapped task) stays unsaid: the ledger decides it."""
    earliest, latest = day_window(today)
    return (
        r.day("date", earliest=earliest, latest=latest),
        r.minutes("minutes"),
        r.choice("activity", ACTIVITIES, default="") or None,
        r.ident("task", unknown=_("Unknown task.")),
        r.text("note", required=False, max_length=500),
    )


@dataclass
class EntryBatch:
    """A batch as read: the entries to decide on, and those refused already, as the answer says them."""

    entries: list[NewEntry] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)


def read_entries(items: list[Any], today: date) -> EntryBatch:
    """The entries of a batch (the API's body has checked it is a list of 1 to MAX_BATCH; a form
    sends one); one bad entry blocks none."""
    batch = EntryBatch()
    for item in items:
        entry, errors = read_entry(item, today)
        if entry is None:
            batch.rejected.append(InvalidInput(errors).rejection(client_id_of(item)))
        else:
            batch.entries.append(entry)
    return batch


def client_id_of(item: Any) -> str | None:
    """The client_id a rejected entry was sent under, to say which one it was: text only (a lone
    surrogate cannot be written back as UTF-8, nor 1e400 as JSON)."""
    value = item.get("client_id") if isinstance(item, dict) else None
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def entry_json(entry: TimeEntry) -> dict[str, Any]:
    return {
        "client_id": entry.client_id,
        "date": entry.date.isoformat(),
        "minutes": entry.minutes,
        "activity": entry.activity,
        "task": entry.task_id,
        "note": entry.note,
    }
