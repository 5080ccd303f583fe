"""The input rules a phone checks before it queues anything, as JSON for the page.

They are the server's own limits, patterns and sentences (parse.py, durations.py, ledger_rules.py,
spoofing.py, tasks.py, rules.py), so the phone never says "saved" for what the server would refuse,
and never words an error differently. static/checks.js applies them; it holds no limit of its own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from server.domain.durations import duration_syntax
from server.domain.entries import DAY_MINUTES, MAX_TARGET
from server.domain.rules import Rules
from server.services.spoofing import HIDDEN_CATEGORIES, hidden_problem
from server.web.i18n import gettext as _
from server.web.labels import field_names
from server.web.parse import day_window, message

TITLE_LENGTH = 200  # tasks.read_task: a task's title
# The fields of Today's and the quota form, named in the reader's words under the field.
FORM_FIELDS = (
    "minutes",
    "date",
    "task",
    "activity",
    "target",
    "eligible",
    "base",
    "region",
    "title",
    "period_start",
    "period_end",
    "issued_by",
    "metric",
)


# The sentences of `fields.message` the phone's checks can say.
PHONE_SENTENCES = (
    "required",
    "whole",
    "between",
    "at_most",
    "duration",
    "duration_range",
    "date",
    "date_between",
    "before_start",
    "day_full",
    "eligible_needed",
)


def client_rules(rules: Rules, today: date) -> dict[str, Any]:
    """Limits and sentences (with %(name)s left for the phone to fill) in the request's language."""
    earliest, latest = day_window(today)
    slot = {name: f"%({name})s" for name in ("low", "high", "count", "earliest", "latest", "day")}
    names = field_names()
    sentences = {key: message(key, **slot) for key in PHONE_SENTENCES}
    sentences["hidden"] = hidden_problem()
    sentences["field_problem"] = _("%(field)s: %(problem)s", field="%(field)s", problem="%(problem)s")
    return {
        "duration": {**duration_syntax(), "low": 1, "high": DAY_MINUTES},
        "day": {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
        "count": {"low": 1, "high": MAX_TARGET},
        "title": {"max": TITLE_LENGTH, "hidden": sorted(HIDDEN_CATEGORIES)},  # Unicode categories refused in names
        "coverage": {"warning": rules.coverage_warning, "critical": rules.coverage_critical},
        "messages": sentences,
        "labels": {key: names[key] for key in FORM_FIELDS},
    }
