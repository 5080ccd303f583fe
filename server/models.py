"""Tortoise models: declarations only. Rules live in server/domain, queries in server/services/queries.py.

Sensitive rows (TimeEntry, Outcome, RosterItem) carry `reporter_key` (HMAC of the user id with the
server secret) and never a user foreign key, no region and no quota: where a row belongs is resolved
through the secret at publication (DESIGN.md §2), so a copy of the store ties none of them to a
person or a place. They keep dates (of the work, of receipt), never a time of day.
"""

from tortoise import fields
from tortoise.models import Model


class Region(Model):
    code = fields.CharField(max_length=20, primary_key=True)
    parent: fields.ForeignKeyNullableRelation["Region"] = fields.ForeignKeyField(
        "models.Region", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    level = fields.CharField(max_length=10)
    name = fields.CharField(max_length=100)
    name_hant = fields.CharField(max_length=100, null=True)
    population = fields.IntField()
    households = fields.IntField(null=True)
    # "/420000/420100/420121/": the codes from the root down, so a subtree is one prefix match.
    path = fields.CharField(max_length=255, db_index=True)

    class Meta:
        table = "region"


# Every region paired with itself and each of its ancestors, with the ancestor's level: a rollup of
# facts to any level is one join and one GROUP BY (DHIS2's analytics-table idea, kept normalized so
# that moving a region rewrites its closure rows, never the facts).
class RegionAncestor(Model):
    id = fields.IntField(primary_key=True)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, on_delete=fields.CASCADE
    )
    ancestor: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, on_delete=fields.CASCADE
    )
    level = fields.CharField(max_length=10)

    class Meta:
        table = "region_ancestor"
        unique_together = (("region", "ancestor"),)
        indexes = (("ancestor_id", "level"),)


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=40, unique=True)
    password_hash = fields.CharField(max_length=200)
    role = fields.CharField(max_length=12)
    region: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    locale = fields.CharField(max_length=8, null=True)
    # Bumped on password change: every token minted before it stops working.
    session_version = fields.IntField(default=1)
    # Set when an administrator disables the account (issue 12): it signs in no more, and its
    # sessions end at once (session_version moves on with it).
    disabled_on = fields.DateField(null=True)
    # Only accounts that existed before a month began count towards its k (DESIGN.md §2).
    created_on = fields.DateField()

    class Meta:
        table = "app_user"


# A login: the bearer token and the session cookie are the same secret, stored hashed.
class Token(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    session_version = fields.IntField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "token"


class Invite(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=12, default="cadre")
    uses_left = fields.IntField()
    expires = fields.DateField()
    # Who made it: a cadre sees their own invites, an administrator sees all (issue 12).
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_on = fields.DateField(null=True)
    revoked = fields.BooleanField(default=False)

    class Meta:
        table = "invite"


class App(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    name_hant = fields.CharField(max_length=100, null=True)
    function = fields.CharField(max_length=60)
    owner_level = fields.CharField(max_length=10)
    owner_region: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # Who sees an app a cadre added: the cadres of this region (their township) only, until k
    # distinct reporters have it on their rosters; then, and for apps an admin added, None:
    # everyone (apps.visible_app_filter). A published level, so it places no one finer.
    scope: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    # Hidden by an administrator as spam (issue 12): no picker offers it; what cites it stays.
    hidden = fields.BooleanField(default=False)

    class Meta:
        table = "gov_app"


class Task(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    metric = fields.CharField(max_length=20)
    app: fields.ForeignKeyNullableRelation[App] = fields.ForeignKeyField(
        "models.App", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    issued_by: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, on_delete=fields.RESTRICT
    )
    period_start = fields.DateField()
    period_end = fields.DateField()
    frequency = fields.CharField(max_length=10)
    ranking = fields.CharField(max_length=10)
    penalty = fields.CharField(max_length=24)
    evidence = fields.CharField(max_length=12)
    # Who sees a task a cadre reported: the cadres of this region (their township) only, until k
    # distinct reporters have logged it; then, and for tasks an admin set up, None: everyone on the
    # issuer's line (tasks.visible_task_filter). A published level, so it places no one finer.
    scope: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    # Hidden by an administrator as spam (issue 12): no picker offers it; what cites it stays.
    hidden = fields.BooleanField(default=False)

    class Meta:
        table = "task"
        # The same demand reported by several cadres is one task; the database settles races.
        unique_together = (("title", "issued_by", "period_start", "period_end"),)


# The current target of a task for one region; QuotaRevision keeps every report of it.
class Quota(Model):
    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="quotas", on_delete=fields.RESTRICT
    )
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, on_delete=fields.RESTRICT
    )
    target = fields.BigIntField()
    base = fields.CharField(max_length=12)
    eligible = fields.BigIntField(null=True)
    # The count behind base "accounts" (registered accounts the metric is measured against).
    base_count = fields.BigIntField(null=True)
    updated_on = fields.DateField()

    class Meta:
        table = "quota"
        unique_together = (("task", "region"),)


# Who reported a quota, for idempotency only: its key is derived apart from the reporter key of
# sensitive rows (pseudonyms.quota_reporter_key), since a quota names a village.
class QuotaRevision(Model):
    id = fields.IntField(primary_key=True)
    quota: fields.ForeignKeyRelation[Quota] = fields.ForeignKeyField(
        "models.Quota", related_name="revisions", on_delete=fields.CASCADE
    )
    reporter_key = fields.CharField(max_length=64)
    client_id = fields.CharField(max_length=64)
    target = fields.BigIntField()
    base = fields.CharField(max_length=12)
    eligible = fields.BigIntField(null=True)
    base_count = fields.BigIntField(null=True)
    reported_on = fields.DateField()

    class Meta:
        table = "quota_revision"
        unique_together = (("reporter_key", "client_id"),)


class ProgressPoint(Model):
    id = fields.IntField(primary_key=True)
    quota: fields.ForeignKeyRelation[Quota] = fields.ForeignKeyField(
        "models.Quota", related_name="progress", on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    value = fields.BigIntField()

    class Meta:
        table = "progress_point"
        unique_together = (("quota", "at"),)


# How one reporter met one quota (sensitive). The quota is named by a keyed hash of its id: a quota
# names a village, and the reporter key beside it would tie the reporter to that village.
class Outcome(Model):
    id = fields.IntField(primary_key=True)
    reporter_key = fields.CharField(max_length=64)
    quota_ref = fields.CharField(max_length=64)
    status = fields.CharField(max_length=8)
    # Comma-separated members of vocab.MEANS, sorted.
    means = fields.CharField(max_length=120)
    cost_yuan = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    # The day it was received: it counts in that month's release.
    reported_on = fields.DateField()

    class Meta:
        table = "outcome"
        unique_together = (("reporter_key", "quota_ref"),)


# Minutes one reporter spent on one day (sensitive).
class TimeEntry(Model):
    id = fields.BigIntField(primary_key=True)
    reporter_key = fields.CharField(max_length=64)
    client_id = fields.CharField(max_length=64)
    # A digest of the body as first sent: the same client_id with another body is a conflict.
    body_hash = fields.CharField(max_length=64)
    date = fields.DateField()
    # The day it reached the server: an entry counts for a month only if received before the
    # month's publication, so nothing sent later can move or be subtracted from a release.
    received_on = fields.DateField()
    minutes = fields.IntField()
    activity = fields.CharField(max_length=24)
    task: fields.ForeignKeyNullableRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "time_entry"
        # Idempotency is the database's job: a replayed batch cannot insert a row twice.
        unique_together = (("reporter_key", "client_id"),)
        # The second index covers the release's read of a month: it never touches the table.
        # The third counts the distinct reporters of a task, which decides when it is shared.
        indexes = (
            ("reporter_key", "date"),
            ("date", "received_on", "reporter_key", "minutes", "activity", "task_id"),
            ("task_id", "reporter_key"),
        )


# One app a reporter must use, and how much residents really use it (sensitive).
class RosterItem(Model):
    id = fields.IntField(primary_key=True)
    reporter_key = fields.CharField(max_length=64)
    app: fields.ForeignKeyRelation[App] = fields.ForeignKeyField(
        "models.App", related_name=False, on_delete=fields.CASCADE
    )
    resident_use = fields.CharField(max_length=8)
    # The day the reporter last confirmed their roster: it counts in that month's release only.
    received_on = fields.DateField()

    class Meta:
        table = "roster_item"
        unique_together = (("reporter_key", "app"),)


# A month's release (DESIGN.md §2): published once, at its publication day, by whichever process
# takes the lease; what it holds never changes, and it records the settings it was made under.
class Release(Model):
    month = fields.CharField(max_length=7, primary_key=True)
    # "computing" while a process holds the lease, then "published".
    status = fields.CharField(max_length=10)
    lease_until = fields.DatetimeField(null=True)
    # The day it was published: only data received before it counts.
    published_on = fields.DateField()
    # k, min_level, wage, publish_days and the rules the release was made under.
    settings = fields.JSONField()

    class Meta:
        table = "release"


# One region of a release: its place in the tree as it stood, and only the figures that passed the
# disclosure pass (hidden figures are never stored).
class ReleaseCell(Model):
    id = fields.BigIntField(primary_key=True)
    month = fields.CharField(max_length=7)
    code = fields.CharField(max_length=20)
    parent = fields.CharField(max_length=20, null=True)
    level = fields.CharField(max_length=10)
    path = fields.CharField(max_length=255)
    # Reporters, minutes, median, quota pressure, outcomes, rosters, tasks, categories: see release.py.
    figures = fields.JSONField()

    class Meta:
        table = "release_cell"
        unique_together = (("month", "code"),)


# A flag of a release, rendered in one interface language, under the region it names.
class ReleaseFlag(Model):
    id = fields.BigIntField(primary_key=True)
    month = fields.CharField(max_length=7)
    locale = fields.CharField(max_length=8)
    path = fields.CharField(max_length=255)
    position = fields.IntField()
    flag = fields.JSONField()

    class Meta:
        table = "release_flag"
        indexes = (("month", "locale", "path"),)


# A burden-reduction review of a region and period: the summary and flags as they stood when it
# opened (in every interface language), the decisions taken, and when it closed.
class Review(Model):
    id = fields.IntField(primary_key=True)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, on_delete=fields.RESTRICT
    )
    period = fields.CharField(max_length=8)
    # Reviews are official acts: the supervisor who opened one is on record.
    opened_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    opened_on = fields.DateField()
    closed_on = fields.DateField(null=True)
    snapshot = fields.JSONField()

    class Meta:
        table = "review"


# One decision of a review: what was withdrawn, reduced, merged, closed or dropped, and where.
class ReviewDecision(Model):
    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "models.Review", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "models.Region", related_name=False, on_delete=fields.RESTRICT
    )
    task: fields.ForeignKeyNullableRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    app: fields.ForeignKeyNullableRelation[App] = fields.ForeignKeyField(
        "models.App", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    new_target = fields.IntField(null=True)
    decided_on = fields.DateField()

    class Meta:
        table = "review_decision"


# The review feed's durable outbox: a message is written in the same breath as what it reports
# and leaves only when the receiver answered 2xx (DESIGN.md §5, JIANFU_REVIEW_WEBHOOK).
class FeedMessage(Model):
    id = fields.IntField(primary_key=True)
    # Sent as Idempotency-Key: the receiver may see a message twice, never two messages for one event.
    key = fields.CharField(max_length=80, unique=True)
    event = fields.CharField(max_length=32)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    # A worker holds a message until then, so several server processes never send it at once.
    lease_until = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "feed_message"
        indexes = (("delivered_at", "next_attempt_at"),)


# A code a person is handed once (issue 12): a password reset an administrator gives a cadre in
# person, or the link that creates the first administrator of a fresh store. Only its hash is
# stored; it works once, until it expires.
class OneTimeCode(Model):
    id = fields.IntField(primary_key=True)
    purpose = fields.CharField(max_length=16)  # "reset" or "first_admin"
    code_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()

    class Meta:
        table = "one_time_code"


# What an administrator or a cadre did to accounts and invites (issue 12): who, what, to whom, on
# which day. Never a figure, an entry or a time of day.
class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    day = fields.DateField()
    actor = fields.CharField(max_length=40)
    action = fields.CharField(max_length=24)
    target = fields.CharField(max_length=80)

    class Meta:
        table = "audit_event"
