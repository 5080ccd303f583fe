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


def roles() -> dict[str, str]:
    return {"cadre": _("Cadre"), "supervisor": _("Supervisor"), "admin": _("Administrator")}


def audit_actions() -> dict[str, str]:
    """Every action of server.audit.ACTIONS as a sentence of the log, to be filled with the actor
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
