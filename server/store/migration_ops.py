"""Operations our hand-written migrations share (kept outside server/migrations, which Tortoise
reads as a list of migrations)."""

from __future__ import annotations

from tortoise.migrations import operations as ops


class StateOnly(ops.TortoiseOperation):
    """Moves the model state as `operation` would; the migration's own SQL has already changed the
    table. Tortoise's SQLite table rebuild drops unique constraints and keeps removed foreign-key
    columns, so our migrations change tables in plain SQL per dialect and follow with these."""

    def __init__(self, operation: ops.TortoiseOperation) -> None:
        self.operation = operation

    def describe(self) -> str:
        return self.operation.describe()

    def state_forward(self, app_label: str, state) -> None:
        self.operation.state_forward(app_label, state)
