"""What /api answers, as JSON Schema: the response half of the contract (server.web.api.operations).
The request half is the pydantic models of server.web.api.bodies."""

from __future__ import annotations

from typing import Any

from server.domain.vocab import ACTIVITIES, BASES, DECISIONS, RESIDENT_USE, ROLES

STR, INT, NUM, DATE = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "string", "format": "date"}


def enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


FLAG = obj(
    ["kind", "severity", "region", "message", "basis", "detail"],
    kind=STR,
    severity=enum(("info", "warning", "critical")),
    region=STR,
    task={"type": ["integer", "null"]},
    app={"type": ["integer", "null"]},
    ratio={"type": ["number", "null"]},
    message=STR,
    basis=STR,
    detail={"type": "object"},
)
ERROR = obj(
    ["error"],
    error=obj(
        ["code", "message", "fields"],
        code=STR,
        message=STR,
        fields={"type": "object", "additionalProperties": STR},
        labels={
            "type": "object",
            "additionalProperties": STR,
            "description": "each field of `fields`, named in the reader's language",
        },
    ),
)
SESSION = obj(
    ["token", "user"],
    token=STR,
    user=obj(
        ["username", "role"],
        username=STR,
        role=enum(ROLES),
        region={"type": ["string", "null"]},
        locale={"type": ["string", "null"]},
    ),
)
QUOTA_OUT = obj(
    ["id", "task", "region", "target", "base", "flags"],
    id=INT,
    task=INT,
    region=STR,
    target=INT,
    base=enum(BASES),
    flags=array(FLAG),
)
ENTRY_OUT = obj(
    ["client_id", "date", "minutes", "activity"],
    client_id=STR,
    date=DATE,
    minutes=INT,
    activity=enum(ACTIVITIES),
    task={"type": ["integer", "null"]},
    note={"type": ["string", "null"]},
)
PERIOD = {"type": "string", "pattern": r"^\d{4}-(W\d{2}|\d{2})$"}
DECISION = obj(
    ["id", "kind", "region", "decided_on"],
    id=INT,
    kind=enum(DECISIONS),
    region={"type": "object"},
    task={"type": ["object", "null"]},
    app={"type": ["object", "null"]},
    new_target={"type": ["integer", "null"]},
    decided_on=DATE,
)
REVIEW = obj(
    ["id", "region", "period", "status", "opened_on", "summary", "flags", "decisions"],
    id=INT,
    region={"type": "object"},
    period=STR,
    status=enum(("open", "closed")),
    opened_on=DATE,
    closed_on={"type": ["string", "null"], "format": "date"},
    summary={"type": "object"},
    flags=array(FLAG),
    decisions=array(DECISION),
    before_after={"type": ["object", "null"]},
)
# CSV answers: UTF-8 with a BOM, cells that could run as spreadsheet formulas prefixed with '.
CSV = {"type": "string"}
INVITE = obj(
    ["code", "region", "role", "uses", "expires", "revoked", "usable"],
    code=STR,
    region=STR,
    role=enum(("cadre", "supervisor")),
    uses=INT,
    expires=DATE,
    created_on={"type": ["string", "null"], "format": "date"},
    revoked={"type": "boolean"},
    usable={"type": "boolean"},
    created_by={"type": ["string", "null"]},
)
USER_OUT = obj(
    ["username", "role", "region", "locale", "created", "disabled"],
    username=STR,
    role=enum(ROLES),
    region={"type": ["string", "null"]},
    locale={"type": ["string", "null"]},
    created=DATE,
    disabled={"type": ["string", "null"], "format": "date"},
)
USAGE = obj(["id", "hidden", "reporters"], id=INT, hidden={"type": "boolean"}, reporters={"type": ["integer", "null"]})
ROSTER = obj(["apps"], apps=array(obj(["app", "resident_use"], app=INT, resident_use=enum(RESIDENT_USE))))
