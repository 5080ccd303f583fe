"""Every /api operation in one table: its method and path, the handler, the body it takes (a
pydantic model of server.web.api.bodies), what it answers, and its summary. The routes (server.web.api.routes)
and the OpenAPI description (server.web.api.openapi) are both made from this table, so they cannot drift.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.domain.vocab import ROLES
from server.web.api import accounts, bodies, burden, curation, directory, invites, ledger, meta, reviews, session
from server.web.api.answers import (
    CSV,
    DATE,
    DECISION,
    ENTRY_OUT,
    FLAG,
    INT,
    INVITE,
    PERIOD,
    QUOTA_OUT,
    REVIEW,
    ROSTER,
    SESSION,
    STR,
    USAGE,
    USER_OUT,
    array,
    enum,
    obj,
)
from server.web.api.contract import Body

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Operation:
    method: str  # lower case, as OpenAPI writes it
    path: str  # as OpenAPI writes it: /api/quotas/{id:id}
    handler: Handler
    summary: str
    body: type[Body] | None = None
    status: int = 200  # the answer's status when all went well
    answer: dict[str, Any] | None = None  # its JSON Schema; CSV for a spreadsheet; None for no content
    query: dict[str, Any] = field(default_factory=dict)  # optional query parameters and their schemas
    upsert: bool = False  # 201 when it creates, 200 when the same thing was reported before

    @property
    def described_path(self) -> str:
        """The path as OpenAPI writes it: /api/quotas/{id}."""
        return re.sub(r"\{(\w+):\w+\}", r"{\1}", self.path)

    def path_parameters(self) -> dict[str, str]:
        """Each path parameter and its convertor ("" for plain text)."""
        return {name: convertor for name, convertor in re.findall(r"\{(\w+):?(\w*)\}", self.path)}


PAGE = {"page": {"type": "integer", "minimum": 1}}
# Optional: without them a list endpoint answers everything, as DESIGN.md §4 has it.
PAGING = {**PAGE, "limit": {"type": "integer", "minimum": 1, "maximum": 500}}
OBJECT, FLAGS = {"type": "object"}, obj(["flags"], flags=array(FLAG))
REVIEW_ROW = obj(
    ["id", "region", "period", "status", "opened_on"],
    id=INT,
    region=OBJECT,
    period=STR,
    status=enum(("open", "closed")),
    opened_on=DATE,
)
IMPORT = obj(
    ["status", "done", "total", "created", "updated"],
    status=enum(("previewed", "running", "done", "failed")),
    done=INT,
    total=INT,
    created=INT,
    updated=INT,
)
AUDIT = obj(["day", "actor", "action", "target"], day=DATE, actor=STR, action=STR, target=STR)
Op = Operation

# In route order: a path with a suffix (.csv) comes before the same path without it.
OPERATIONS: list[Operation] = [
    Op("get", "/healthz", meta.healthz, "200 once the store answers", answer=obj(["status"], status=STR)),
    Op("get", "/api/openapi.json", meta.openapi, "This description of the API", answer=OBJECT),
    Op("post", "/api/session", session.login, "Sign in", bodies.SignIn, answer=SESSION),
    Op("delete", "/api/session", session.logout, "Sign out", status=204),
    Op("post", "/api/signup", session.signup, "Sign up with an invite code", bodies.SignUp, 201, SESSION),
    Op(
        "post",
        "/api/me/password",
        session.change_password,
        "Change the password; ends every session and token",
        bodies.PasswordChange,
        answer=SESSION,
    ),
    Op(
        "delete",
        "/api/me",
        accounts.delete_me,
        "Delete the caller's account and their unpublished rows",
        bodies.Leave,
        204,
    ),
    Op(
        "post",
        "/api/password-reset",
        accounts.password_reset,
        "Set a new password with a reset code",
        bodies.PasswordReset,
        answer=SESSION,
    ),
    Op(
        "post",
        "/api/regions",
        directory.upsert_regions,
        "Create or update regions by code (admin)",
        bodies.Regions,
        answer=obj(["created", "updated"], created=INT, updated=INT),
    ),
    Op("get", "/api/regions/{code:code}", directory.region, "A region and its children", answer=OBJECT),
    Op(
        "get",
        "/api/region-imports/{job:client_id}",
        directory.region_import,
        "Progress of a region import started in the browser (admin)",
        answer=IMPORT,
    ),
    Op("post", "/api/users", directory.create_user, "Create an account (admin)", bodies.NewUser, 201, OBJECT),
    Op("post", "/api/invites", invites.create_invite, "Invite cadres to a region", bodies.NewInvite, 201, INVITE),
    Op(
        "get",
        "/api/invites",
        invites.list_invites,
        "The caller's invites (every invite for admins)",
        answer=array(INVITE),
    ),
    Op("delete", "/api/invites/{code:client_id}", invites.revoke_invite, "Revoke an invite", status=204),
    Op(
        "get",
        "/api/users",
        accounts.list_users,
        "Accounts by region and role, a page at a time (admin)",
        answer=array(USER_OUT),
        query={"region": STR, "role": enum(ROLES), **PAGE},
    ),
    Op(
        "post",
        "/api/users/{username}/disable",
        accounts.disable_user,
        "Disable an account and end its sessions (admin)",
        status=204,
    ),
    Op("post", "/api/users/{username}/enable", accounts.enable_user, "Enable a disabled account (admin)", status=204),
    Op(
        "post",
        "/api/users/{username}/reset",
        accounts.issue_reset,
        "A one-time password reset code, shown once, for 72 hours (admin)",
        status=201,
        answer=obj(["code", "expires"], code=STR, expires={"type": "string", "format": "date-time"}),
    ),
    Op(
        "get",
        "/api/audit",
        accounts.audit_log,
        "Account and invite actions, newest first (admin)",
        answer=array(AUDIT),
        query=PAGE,
    ),
    Op("post", "/api/apps", directory.create_app, "Record a government app", bodies.NewApp, 201, OBJECT, upsert=True),
    Op("get", "/api/apps", directory.list_apps, "Known government apps", answer=array(OBJECT)),
    Op(
        "get",
        "/api/apps/usage",
        curation.app_usage,
        "Every app with its distinct reporters, null below k (admin)",
        answer=array(USAGE),
        query=PAGE,
    ),
    Op(
        "patch",
        "/api/apps/{id:id}",
        curation.change_app,
        "Rename, hide or show an app (admin)",
        bodies.AppChange,
        answer=OBJECT,
    ),
    Op(
        "post",
        "/api/apps/{id:id}/merge",
        curation.merge_app,
        "Merge a duplicate app into another (admin)",
        bodies.Merge,
        204,
    ),
    Op(
        "post",
        "/api/tasks",
        directory.create_task,
        "Record a task imposed from above",
        bodies.NewTask,
        201,
        OBJECT,
        upsert=True,
    ),
    Op("get", "/api/tasks", directory.list_tasks, "Tasks visible to the caller", answer=array(OBJECT)),
    Op(
        "get",
        "/api/tasks/usage",
        curation.task_usage,
        "Every task with its distinct reporters, null below k (admin)",
        answer=array(USAGE),
        query=PAGE,
    ),
    Op(
        "patch",
        "/api/tasks/{id:id}",
        curation.change_task,
        "Rename, hide or show a task (admin)",
        bodies.TaskChange,
        answer=OBJECT,
    ),
    Op(
        "post",
        "/api/tasks/{id:id}/merge",
        curation.merge_task,
        "Merge a duplicate task into another (admin)",
        bodies.Merge,
        204,
    ),
    Op(
        "post",
        "/api/quotas",
        ledger.save_quota,
        "Report a quota; answers with its flags",
        bodies.Quota,
        201,
        QUOTA_OUT,
        upsert=True,
    ),
    Op(
        "post",
        "/api/quotas/{id:id}/progress",
        ledger.add_progress,
        "Attach counter readings",
        bodies.Readings,
        answer=FLAGS,
    ),
    Op(
        "post",
        "/api/quotas/{id:id}/outcome",
        ledger.save_outcome,
        "How the quota was met (anonymous)",
        bodies.Outcome,
        204,
    ),
    Op(
        "post",
        "/api/series/check",
        ledger.check_series,
        "Is a counter more regular than people?",
        bodies.Readings,
        answer=OBJECT,
    ),
    Op(
        "post",
        "/api/entries",
        ledger.save_entries,
        "Log time, idempotent per client_id",
        bodies.Entries,
        answer=obj(
            ["accepted", "duplicates", "rejected"], accepted=array(STR), duplicates=array(STR), rejected=array(OBJECT)
        ),
    ),
    Op(
        "get",
        "/api/entries",
        ledger.list_entries,
        "The caller's own entries",
        answer=array(ENTRY_OUT),
        query={"from": DATE, "to": DATE},
    ),
    Op(
        "put",
        "/api/entries/{client_id:client_id}",
        ledger.edit_entry,
        "Correct one of the caller's entries",
        bodies.EntryChange,
        answer=ENTRY_OUT,
    ),
    Op(
        "delete",
        "/api/entries/{client_id:client_id}",
        ledger.delete_entry,
        "Delete one of the caller's entries",
        status=204,
    ),
    Op("put", "/api/roster", ledger.replace_roster, "The apps the caller must use", bodies.Roster, answer=ROSTER),
    Op("get", "/api/roster", ledger.get_roster, "The caller's roster", answer=ROSTER),
    Op("get", "/api/me/export.csv", ledger.export_csv, "Everything the caller logged, as CSV", answer=CSV),
    Op(
        "get",
        "/api/burden/{code:code}",
        burden.burden,
        "Burden indices of a region and its children for a published period",
        answer=OBJECT,
        query={"period": PERIOD, **PAGING},
    ),
    Op(
        "get",
        "/api/flags/{code:code}",
        burden.flags,
        "Flags of a region's subtree for a published period",
        answer=FLAGS,
        query={"period": PERIOD, **PAGING},
    ),
    Op(
        "get",
        "/api/summaries/{code:code}.csv",
        burden.summary_document,
        "The review document as CSV for spreadsheets",
        answer=CSV,
        query={"period": PERIOD},
    ),
    Op(
        "get",
        "/api/summaries/{code:code}",
        burden.summary_document,
        "The review document: summary, flags, sources and change",
        answer=OBJECT,
        query={"period": PERIOD},
    ),
    Op(
        "post",
        "/api/reviews",
        reviews.open_review,
        "Open a review of a region and a published period",
        bodies.NewReview,
        201,
        REVIEW,
    ),
    Op("get", "/api/reviews", reviews.list_reviews, "Reviews in the caller's subtree", answer=array(REVIEW_ROW)),
    Op("get", "/api/reviews/{id:id}.csv", reviews.review_csv, "A review as CSV for spreadsheets", answer=CSV),
    Op(
        "get",
        "/api/reviews/{id:id}",
        reviews.review,
        "A review with its frozen summary, flags, decisions and before/after",
        answer=REVIEW,
    ),
    Op(
        "post",
        "/api/reviews/{id:id}/decisions",
        reviews.add_decision,
        "Record a decision of an open review",
        bodies.Decision,
        201,
        DECISION,
    ),
    Op(
        "post",
        "/api/reviews/{id:id}/close",
        reviews.close_review,
        "Close a review and send it down the review feed",
        answer=REVIEW,
    ),
]
