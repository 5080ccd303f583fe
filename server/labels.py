"""Words for the closed vocabularies, in the reader's language (one place, used by every page)."""

from __future__ import annotations

from server.i18n import gettext as _


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
    return {"none": _("No ranking"), "daily": _("Daily ranking"), "weekly": _("Weekly ranking"), "monthly": _("Monthly ranking")}


def penalties() -> dict[str, str]:
    return {
        "none": _("No penalty"),
        "criticism": _("Public criticism"),
        "rectification_report": _("Rectification report"),
        "score_deduction": _("Score deduction"),
    }


def evidence() -> dict[str, str]:
    return {"none": _("No proof demanded"), "screenshots": _("Screenshots"), "gps_trace": _("GPS trace"), "photos": _("Photos")}


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


def field_names() -> dict[str, str]:
    """What each input field is called on the forms, so an error names it in the reader's words."""
    return {
        "activity": _("Kind of work"), "app": _("App"), "apps": _("Apps"), "at": _("Time of the reading"), "base": _("Measured against"),
        "base_count": _("Number of accounts"), "body": _("Request"), "client_id": _("Entry number"), "code": _("Code"), "cost_yuan": _("Yuan spent"),
        "current_password": _("Current password"), "date": _("Date"), "eligible": _("Eligible people"), "entries": _("Entries"),
        "evidence": _("Proof demanded"), "expires": _("Expires"), "frequency": _("How often"), "function": _("What it is for"),
        "households": _("Households"), "issued_by": _("Issued by"), "kind": _("Kind"), "level": _("Level"), "locale": _("Language"),
        "means": _("How it was met"), "metric": _("What it counts"), "minutes": _("Duration"), "name": _("Name"), "name_hant": _("Name in Traditional Chinese"),
        "new_password": _("New password"), "new_target": _("New target"), "note": _("Note"), "owner_level": _("Owned by level"),
        "owner_region": _("Owned by"), "parent": _("Parent place"), "password": _("Password"), "penalty": _("Penalty for the last"),
        "period": _("Period"), "period_end": _("To"), "period_start": _("From"), "points": _("Readings"), "population": _("Population"),
        "ranking": _("Ranking"), "region": _("Place"), "regions": _("Places"), "resident_use": _("How much residents use it"), "role": _("Role"),
        "status": _("Status"), "target": _("Target"), "task": _("Task"), "title": _("What is demanded"), "username": _("Username"),
        "uses": _("Uses"), "value": _("Value"),
    }


def field_name(key: str) -> str:
    """A field's name for people: `points[3].at` is "Time of the reading (row 4)"; an unknown key
    stays generic rather than showing code."""
    head, _dot, last = key.rpartition(".")
    name = field_names().get(last, _("a field"))
    if head.endswith("]") and "[" in head:
        row = head[head.rindex("[") + 1:-1]
        if row.isdigit():
            return _("%(field)s (row %(row)s)", field=name, row=int(row) + 1)
    return name
