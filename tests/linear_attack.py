"""A supervisor reading a release, written apart from server/domain/disclosure.py so the tests do not
check the auditor with itself: it sees the shown figures and the org chart, writes every equation it
knows with the real numbers, solves them with Fractions and returns every value it pins down.

The reader is granted what the design grants them: the region tree, which regions are known zeros
(their figures are shown as 0), which parents have nobody of their own in a table (`no_own`), and the
relations between tables. Its unknowns are every cell not shown and every other parent's own remainder.
"""

from __future__ import annotations

from fractions import Fraction

Unknown = tuple[str, str, str]  # ("cell" | "own", table, code)


def attack(
    parents: dict[str, str | None],
    shown: dict[str, dict[str, Fraction]],
    relations: list[dict[str, Fraction]],
    no_own: set[tuple[str, str]],
) -> dict[Unknown, Fraction]:
    """Every unknown the reader can compute, with its value. `shown` holds every table (an
    unpublished one with only its known zeros)."""
    rows = _family_rows(parents, shown, no_own) + _relation_rows(parents, shown, relations)
    return _pinned(rows)


Equation = tuple[dict[Unknown, Fraction], Fraction]  # sum(coefficient * unknown) == constant


def _term(
    shown: dict[str, dict[str, Fraction]], table: str, code: str, coefficient: Fraction, row: dict[Unknown, Fraction]
) -> Fraction:
    """Adds an unknown term to the row, or returns the known part to move to the other side."""
    if code in shown[table]:
        return -coefficient * shown[table][code]
    key = ("cell", table, code)
    row[key] = row.get(key, Fraction(0)) + coefficient
    return Fraction(0)


def _family_rows(
    parents: dict[str, str | None], shown: dict[str, dict[str, Fraction]], no_own: set[tuple[str, str]]
) -> list[Equation]:
    """value(parent) - sum(value(children)) - own(parent) == 0, for every table and parent."""
    children: dict[str, list[str]] = {}
    for code, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(code)
    rows = []
    for table in shown:
        for parent, kids in children.items():
            row: dict[Unknown, Fraction] = {}
            constant = _term(shown, table, parent, Fraction(1), row)
            for kid in kids:
                constant += _term(shown, table, kid, Fraction(-1), row)
            if (table, parent) not in no_own:
                row[("own", table, parent)] = Fraction(-1)
            rows.append((row, constant))
    return rows


def _relation_rows(
    parents: dict[str, str | None], shown: dict[str, dict[str, Fraction]], relations: list[dict[str, Fraction]]
) -> list[Equation]:
    rows = []
    for relation in relations:
        for code in parents:
            row: dict[Unknown, Fraction] = {}
            constant = sum((_term(shown, table, code, Fraction(c), row) for table, c in relation.items()), Fraction(0))
            rows.append((row, constant))
    return rows


def _pinned(rows: list[Equation]) -> dict[Unknown, Fraction]:
    """Plain Gauss-Jordan in the order the unknowns sort; a reduced row with one unknown pins it."""
    rows = [({k: v for k, v in row.items() if v != 0}, constant) for row, constant in rows]
    unknowns = sorted({k for row, _ in rows for k in row})
    done: list[Equation] = []
    for x in unknowns:
        pivot = next((i for i, (row, _) in enumerate(rows) if x in row), None)
        if pivot is None:
            continue
        row, constant = rows.pop(pivot)
        scale = row[x]
        row, constant = {k: v / scale for k, v in row.items()}, constant / scale
        rows = [_eliminate(other, row, constant, x) for other in rows]
        done = [_eliminate(other, row, constant, x) for other in done] + [(row, constant)]
    for row, constant in rows:
        assert not row and constant == 0, "the published figures contradict each other"
    return {next(iter(row)): constant for row, constant in done if len(row) == 1}


def _eliminate(equation: Equation, pivot: dict[Unknown, Fraction], pivot_constant: Fraction, x: Unknown) -> Equation:
    row, constant = equation
    factor = row.get(x, Fraction(0))
    if factor == 0:
        return equation
    merged = dict(row)
    for k, v in pivot.items():
        merged[k] = merged.get(k, Fraction(0)) - factor * v
    return {k: v for k, v in merged.items() if v != 0}, constant - factor * pivot_constant
