"""The month's entries summed per reporter as they are written, so a release reads a few rows per
reporter instead of every entry of the month (issue 15: the nation's ~100M entries a month).

Two tables, kept by the store itself (triggers on `time_entry`), so every path that writes an
entry (the outbox, edits, deletions, merged tasks, a task deleted, a leaving cadre, the demo, a
restore) keeps them without knowing of them:

- `entry_month`: per reporter, the minutes, the number of entries, the first and last day logged,
  and for each kind of work (`vocab.ACTIVITIES`, a fixed list) its minutes (`m_<activity>`) and
  entries (`n_<activity>`). The release reads from it the totals, medians, who is established,
  and the time by activity, complaint category and evidence, in one pass over one row per
  reporter.
- `entry_month_task`: per reporter and task (0: under no task), the minutes and entries. Tasks
  are an open list, so they are rows, not columns.

Every row also carries `received_by`: the day the entries reached the server, or the month's last
day when they arrived within the month. A release counts only what was received before its
publication day, which always falls after the month's end, so `received_by < cutoff` selects
exactly the entries `received_on < cutoff` would, while the month's in-time entries share one
row. Like `time_entry`, these rows name a reporter only by key and carry no region.

"Logged on at least two distinct days" (DESIGN.md §2, an established reporter) is exact from the
first and last day: two distinct days exist when they differ.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.vocab import ACTIVITIES

# By dialect: a date's month key ("2026-10"), the month's first and last day, the larger and the
# smaller of two values, and what the tables are made with.
_SQL = {
    "sqlite": {
        "month": "strftime('%Y-%m', {d})",
        "first": "date({d}, 'start of month')",
        "last": "date({d}, 'start of month', '+1 month', '-1 day')",
        "greatest": "max",
        "least": "min",
        "key": "TEXT",
        "tail": " WITHOUT ROWID",  # rows kept in key order: a month's reporters are read in order
    },
    "postgres": {
        "month": "to_char({d}, 'YYYY-MM')",
        "first": "date_trunc('month', {d})::date",
        "last": "(date_trunc('month', {d}) + interval '1 month - 1 day')::date",
        "greatest": "GREATEST",
        "least": "LEAST",
        "key": "VARCHAR(64)",
        "tail": "",
    },
}

# Each table's key.
KEYS = {
    "entry_month": ("month", "reporter_key", "received_by"),
    "entry_month_task": ("month", "reporter_key", "task_id", "received_by"),
}
TABLES = tuple(KEYS)
# The per-activity columns of entry_month, and the activity each sums.
ACTIVITY_COLUMNS = {activity: (f"m_{activity}", f"n_{activity}") for activity in ACTIVITIES}


def _month(dialect: str, d: str) -> str:
    return _SQL[dialect]["month"].format(d=d)


def _bucket(dialect: str, r: str) -> str:
    """The day an entry row `r` counts as received: its own, or its month's last day if earlier."""
    sql = _SQL[dialect]
    return f"{sql['greatest']}({r}.received_on, {sql['last'].format(d=f'{r}.date')})"


def _key_values(dialect: str, table: str, r: str) -> list[str]:
    """The key of the row an entry row `r` counts in."""
    task = [f"COALESCE({r}.task_id, 0)"] if table == "entry_month_task" else []
    return [_month(dialect, f"{r}.date"), f"{r}.reporter_key", *task, _bucket(dialect, r)]


def _sums(table: str, r: str) -> dict[str, str]:
    """What an entry row `r` adds to each summed column (its minutes, one entry)."""
    sums = {"minutes": f"{r}.minutes", "entries": "1"}
    if table == "entry_month":
        for activity, (minutes, entries) in ACTIVITY_COLUMNS.items():
            sums[minutes] = f"CASE WHEN {r}.activity = '{activity}' THEN {r}.minutes ELSE 0 END"
            sums[entries] = f"CASE WHEN {r}.activity = '{activity}' THEN 1 ELSE 0 END"
    return sums


def create_tables(dialect: str) -> list[str]:
    sql = _SQL[dialect]
    statements = []
    for table, key in KEYS.items():
        columns = [f"month VARCHAR(7) NOT NULL, reporter_key {sql['key']} NOT NULL"]
        if table == "entry_month_task":
            columns.append("task_id BIGINT NOT NULL")
        columns.append("received_by DATE NOT NULL")
        # INT: a reporter's month holds at most 31 days of 24 hours (44,640 minutes), so its sums
        # fit, and PostgreSQL sums INT columns far faster than BIGINT ones.
        columns += [f"{name} INT NOT NULL" for name in _sums(table, "r")]
        if table == "entry_month":
            columns.append("first_date DATE NOT NULL, last_date DATE NOT NULL")
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)}, PRIMARY KEY ({', '.join(key)})){sql['tail']}"
        )
    return statements


def _where(dialect: str, table: str, r: str) -> str:
    return " AND ".join(f"{c} = {v}" for c, v in zip(KEYS[table], _key_values(dialect, table, r), strict=True))


def _add(dialect: str, r: str) -> list[str]:
    """Statements that count the entry row `r` (NEW in a trigger)."""
    sql = _SQL[dialect]
    statements = []
    for table, key in KEYS.items():
        sums = _sums(table, r)
        columns = [*key, *sums]
        values = [*_key_values(dialect, table, r), *sums.values()]
        update = [f"{c} = {table}.{c} + excluded.{c}" for c in sums]
        if table == "entry_month":
            columns += ["first_date", "last_date"]
            values += [f"{r}.date", f"{r}.date"]
            update += [
                f"first_date = {sql['least']}({table}.first_date, excluded.first_date)",
                f"last_date = {sql['greatest']}({table}.last_date, excluded.last_date)",
            ]
        statements.append(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(update)}"
        )
    return statements


def _remove(dialect: str, r: str) -> list[str]:
    """Statements that take the entry row `r` (OLD in a trigger) out again. The first and last
    day of what is left are read back from the reporter's own entries (an index on reporter and
    day): a removed entry may have been the only one on either."""
    statements = []
    for table in KEYS:
        where = _where(dialect, table, r)
        sets = [f"{c} = {c} - {v}" for c, v in _sums(table, r).items()]
        statements.append(f"UPDATE {table} SET {', '.join(sets)} WHERE {where}")
        if table == "entry_month":
            # A statement of its own, after the one above: on PostgreSQL that one waits for a
            # writer of the same row to commit, and only a statement started after the wait
            # sees that writer's entries (a subquery of the waiting statement would read the
            # days as they were before it, and bring back a deleted day or lose a new one).
            left = (
                f"FROM time_entry e WHERE e.reporter_key = {r}.reporter_key "
                f"AND e.date >= {_SQL[dialect]['first'].format(d=f'{r}.date')} "
                f"AND e.date <= {_SQL[dialect]['last'].format(d=f'{r}.date')} "
                f"AND {_bucket(dialect, 'e')} = {_bucket(dialect, r)}"
            )
            statements.append(
                f"UPDATE {table} SET first_date = COALESCE((SELECT MIN(e.date) {left}), first_date), "
                f"last_date = COALESCE((SELECT MAX(e.date) {left}), last_date) WHERE {where}"
            )
        statements.append(f"DELETE FROM {table} WHERE {where} AND entries <= 0")
    return statements


# An edit that changes none of these leaves the sums as they are.
COUNTED = ("reporter_key", "date", "received_on", "minutes", "activity", "task_id")


def create_triggers(dialect: str) -> list[str]:
    if dialect == "sqlite":
        body = {
            "entry_month_insert": ("AFTER INSERT", _add(dialect, "NEW")),
            "entry_month_delete": ("AFTER DELETE", _remove(dialect, "OLD")),
            "entry_month_update": (
                f"AFTER UPDATE OF {', '.join(COUNTED)}",
                _remove(dialect, "OLD") + _add(dialect, "NEW"),
            ),
        }
        return [
            f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON time_entry BEGIN {'; '.join(steps)}; END"
            for name, (when, steps) in body.items()
        ]
    removing = "; ".join(_remove(dialect, "OLD"))
    adding = "; ".join(_add(dialect, "NEW"))
    return [
        "CREATE OR REPLACE FUNCTION entry_month_change() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {removing}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {adding}; END IF; "
        "RETURN NULL; END $body$",
        "DROP TRIGGER IF EXISTS entry_month_change ON time_entry",
        f"CREATE TRIGGER entry_month_change AFTER INSERT OR DELETE OR UPDATE OF {', '.join(COUNTED)} "
        "ON time_entry FOR EACH ROW EXECUTE FUNCTION entry_month_change()",
    ]


def fill_tables(dialect: str) -> list[str]:
    """Sum what `time_entry` already holds (once, when the tables are made), in one pass each."""
    statements = []
    for table, key in KEYS.items():
        sums = _sums(table, "e")
        group = _key_values(dialect, table, "e")
        columns = [*key, *sums]
        values = [*group, *(f"SUM({v})" for v in sums.values())]
        if table == "entry_month":
            columns += ["first_date", "last_date"]
            values += ["MIN(e.date)", "MAX(e.date)"]
        statements.append(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM time_entry e GROUP BY {', '.join(group)}"
        )
    return statements


async def install(client: BaseDBAsyncClient) -> None:
    """Make the tables, fill them from the entries already stored, then keep them with triggers
    (one migration, one transaction: no entry can fall between the fill and the triggers)."""
    dialect = client.capabilities.dialect
    for statement in create_tables(dialect) + fill_tables(dialect) + create_triggers(dialect):
        await client.execute_query(statement)
