"""The body each /api operation takes (DESIGN.md §4), one pydantic model per shape.

The models say what a field may hold on its own; what needs the store or today (is the date in the
window, is the region the caller's, does the task exist) stays with the rule that decides it.
A list that rejects the whole request when it is wrong is a field whose default is validated, so a
missing list says what a list must be, as the rules always said.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, WithJsonSchema

from server.domain.entries import MAX_BATCH, MAX_TARGET
from server.domain.vocab import (
    ACTIVITIES,
    BASES,
    DECISIONS,
    EVIDENCE,
    FREQUENCIES,
    LEVELS,
    LOCALES,
    MEANS,
    METRICS,
    OUTCOME_STATUSES,
    PENALTIES,
    RANKINGS,
    RESIDENT_USE,
    ROLES,
)
from server.services.invites import MAX_USES
from server.services.region_import import MAX_REGIONS_PER_BATCH
from server.services.registration import username_problem
from server.web import fields
from server.web.api.contract import (
    Body,
    batch,
    checked,
    choice,
    choices,
    day,
    ident,
    integer,
    minutes,
    moment,
    number,
    password,
    text,
)
from server.web.passwords import canonical_username

ID = fields.ID_LIMIT


def rows(item: type[Body], kind: str, count: int) -> Any:
    """A batch whose rows the rule reads itself, because it answers for each row: one bad entry
    never blocks the others, and one bad region rejects the batch naming every row's problems
    (its duplicates too). The list is checked here; its rows are described as `item`."""
    items = item.model_json_schema(ref_template="#/components/schemas/{model}")
    return Annotated[
        batch(Any, kind, count), WithJsonSchema({"type": "array", "minItems": 1, "maxItems": count, "items": items})
    ]


def listed(**options: Any) -> Any:
    """A list field checked even when absent (see the module's docstring)."""
    return Field(default=None, validate_default=True, **options)


def new_username(value: Any) -> str:
    """A username for a new account: one that cannot pass for another (registration.username_problem)."""
    typed = fields.text(value, max_length=40)
    problem = username_problem(canonical_username(typed))
    if problem:
        raise fields.said(problem)
    return typed


NewUsername = checked(str, new_username, {"type": "string", "minLength": 3, "maxLength": 40})


class SignIn(Body):
    username: text(40)
    password: password(1)


class SignUp(Body):
    code: text(40)
    username: NewUsername
    password: password()
    locale: choice(LOCALES, required=False) = None


class PasswordChange(Body):
    current_password: password(1)
    new_password: password()


class PasswordReset(Body):
    username: text(200)
    code: text(40)
    new_password: password()


class Leave(Body):
    password: password(1)


class RegionRow(Body):
    code: text(20)
    parent: text(20, required=False) = None
    level: choice(LEVELS)
    name: text(100)
    name_hant: text(100, required=False) = None
    population: integer(0, 2_000_000_000)
    households: integer(0, 1_000_000_000, required=False) = None


class Regions(Body):
    regions: rows(RegionRow, "regions", MAX_REGIONS_PER_BATCH) = listed()


class NewUser(Body):
    username: NewUsername
    password: password()
    locale: choice(LOCALES, required=False) = None
    role: choice(ROLES)
    region: text(20, required=False) = None


class NewInvite(Body):
    region: text(20)
    role: choice(("cadre", "supervisor"), required=False) = None
    uses: integer(1, MAX_USES)
    expires: day()


class NewApp(Body):
    name: text(100)
    function: text(60)
    owner_level: choice(LEVELS)
    owner_region: text(20, required=False) = None


class NewTask(Body):
    title: text(200)
    metric: choice(METRICS)
    app: integer(1, ID, required=False) = None
    issued_by: text(20)
    period_start: day()
    period_end: day()
    frequency: choice(FREQUENCIES, required=False) = None
    ranking: choice(RANKINGS, required=False) = None
    penalty: choice(PENALTIES, required=False) = None
    evidence: choice(EVIDENCE, required=False) = None


class Quota(Body):
    task: ident("unknown_task", required=True)
    region: text(20)
    target: integer(1, MAX_TARGET)
    base: choice(BASES, required=False) = None
    eligible: integer(1, MAX_TARGET, required=False) = None
    base_count: integer(1, MAX_TARGET, required=False) = None
    client_id: text(64, required=False) = None


class Reading(Body):
    at: moment()
    value: integer(0, MAX_TARGET * 1000)


class Readings(Body):
    points: batch(Reading, "readings", 10_000) = listed()


class Outcome(Body):
    status: choice(OUTCOME_STATUSES)
    means: choices(MEANS) = []
    cost_yuan: number(0, 10_000_000) = None


class EntryChange(Body):
    date: day()
    minutes: minutes()
    activity: choice(ACTIVITIES, required=False) = None
    task: ident("unknown_task") = None
    note: text(500, required=False) = None


class Entry(EntryChange):
    client_id: text(64)


class Entries(Body):
    entries: rows(Entry, "entries", MAX_BATCH) = listed()


class RosterRow(Body):
    app: integer(1, ID)
    resident_use: choice(RESIDENT_USE)


class Roster(Body):
    apps: batch(RosterRow, "roster", 200, least=0) = listed()


class NewReview(Body):
    region: text(20)
    period: text(8)


class Decision(Body):
    kind: choice(DECISIONS)
    region: text(20, required=False) = None
    task: integer(1, ID, required=False) = None
    app: integer(1, ID, required=False) = None
    new_target: integer(0, 10**9, required=False) = None


class Merge(Body):
    into: checked(int, fields.row, {"type": "integer", "minimum": 1, "maximum": ID}, unknown="merge_into") = listed()


class TaskChange(Body):
    title: checked(
        str | None, fields.new_name, {"type": "string", "minLength": 1, "maxLength": 200}, max_length=200
    ) = None
    hidden: StrictBool | None = None


class AppChange(Body):
    name: checked(str | None, fields.new_name, {"type": "string", "minLength": 1, "maxLength": 100}, max_length=100) = (
        None
    )
    hidden: StrictBool | None = None
