"""The OpenAPI 3.1 description of /api, written from one table so it cannot drift into prose."""

from __future__ import annotations

from typing import Any

from server.burden.vocab import ACTIVITIES, BASES, DECISIONS, EVIDENCE, FREQUENCIES, LEVELS, LOCALES, MEANS, METRICS, OUTCOME_STATUSES, PENALTIES, RANKINGS, RESIDENT_USE, ROLES

STR, INT, NUM, DATE = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "string", "format": "date"}


def enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


FLAG = obj(["kind", "severity", "region", "message", "basis", "detail"], kind=STR, severity=enum(("info", "warning", "critical")), region=STR,
           task={"type": ["integer", "null"]}, app={"type": ["integer", "null"]}, ratio={"type": ["number", "null"]}, message=STR, basis=STR, detail={"type": "object"})
ERROR = obj(["error"], error=obj(["code", "message", "fields"], code=STR, message=STR, fields={"type": "object", "additionalProperties": STR},
                                labels={"type": "object", "additionalProperties": STR, "description": "each field of `fields`, named in the reader's language"}))
SESSION = obj(["token", "user"], token=STR, user=obj(["username", "role"], username=STR, role=enum(ROLES), region={"type": ["string", "null"]}, locale={"type": ["string", "null"]}))
REGION_IN = obj(["code", "level", "name", "population"], code=STR, parent={"type": ["string", "null"]}, level=enum(LEVELS), name=STR, name_hant=STR, population=INT, households=INT)
TASK_IN = obj(["title", "metric", "issued_by", "period_start", "period_end"], title=STR, metric=enum(METRICS), app=INT, issued_by=STR, period_start=DATE, period_end=DATE,
              frequency=enum(FREQUENCIES), ranking=enum(RANKINGS), penalty=enum(PENALTIES), evidence=enum(EVIDENCE))
QUOTA_IN = obj(["task", "region", "target"], task=INT, region=STR, target=INT, base=enum(BASES), eligible=INT, base_count=INT, client_id=STR)
QUOTA_OUT = obj(["id", "task", "region", "target", "base", "flags"], id=INT, task=INT, region=STR, target=INT, base=enum(BASES), flags=array(FLAG))
POINTS = obj(["points"], points=array(obj(["at", "value"], at={"type": "string", "format": "date-time"}, value=INT)))
ENTRY_IN = obj(["client_id", "date", "minutes"], client_id=STR, date=DATE, minutes={"oneOf": [INT, STR]}, activity=enum(ACTIVITIES), task=INT, note=STR)
ENTRY_OUT = obj(["client_id", "date", "minutes", "activity"], client_id=STR, date=DATE, minutes=INT, activity=enum(ACTIVITIES), task={"type": ["integer", "null"]}, note={"type": ["string", "null"]})
PERIOD = {"type": "string", "pattern": r"^\d{4}-(W\d{2}|\d{2})$"}
DECISION = obj(["id", "kind", "region", "decided_on"], id=INT, kind=enum(DECISIONS), region={"type": "object"}, task={"type": ["object", "null"]}, app={"type": ["object", "null"]},
               new_target={"type": ["integer", "null"]}, decided_on=DATE)
REVIEW = obj(["id", "region", "period", "status", "opened_on", "summary", "flags", "decisions"], id=INT, region={"type": "object"}, period=STR, status=enum(("open", "closed")),
             opened_on=DATE, closed_on={"type": ["string", "null"], "format": "date"}, summary={"type": "object"}, flags=array(FLAG), decisions=array(DECISION),
             before_after={"type": ["object", "null"]})
# CSV answers: UTF-8 with a BOM, cells that could run as spreadsheet formulas prefixed with '.
CSV = {"type": "string"}
INVITE = obj(["code", "region", "role", "uses", "expires", "revoked", "usable"], code=STR, region=STR, role=enum(("cadre", "supervisor")), uses=INT, expires=DATE,
             created_on={"type": ["string", "null"], "format": "date"}, revoked={"type": "boolean"}, usable={"type": "boolean"},
             created_by={"type": ["string", "null"]})
USER_OUT = obj(["username", "role", "region", "locale", "created", "disabled"], username=STR, role=enum(ROLES), region={"type": ["string", "null"]},
               locale={"type": ["string", "null"]}, created=DATE, disabled={"type": ["string", "null"], "format": "date"})
USAGE = obj(["id", "hidden", "reporters"], id=INT, hidden={"type": "boolean"}, reporters={"type": ["integer", "null"]})
ROSTER = obj(["apps"], apps=array(obj(["app", "resident_use"], app=INT, resident_use=enum(RESIDENT_USE))))

# (method, path, summary, request schema, success status, response schema)
OPERATIONS: list[tuple[str, str, str, dict | None, int, dict | None]] = [
    ("post", "/api/session", "Sign in", obj(["username", "password"], username=STR, password=STR), 200, SESSION),
    ("delete", "/api/session", "Sign out", None, 204, None),
    ("post", "/api/regions", "Create or update regions by code (admin)", obj(["regions"], regions=array(REGION_IN)), 200, obj(["created", "updated"], created=INT, updated=INT)),
    ("get", "/api/regions/{code}", "A region and its children", None, 200, {"type": "object"}),
    ("get", "/api/region-imports/{job}", "Progress of a region import started in the browser (admin)", None, 200,
     obj(["status", "done", "total", "created", "updated"], status=enum(("previewed", "running", "done", "failed")), done=INT, total=INT, created=INT, updated=INT)),
    ("post", "/api/users", "Create an account (admin)", obj(["username", "password", "role"], username=STR, password=STR, role=enum(ROLES), region=STR, locale=enum(LOCALES)), 201, {"type": "object"}),
    ("post", "/api/invites", "Invite cadres to a region", obj(["region", "uses", "expires"], region=STR, role=enum(("cadre", "supervisor")), uses=INT, expires=DATE), 201, INVITE),
    ("get", "/api/invites", "The caller's invites (every invite for admins)", None, 200, array(INVITE)),
    ("delete", "/api/invites/{code}", "Revoke an invite", None, 204, None),
    ("post", "/api/signup", "Sign up with an invite code", obj(["code", "username", "password"], code=STR, username=STR, password=STR, locale=enum(LOCALES)), 201, SESSION),
    ("post", "/api/apps", "Record a government app", obj(["name", "function", "owner_level"], name=STR, function=STR, owner_level=enum(LEVELS), owner_region=STR), 201, {"type": "object"}),
    ("get", "/api/apps", "Known government apps", None, 200, array({"type": "object"})),
    ("post", "/api/tasks", "Record a task imposed from above", TASK_IN, 201, {"type": "object"}),
    ("get", "/api/tasks", "Tasks visible to the caller", None, 200, array({"type": "object"})),
    ("post", "/api/quotas", "Report a quota; answers with its flags", QUOTA_IN, 201, QUOTA_OUT),
    ("post", "/api/quotas/{id}/progress", "Attach counter readings", POINTS, 200, obj(["flags"], flags=array(FLAG))),
    ("post", "/api/quotas/{id}/outcome", "How the quota was met (anonymous)", obj(["status"], status=enum(OUTCOME_STATUSES), means=array(enum(MEANS)), cost_yuan=NUM), 204, None),
    ("post", "/api/entries", "Log time, idempotent per client_id", obj(["entries"], entries=array(ENTRY_IN, maxItems=500)), 200, obj(["accepted", "duplicates", "rejected"], accepted=array(STR), duplicates=array(STR), rejected=array({"type": "object"}))),
    ("get", "/api/entries", "The caller's own entries", None, 200, array(ENTRY_OUT)),
    ("put", "/api/entries/{client_id}", "Correct one of the caller's entries", ENTRY_IN, 200, ENTRY_OUT),
    ("delete", "/api/entries/{client_id}", "Delete one of the caller's entries", None, 204, None),
    ("put", "/api/roster", "The apps the caller must use", ROSTER, 200, ROSTER),
    ("get", "/api/roster", "The caller's roster", None, 200, ROSTER),
    ("post", "/api/series/check", "Is a counter more regular than people?", POINTS, 200, {"type": "object"}),
    ("get", "/api/me/export.csv", "Everything the caller logged, as CSV", None, 200, CSV),
    ("get", "/api/burden/{code}", "Burden indices of a region and its children for a published period", None, 200, {"type": "object"}),
    ("get", "/api/flags/{code}", "Flags of a region's subtree for a published period", None, 200, obj(["flags"], flags=array(FLAG))),
    ("get", "/api/summaries/{code}", "The review document: summary, flags, sources and change", None, 200, {"type": "object"}),
    ("get", "/api/summaries/{code}.csv", "The review document as CSV for spreadsheets", None, 200, CSV),
    ("post", "/api/reviews", "Open a review of a region and a published period", obj(["region", "period"], region=STR, period=PERIOD), 201, REVIEW),
    ("get", "/api/reviews", "Reviews in the caller's subtree", None, 200, array(obj(["id", "region", "period", "status", "opened_on"], id=INT, region={"type": "object"}, period=STR, status=enum(("open", "closed")), opened_on=DATE))),
    ("get", "/api/reviews/{id}", "A review with its frozen summary, flags, decisions and before/after", None, 200, REVIEW),
    ("get", "/api/reviews/{id}.csv", "A review as CSV for spreadsheets", None, 200, CSV),
    ("post", "/api/reviews/{id}/decisions", "Record a decision of an open review", obj(["kind"], kind=enum(DECISIONS), region=STR, task=INT, app=INT, new_target=INT), 201, DECISION),
    ("post", "/api/reviews/{id}/close", "Close a review and send it down the review feed", None, 200, REVIEW),
    ("post", "/api/me/password", "Change the password; ends every session and token", obj(["current_password", "new_password"], current_password=STR, new_password=STR), 200, SESSION),
    ("get", "/api/users", "Accounts by region and role, a page at a time (admin)", None, 200, array(USER_OUT)),
    ("post", "/api/users/{username}/disable", "Disable an account and end its sessions (admin)", None, 204, None),
    ("post", "/api/users/{username}/enable", "Enable a disabled account (admin)", None, 204, None),
    ("post", "/api/users/{username}/reset", "A one-time password reset code, shown once, for 72 hours (admin)", None, 201, obj(["code", "expires"], code=STR, expires={"type": "string", "format": "date-time"})),
    ("post", "/api/password-reset", "Set a new password with a reset code", obj(["username", "code", "new_password"], username=STR, code=STR, new_password=STR), 200, SESSION),
    ("delete", "/api/me", "Delete the caller's account and their unpublished rows", obj(["password"], password=STR), 204, None),
    ("get", "/api/tasks/usage", "Every task with its distinct reporters, null below k (admin)", None, 200, array(USAGE)),
    ("patch", "/api/tasks/{id}", "Rename, hide or show a task (admin)", obj([], title=STR, hidden={"type": "boolean"}), 200, {"type": "object"}),
    ("post", "/api/tasks/{id}/merge", "Merge a duplicate task into another (admin)", obj(["into"], into=INT), 204, None),
    ("get", "/api/apps/usage", "Every app with its distinct reporters, null below k (admin)", None, 200, array(USAGE)),
    ("patch", "/api/apps/{id}", "Rename, hide or show an app (admin)", obj([], name=STR, hidden={"type": "boolean"}), 200, {"type": "object"}),
    ("post", "/api/apps/{id}/merge", "Merge a duplicate app into another (admin)", obj(["into"], into=INT), 204, None),
    ("get", "/api/audit", "Account and invite actions, newest first (admin)", None, 200, array(obj(["day", "actor", "action", "target"], day=DATE, actor=STR, action=STR, target=STR))),
    ("get", "/healthz", "200 once the store answers", None, 200, obj(["status"], status=STR)),
    ("get", "/api/openapi.json", "This description of the API", None, 200, {"type": "object"}),
]


# Answer 201 when they create and 200 when the same thing was reported before.
UPSERTS = {"Record a government app", "Record a task imposed from above", "Report a quota; answers with its flags"}
PATH_PARAMETERS = {"code": STR, "id": INT, "client_id": STR, "job": STR, "username": STR}
# Optional: without them a list endpoint answers everything, as DESIGN.md §4 has it.
PAGING = {"page": {"type": "integer", "minimum": 1}, "limit": {"type": "integer", "minimum": 1, "maximum": 500}}
QUERY_PARAMETERS = {
    "/api/entries": {"from": DATE, "to": DATE},
    "/api/users": {"region": STR, "role": enum(ROLES), "page": {"type": "integer", "minimum": 1}},
    "/api/tasks/usage": {"page": {"type": "integer", "minimum": 1}},
    "/api/apps/usage": {"page": {"type": "integer", "minimum": 1}},
    "/api/audit": {"page": {"type": "integer", "minimum": 1}},
    "/api/burden/{code}": {"period": {"type": "string", "pattern": r"^\d{4}-(W\d{2}|\d{2})$"}, **PAGING},
    "/api/flags/{code}": {"period": {"type": "string", "pattern": r"^\d{4}-(W\d{2}|\d{2})$"}, **PAGING},
    "/api/summaries/{code}": {"period": {"type": "string", "pattern": r"^\d{4}-(W\d{2}|\d{2})$"}},
    "/api/summaries/{code}.csv": {"period": {"type": "string", "pattern": r"^\d{4}-(W\d{2}|\d{2})$"}},
}


def _parameters(method: str, path: str) -> list[dict[str, Any]]:
    found = [{"name": name, "in": "path", "required": True, "schema": schema} for name, schema in PATH_PARAMETERS.items() if "{" + name + "}" in path]
    if method == "get":
        found += [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in QUERY_PARAMETERS.get(path, {}).items()]
    return found


def _operation(summary: str, body: dict | None, status: int, answer: dict | None) -> dict[str, Any]:
    success: dict[str, Any] = {"description": summary}
    if answer is not None:
        success["content"] = {"text/csv" if answer is CSV else "application/json": {"schema": answer}}
    statuses = [status] + ([200] if status == 201 and summary in UPSERTS else [])
    responses = {**{str(code): success for code in statuses}, "default": {"description": "Error", "content": {"application/json": {"schema": ERROR}}}}
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary, body, status, answer in OPERATIONS:
        operation = _operation(summary, body, status, answer)
        if parameters := _parameters(method, path):
            operation["parameters"] = parameters
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jianfu", "version": "1", "description": "Burden ledger for grassroots cadres."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    }
