"""Words for the closed vocabularies, in the reader's language (one place, used by every page)."""

from __future__ import annotations

from server.domain import vocab
from server.domain.messages import Label
from server.web.i18n import gettext as _


def activities() -> dict[str, str]:
    return {
        "registration_drive": _("Registration drive"),
        "data_entry": _("Data entry"),
        "check_in": _("Check-in"),
        "evidence": _("Photos and screenshots as proof"),
        "duplicate_reporting": _("Same data into another system"),
        "study": _("Compulsory study"),
        "meeting": _("Meeting"),
        "other": _("Other"),
    }


def metrics() -> dict[str, str]:
    return {
        "registrations": _("Registrations"),
        "monthly_active": _("Monthly active accounts"),
        "installs": _("App installs"),
        "likes": _("Likes"),
        "reposts": _("Reposts"),
        "reads": _("Reads"),
        "check_ins": _("Check-ins"),
        "online_time": _("Time online"),
        "study_time": _("Study time"),
        "record_updates": _("Record updates"),
        "cases_reported": _("Cases reported upward"),
        "eligible_people": _("Eligible people entered"),
        "forms": _("Forms filled"),
        "visits": _("Visits"),
        "other": _("Other"),
    }


def bases() -> dict[str, str]:
    return {
        "population": _("Registered population"),
        "households": _("Households"),
        "accounts": _("Accounts"),
        "eligible": _("Eligible people"),
        "none": _("No base"),
    }


def rankings() -> dict[str, str]:
    return {
        "none": _("No ranking"),
        "daily": _("Daily ranking"),
        "weekly": _("Weekly ranking"),
        "monthly": _("Monthly ranking"),
    }


def penalties() -> dict[str, str]:
    return {
        "none": _("No penalty"),
        "criticism": _("Public criticism"),
        "rectification_report": _("Rectification report"),
        "score_deduction": _("Score deduction"),
    }


def evidence() -> dict[str, str]:
    return {
        "none": _("No proof demanded"),
        "screenshots": _("Screenshots"),
        "gps_trace": _("GPS trace"),
        "photos": _("Photos"),
    }


def resident_use() -> dict[str, str]:
    return {"none": _("Residents never use it"), "rare": _("Rarely"), "some": _("Sometimes"), "common": _("Commonly")}


def levels() -> dict[str, str]:
    return {
        "province": _("Province"),
        "city": _("City"),
        "county": _("County"),
        "township": _("Township"),
        "village": _("Village or community"),
        "grid": _("Grid"),
    }


def severities() -> dict[str, str]:
    return {"info": _("Note"), "warning": _("Warning"), "critical": _("Impossible honestly")}


def outcome_statuses() -> dict[str, str]:
    return {"met": _("Met"), "partly": _("Partly met"), "missed": _("Missed")}


def means() -> dict[str, str]:
    return {
        "door_to_door": _("Door to door"),
        "own_accounts": _("With my own or colleagues' accounts"),
        "borrowed_phones": _("With borrowed phones"),
        "paid_service": _("With a paid service"),
        "other": _("Another way"),
    }


def complaint_categories() -> dict[str, str]:
    """The categories the official complaint channels use, so summaries line up with them."""
    return {
        "promotion": _("Promotion (推广)"),
        "evaluation": _("Evaluation and study (考核)"),
        "check_in": _("Check-ins (打卡)"),
        "evidence": _("Proof and evidence (过度留痕)"),
        "duplicate_reporting": _("The same data again (多头填报)"),
        "hollow_apps": _("Hollow apps (空壳应用)"),
        "other": _("Other"),
    }


def decisions() -> dict[str, str]:
    return {
        "withdraw_quota": _("Withdraw the quota"),
        "reduce_quota": _("Reduce the quota"),
        "merge_app": _("Merge the app into another"),
        "close_app": _("Close the app"),
        "drop_ranking": _("Drop the ranking"),
        "other": _("Other"),
    }


def flag_kinds() -> dict[str, str]:
    """What each flag is called where a person reads it (the method page, CSV columns)."""
    return {
        "exceeds_base": _("Target above the population"),
        "exceeds_eligible": _("Target above the eligible people"),
        "escalation": _("Target raised on its way down (层层加码)"),
        "pace": _("A pace the place has never kept"),
        "vanity_metric": _("Counts app activity, not work"),
        "ranking_pressure": _("Ranking or penalty"),
        "trace_requirement": _("Traces and check-ins as proof"),
        "uniform_growth": _("A counter growing like a machine"),
        "duplicate_app": _("Apps doing the same job"),
        "zombie_app": _("An app residents do not use"),
        "peer_outlier": _("Far busier than its neighbours"),
    }


def index_names() -> dict[str, str]:
    """The burden indices by the names supervisors read on the dashboard."""
    return {
        "burden_index": _("Burden index"),
        "hours_per_reporter_week": _("Hours per cadre a week"),
        "hours_per_reporter_week_median": _("Hours a week of the median cadre"),
        "apps_per_reporter": _("Apps per cadre"),
        "quota_pressure": _("Quota pressure"),
        "ranking_share": _("Share of quotas ranked or punished"),
        "evidence_share": _("Share of time on proof and re-entry"),
        "fabrication_share": _("Share of quotas met by fabrication"),
        "cost_yuan": _("Cost in yuan"),
        "change": _("Change against the previous period"),
    }


def app_functions() -> dict[str, str]:
    """Names for the app functions the demo and the shared scenarios use as codes."""
    return {
        "anti_fraud": _("Fraud prevention"),
        "study": _("Study"),
        "public_security": _("Public security"),
        "grid_management": _("Grid management"),
        "river_patrol": _("River patrol"),
        "social_assistance": _("Social assistance"),
        "medical_insurance": _("Medical insurance"),
        "rural_revitalization": _("Rural revitalization"),
        "civilization": _("Civilization practice"),
        "village_affairs": _("Village affairs"),
        "public_rental_housing": _("Public rental housing"),
    }


def app_function(function: str) -> str | None:
    """An app's function as a reader may see it: its name when it is a known code, the text as
    typed otherwise, and nothing when it is a code no one has named (never the raw code)."""
    shown = vocab.app_function(function)
    return app_functions()[shown.code] if isinstance(shown, Label) else shown


def export_records() -> dict[str, str]:
    """The kinds of rows in a cadre's own export."""
    return {
        "entry": _("Time spent"),
        "quota": _("Quota"),
        "outcome": _("How a quota was met"),
        "roster": _("App I must use"),
    }


def review_statuses() -> dict[str, str]:
    return {"open": _("Open"), "closed": _("Closed")}


def roles() -> dict[str, str]:
    return {"cadre": _("Cadre"), "supervisor": _("Supervisor"), "admin": _("Administrator")}


def audit_actions() -> dict[str, str]:
    """Every action of server.store.audit.ACTIONS as a sentence of the log, to be filled with the actor
    and the target (`%(actor)s`, `%(target)s`)."""
    return {
        "user_created": _("%(actor)s created the account %(target)s."),
        "user_disabled": _("%(actor)s disabled the account %(target)s."),
        "user_enabled": _("%(actor)s enabled the account %(target)s."),
        "password_reset_issued": _("%(actor)s gave %(target)s a password reset code."),
        "password_reset_used": _("%(actor)s set a new password with a reset code."),
        "account_deleted": _("%(actor)s deleted their own account."),
        "invite_created": _("%(actor)s created the invite %(target)s."),
        "invite_revoked": _("%(actor)s revoked the invite %(target)s."),
        "first_admin_created": _("%(actor)s became the first administrator."),
        "task_merged": _("%(actor)s merged the tasks %(target)s."),
        "task_renamed": _("%(actor)s renamed the task %(target)s."),
        "task_hidden": _("%(actor)s hid the task %(target)s."),
        "app_merged": _("%(actor)s merged the apps %(target)s."),
        "app_renamed": _("%(actor)s renamed the app %(target)s."),
        "app_hidden": _("%(actor)s hid the app %(target)s."),
        "region_imported": _("%(actor)s imported regions: %(target)s."),
        "region_edited": _("%(actor)s edited the region %(target)s."),
    }


def field_names() -> dict[str, str]:
    """What each input field is called on the forms, so an error names it in the reader's words."""
    return {
        "activity": _("Kind of work"),
        "app": _("App"),
        "apps": _("Apps"),
        "at": _("Time of the reading"),
        "base": _("Measured against"),
        "base_count": _("Number of accounts"),
        "body": _("Request"),
        "client_id": _("Entry number"),
        "code": _("Code"),
        "cost_yuan": _("Yuan spent"),
        "current_password": _("Current password"),
        "date": _("Date"),
        "eligible": _("Eligible people"),
        "entries": _("Entries"),
        "evidence": _("Proof demanded"),
        "expires": _("Expires"),
        "frequency": _("How often"),
        "function": _("What it is for"),
        "households": _("Households"),
        "issued_by": _("Issued by"),
        "kind": _("Kind"),
        "level": _("Level"),
        "locale": _("Language"),
        "means": _("How it was met"),
        "metric": _("What it counts"),
        "minutes": _("Duration"),
        "name": _("Name"),
        "name_hant": _("Name in Traditional Chinese"),
        "new_password": _("New password"),
        "new_target": _("New target"),
        "note": _("Note"),
        "owner_level": _("Owned by level"),
        "owner_region": _("Owned by"),
        "parent": _("Parent place"),
        "password": _("Password"),
        "penalty": _("Penalty for the last"),
        "period": _("Period"),
        "period_end": _("To"),
        "period_start": _("From"),
        "points": _("Readings"),
        "population": _("Population"),
        "ranking": _("Ranking"),
        "region": _("Place"),
        "regions": _("Places"),
        "resident_use": _("How much residents use it"),
        "role": _("Role"),
        "status": _("Status"),
        "target": _("Target"),
        "task": _("Task"),
        "title": _("What is demanded"),
        "username": _("Username"),
        "uses": _("Uses"),
        "value": _("Value"),
    }


def field_name(key: str) -> str:
    """A field's name for people: `points[3].at` is "Time of the reading (row 4)"; an unknown key
    stays generic rather than showing code."""
    head, _dot, last = key.rpartition(".")
    name = field_names().get(last, _("a field"))
    if head.endswith("]") and "[" in head:
        row = head[head.rindex("[") + 1 : -1]
        if row.isdigit():
            return _("%(field)s (row %(row)s)", field=name, row=int(row) + 1)
    return name
