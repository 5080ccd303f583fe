"""A copy of the store without the secret links nothing (the publication issue, attack 10).

Whoever holds a copy of the database or a `jianfu backup` file, but not JIANFU_SECRET, must not be
able to tie a sensitive row to a person, nor to a region below the lowest published level: the demo
store is loaded by the real command and then read as such a person would, with plain SQL.
"""

import hashlib
import hmac
import sqlite3
from contextlib import closing

import pytest
from environment import SECRET

pytestmark = pytest.mark.slow  # reads the demo county, seeded by `python -m server demo`

# The entry_month tables are time_entry summed per reporter as it is written (store/entry_months.py).
SENSITIVE = {"time_entry", "entry_month", "entry_month_task", "outcome", "roster_item"}


@pytest.fixture(scope="module")
def copy(demo_seed):
    """The demo store as `python -m server demo` left it under SECRET (conftest's demo_seed), read only."""
    with closing(sqlite3.connect(f"file:{demo_seed}?mode=ro", uri=True)) as connection:
        yield connection


def columns(connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def keyed(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def test_sensitive_rows_hold_no_person_no_region_and_no_quota(copy):
    for table in SENSITIVE:
        held = columns(copy, table)
        assert not held & {"user_id", "region_id", "quota_id"}, table
        assert not any("time" in name and name != "time_entry" for name in held), table  # dates only
    # Foreign keys out of the sensitive tables lead to tasks and apps only, never to a place or person.
    targets = {row[2] for table in SENSITIVE for row in copy.execute(f"PRAGMA foreign_key_list({table})")}
    assert targets <= {"task", "gov_app"}


def test_no_key_of_a_sensitive_row_appears_beside_a_region(copy):
    """Quota reports name a village: their key is derived apart, so it matches no entry's key."""
    entry_keys = {key for (key,) in copy.execute("SELECT DISTINCT reporter_key FROM time_entry")}
    quota_keys = {key for (key,) in copy.execute("SELECT DISTINCT reporter_key FROM quota_revision")}
    assert len(entry_keys) > 300
    assert not entry_keys & quota_keys
    refs = {ref for (ref,) in copy.execute("SELECT DISTINCT quota_ref FROM outcome")}
    quota_ids = {str(ident) for (ident,) in copy.execute("SELECT id FROM quota")}
    assert refs and not refs & quota_ids and not any(ref.startswith("legacy-") for ref in refs)


def test_only_the_secret_turns_keys_into_people(copy):
    users = [ident for (ident,) in copy.execute("SELECT id FROM app_user WHERE role = 'cadre'")]
    entry_keys = {key for (key,) in copy.execute("SELECT DISTINCT reporter_key FROM time_entry")}
    # A guess at the secret, or the plain hash of an id, ties nobody.
    for guess in ("", "jianfu-demo-secret-not-for-production", SECRET[:-1]):
        assert not {keyed(guess, f"reporter:{u}") for u in users} & entry_keys
    assert not {hashlib.sha256(f"reporter:{u}".encode()).hexdigest() for u in users} & entry_keys
    # With the secret, every key belongs to exactly one cadre: the server's own way from a person to their rows.
    assert entry_keys <= {keyed(SECRET, f"reporter:{u}") for u in users}
