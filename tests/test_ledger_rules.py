"""How a batch of entries is sorted against what the reporter stored, over plain values."""

from datetime import date

from server.domain.entries import (
    CONFLICT,
    DAY_FULL,
    DUPLICATE,
    EntryPlan,
    NewEntry,
    Refusal,
    body_hash,
    decided_entries,
    plan_entries,
)

DAY = date(2024, 3, 1)


def entry(cid: str, minutes: int, day: date = DAY) -> dict:
    return {"client_id": cid, "date": day, "minutes": minutes, "activity": "other", "task": None, "note": None}


def test_plan_entries_sorts_new_replayed_conflicting_and_full_days():
    stored_entry = entry("a", 600)
    stored = [("a", body_hash(stored_entry), DAY, 600), ("b", "other-digest", DAY, 600)]
    fresh = [entry("a", 600), entry("b", 30), entry("c", 200), entry("d", 100), entry("e", 30, date(2024, 3, 2))]
    plan = plan_entries([(e, body_hash(e)) for e in fresh], stored)
    assert plan.refused == [Refusal("a", DUPLICATE), Refusal("b", CONFLICT), Refusal("d", DAY_FULL, DAY)]
    assert [row["client_id"] for row in plan.rows] == ["c", "e"]
    assert plan.rows[0]["body_hash"] == body_hash(entry("c", 200))


def test_plan_entries_counts_a_client_id_once_within_a_batch():
    first, again = entry("a", 60), entry("a", 60)
    plan = plan_entries([(first, body_hash(first)), (again, body_hash(again))], [])
    assert plan == EntryPlan(rows=[{**first, "body_hash": body_hash(first)}], refused=[Refusal("a", DUPLICATE)])


def test_body_hash_ignores_the_client_id():
    assert body_hash(entry("a", 5)) == body_hash(entry("b", 5)) != body_hash(entry("a", 6))


def test_what_an_entry_says_hashes_as_it_did_when_phones_first_sent_it():
    """An outbox resends entries stored under an earlier version: the digest of what an entry says
    must not change, or a replay would be refused as a conflict. Digests computed by the code of
    ff231bc, before entries became NewEntry values."""
    told = NewEntry("x", date(2026, 3, 2), 30, "register", 7, "上门 登记")
    plain = NewEntry("y", date(2026, 3, 2), 15, "other", None)
    assert body_hash(told.said()) == "12f0b5e59d25ab04740be695aeb961505a722d8f4ed2f3f4cbdca198d0df062a"
    assert body_hash(plain.said()) == "f6eeb69dfcee3374fed0740fe1069f6387b52872634f3950d4c2da9f5870b177"


def test_an_unsaid_kind_of_work_is_the_tasks_usual_one_and_an_unseen_task_is_refused():
    day = date(2026, 3, 2)
    sent = [
        NewEntry("tapped", day, 30, None, 7),  # a task tapped on Today: its usual kind
        NewEntry("said", day, 15, "meeting", 7),  # said: kept
        NewEntry("bare", day, 10, None, None),  # no task, nothing said: other
        NewEntry("hidden", day, 5, None, 9),  # a task the cadre does not see
    ]
    known, unknown = decided_entries(sent, {7: "registrations"})
    assert [(e.client_id, e.activity) for e in known] == [
        ("tapped", "registration_drive"),
        ("said", "meeting"),
        ("bare", "other"),
    ]
    assert [e.client_id for e in unknown] == ["hidden"]
