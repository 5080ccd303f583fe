"""What a cadre's entries may be, over plain values: limits, the body that identifies an entry,
and which entries of a batch are new, replayed, in conflict or past a full day.

The idempotency rule (DESIGN.md §4, POST /api/entries): a client_id is the entry's identity for its reporter. The same
client_id with the same body is a replay (a duplicate, not counted again); with another body it is
a conflict. No day holds more than 24 hours of one reporter's entries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from server.domain.vocab import default_activity

MAX_BATCH = 500
MAX_TARGET = 10**12
DAY_MINUTES = 24 * 60

# What became of an entry that is not stored: a replay, a client_id used for another body, or a
# day that would pass 24 hours (then `day` names it).
DUPLICATE, CONFLICT, DAY_FULL = "duplicate", "conflict", "day_full"


@dataclass(frozen=True, slots=True)
class NewEntry:
    """One entry as a cadre sent it, read and checked where it came in (form, outbox or API):
    the value the ledger decides on and stores, whichever way it arrived."""

    client_id: str
    date: date
    minutes: int
    activity: str | None  # None when not said: the task's usual kind of work, else "other"
    task: int | None
    note: str | None = None

    def said(self) -> dict[str, Any]:
        """The entry as a row (and as body_hash reads it: the same fields as ever)."""
        return {
            "client_id": self.client_id,
            "date": self.date,
            "minutes": self.minutes,
            "activity": self.activity,
            "task": self.task,
            "note": self.note,
        }


def decided_entries(entries: list[NewEntry], task_metrics: dict[int, str]) -> tuple[list[NewEntry], list[NewEntry]]:
    """The entries that may be stored, each with its kind of work, and those naming a task the
    cadre cannot log against (`task_metrics`: the tasks they can, with what each counts).

    A kind of work left unsaid is the task's usual kind (a tap on the task on Today logs it), or
    "other" under no task."""
    known, unknown = [], []
    for entry in entries:
        if entry.task is not None and entry.task not in task_metrics:
            unknown.append(entry)
        elif entry.activity:
            known.append(entry)
        else:
            usual = default_activity(task_metrics[entry.task]) if entry.task is not None else "other"
            known.append(replace(entry, activity=usual))
    return known, unknown


@dataclass(frozen=True, slots=True)
class Refusal:
    client_id: str
    kind: str
    day: date | None = None


@dataclass
class EntryPlan:
    """The rows to insert (each with its body_hash) and, in the batch's order, the others."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def body_hash(entry: dict[str, Any]) -> str:
    """The digest of what an entry says, its client_id aside: a replay has the same one."""
    canonical = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in entry.items() if k != "client_id"}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def fits_in_day(logged: int, minutes: int) -> bool:
    """Whether `minutes` more on a day that holds `logged` stays within 24 hours."""
    return logged + minutes <= DAY_MINUTES


def known_refusal(client_id: str, same_body: bool) -> Refusal:
    """A client_id already stored: a replay when the body is the same, a conflict otherwise."""
    return Refusal(client_id, DUPLICATE if same_body else CONFLICT)


def plan_entries(fresh: list[tuple[dict[str, Any], str]], stored: list[tuple[str, str, date, int]]) -> EntryPlan:
    """Sort a batch of valid entries (each with its digest) against what the reporter has stored:
    (client_id, body_hash, date, minutes) of the batch's client_ids and of the batch's days."""
    asked = {entry["client_id"] for entry, _digest in fresh}
    known = {cid: digest for cid, digest, _day, _minutes in stored if cid in asked}
    totals = day_totals(stored, {entry["date"] for entry, _digest in fresh})
    plan = EntryPlan()
    for entry, digest in fresh:
        cid, day = entry["client_id"], entry["date"]
        if cid in known:
            plan.refused.append(known_refusal(cid, known[cid] == digest))
        elif not fits_in_day(totals.get(day, 0), entry["minutes"]):
            plan.refused.append(Refusal(cid, DAY_FULL, day))
        else:
            totals[day], known[cid] = totals.get(day, 0) + entry["minutes"], digest
            plan.rows.append({**entry, "body_hash": digest})
    return plan


def day_totals(stored: list[tuple[str, str, date, int]], days: set[date]) -> dict[date, int]:
    """Minutes already logged on each of `days`."""
    totals: dict[date, int] = {}
    for _cid, _digest, day, minutes in stored:
        if day in days:
            totals[day] = totals.get(day, 0) + minutes
    return totals
