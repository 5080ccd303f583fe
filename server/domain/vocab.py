"""The closed vocabularies of DESIGN.md §2: every enum value the API accepts, in one place."""

from __future__ import annotations

import re

from server.domain.messages import Label

LEVELS = ("province", "city", "county", "township", "village", "grid")
ROLES = ("cadre", "supervisor", "admin")
LOCALES = ("zh-Hans", "zh-Hant", "en")

# What a quota counts. The one-per-person metrics can be compared with the population;
# the vanity metrics are those burden-reduction rules forbid as evaluation criteria.
METRICS = (
    "registrations",
    "monthly_active",
    "installs",
    "likes",
    "reposts",
    "reads",
    "check_ins",
    "online_time",
    "study_time",
    "record_updates",
    "cases_reported",
    "eligible_people",
    "forms",
    "visits",
    "other",
)
ONE_PER_PERSON_METRICS = frozenset({"registrations", "monthly_active", "installs"})
# Everything but the work itself: people actually found and served, forms, visits.
VANITY_METRICS = frozenset(METRICS) - {"eligible_people", "forms", "visits", "other"}

FREQUENCIES = ("once", "daily", "weekly", "monthly", "quarterly", "yearly")
RANKINGS = ("none", "daily", "weekly", "monthly")
PENALTIES = ("none", "criticism", "rectification_report", "score_deduction")
EVIDENCE = ("none", "screenshots", "gps_trace", "photos")
BASES = ("population", "households", "accounts", "eligible", "none")
OUTCOME_STATUSES = ("met", "partly", "missed")
MEANS = ("door_to_door", "own_accounts", "borrowed_phones", "paid_service", "other")
FABRICATION_MEANS = frozenset({"own_accounts", "borrowed_phones", "paid_service"})
ACTIVITIES = (
    "registration_drive",
    "data_entry",
    "check_in",
    "evidence",
    "duplicate_reporting",
    "study",
    "meeting",
    "other",
)
RESIDENT_USE = ("none", "rare", "some", "common")
SEVERITIES = ("critical", "warning", "info")  # most severe first
FLAG_KINDS = (
    "exceeds_base",
    "exceeds_eligible",
    "escalation",
    "pace",
    "vanity_metric",
    "ranking_pressure",
    "trace_requirement",
    "uniform_growth",
    "duplicate_app",
    "zombie_app",
    "peer_outlier",
)


def severity_order(severity: str) -> int:
    """Where a flag of this severity stands when the most severe come first (unknown ones last)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


# An app's function is free text; these are the codes the demo and the shared scenarios use, which
# readers see by name (server.web.labels.app_functions).
APP_FUNCTIONS = (
    "anti_fraud",
    "study",
    "public_security",
    "grid_management",
    "river_patrol",
    "social_assistance",
    "medical_insurance",
    "rural_revitalization",
    "civilization",
    "village_affairs",
    "public_rental_housing",
)
IDENTIFIER = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def app_function(function: str) -> Label | str | None:
    """An app's function as a reader may see it: the label of a known code, the text as typed
    otherwise, and nothing when it is a code no one has named (never the raw code)."""
    if function in APP_FUNCTIONS:
        return Label("app_functions", function)
    return None if IDENTIFIER.fullmatch(function) else function


# The activity a task's time most likely goes to, so one tap on a task logs the right kind.
ACTIVITY_OF_METRIC = {
    "registrations": "registration_drive",
    "monthly_active": "registration_drive",
    "installs": "registration_drive",
    "likes": "registration_drive",
    "reposts": "registration_drive",
    "reads": "registration_drive",
    "check_ins": "check_in",
    "online_time": "study",
    "study_time": "study",
    "record_updates": "data_entry",
    "cases_reported": "data_entry",
    "eligible_people": "data_entry",
    "forms": "duplicate_reporting",
}


def default_activity(metric: str) -> str:
    """The activity logged when a cadre taps a task with this metric."""
    return ACTIVITY_OF_METRIC.get(metric, "other")


# What a burden-reduction review may decide (DESIGN.md §2), and what each decision must name.
DECISIONS = ("withdraw_quota", "reduce_quota", "merge_app", "close_app", "drop_ranking", "other")
DECISION_NEEDS = {
    "withdraw_quota": "task",
    "reduce_quota": "task",
    "drop_ranking": "task",
    "merge_app": "app",
    "close_app": "app",
}
