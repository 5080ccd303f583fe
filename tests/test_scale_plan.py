"""docs/scale.md, the plan to move from one PostgreSQL to Citus, held to the models: every table
is placed, and the migration it lists is exactly what Citus would need of today's keys (the
distribution column in every primary and unique key of a distributed table, foreign keys between
distributed tables only when co-located and including that column)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.fields.relational import ForeignKeyFieldInstance

PLAN = Path(__file__).resolve().parents[1] / "docs" / "scale.md"


def placements() -> dict[str, tuple[str, str]]:
    """table -> (placement, distribution column) from the plan's table."""
    text = PLAN.read_text(encoding="utf-8")
    found = {}
    for line in text.split("<!-- The table below", 1)[1].splitlines()[1:]:
        if not line.startswith("|"):
            if found:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("table", "---"):
            continue
        found[cells[0]] = (cells[1], cells[2])
    return found


def planned_steps() -> set[str]:
    text = PLAN.read_text(encoding="utf-8").split("<!-- Read by tests/test_scale_plan.py", 1)[1]
    return {m.group(1).strip() for m in re.finditer(r"^- (\w+: .+)$", text, re.MULTILINE)}


@pytest.fixture(scope="module")
def models() -> dict[str, type]:
    """The models by table, their relations resolved without opening any connection (the store
    fixtures of other tests keep theirs)."""
    if "models" not in (Tortoise.apps or {}):
        Tortoise.init_models(["server.models"], "models")
    return {m._meta.db_table: m for m in Tortoise.apps["models"].values()}


def needed_steps(models: dict[str, type], placed: dict[str, tuple[str, str]]) -> set[str]:
    """What Citus needs of today's keys, table by table."""
    steps: set[str] = set()
    for table, model in models.items():
        placement, column = placed[table]
        if placement != "distributed":
            continue
        meta = model._meta
        columns = {
            f.source_field or name for name, f in meta.fields_map.items() if not isinstance(f, ForeignKeyFieldInstance)
        } | {f"{name}_id" for name in meta.fk_fields}
        if column not in columns:
            steps.add(f"{table}: add column {column}")
        if meta.pk_attr != column:
            steps.add(f"{table}: primary key ({column}, {meta.pk_attr})")
        for unique in meta.unique_together:
            names = [f"{name}_id" if name in meta.fk_fields else name for name in unique]
            if column not in names:
                steps.add(f"{table}: unique ({', '.join([column, *names])})")
        for name in meta.fk_fields:
            target = meta.fields_map[name].related_model._meta.db_table
            target_placement, target_column = placed[target]
            if target_placement == "distributed" and target_column == column:
                if column != f"{name}_id":
                    steps.add(f"{table}: foreign key ({column}, {name}_id)")
            elif target_placement == "distributed":
                steps.add(f"{table}: drop foreign key {name}_id")
    return steps


def test_every_table_is_placed_once(models):
    placed = placements()
    assert set(placed) == set(models), "tables in docs/scale.md but not in the models, or the reverse"
    for table, (placement, column) in placed.items():
        assert placement in ("distributed", "reference", "local"), table
        assert bool(column) == (placement == "distributed"), f"{table}: only a distributed table names a column"


def test_the_planned_migration_is_exactly_what_citus_needs(models):
    assert planned_steps() == needed_steps(models, placements())


def test_sensitive_rows_are_sharded_by_reporter_and_carry_no_place(models):
    """The plan must not put a region back on sensitive rows (DESIGN.md §2)."""
    placed = placements()
    for table in ("time_entry", "roster_item", "outcome", "quota_revision"):
        assert placed[table] == ("distributed", "reporter_key")
        fields = set(models[table]._meta.fields_map)
        assert not fields & {"region", "region_id", "province"}, table


def test_no_reference_or_local_table_points_at_a_distributed_one(models):
    placed = placements()
    for table, model in models.items():
        if placed[table][0] == "distributed":
            continue
        for name in model._meta.fk_fields:
            target = model._meta.fields_map[name].related_model._meta.db_table
            assert placed[target][0] != "distributed", f"{table}.{name} points at distributed {target}"
