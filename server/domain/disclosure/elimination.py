"""Exact Gauss-Jordan elimination on sparse rows of ints and Fractions: how the auditor solves the
reader's equations."""

from __future__ import annotations

import heapq
from fractions import Fraction

from server.domain.disclosure.figures import Number, as_whole

Row = dict[int, Number]  # column -> coefficient; unknowns have columns >= 0, known cells < 0


def reduce_rows(rows: list[Row]) -> dict[int, int]:
    """Gauss-Jordan elimination over the unknown columns (>= 0), in place; columns < 0 ride along.

    Returns pivot column -> row. Pivots are chosen sparse-first (the row with fewest unknowns, then
    its column in fewest rows), which keeps the tree-shaped systems of a release from filling in.
    """
    where = _rows_by_column(rows)
    size = [sum(1 for c in row if c >= 0) for row in rows]
    heap = [(n, i) for i, n in enumerate(size)]
    heapq.heapify(heap)
    pivots: dict[int, int] = {}
    done: set[int] = set()
    while heap:
        n, i = heapq.heappop(heap)
        if i in done or n != size[i]:
            continue
        done.add(i)
        if n == 0:
            continue
        column = _sparsest(rows[i], where)
        row = _scaled_to_one(rows, i, column)
        for j in sorted(where[column] - {i}):
            _subtract(rows, j, row, column, where, size)
            if j not in done:
                heapq.heappush(heap, (size[j], j))
        pivots[column] = i
    return pivots


def _rows_by_column(rows: list[Row]) -> dict[int, set[int]]:
    """The rows each unknown column appears in: kept in step by `_subtract`, so a pivot's rows are
    found without scanning every row."""
    where: dict[int, set[int]] = {}
    for i, row in enumerate(rows):
        for c in row:
            if c >= 0:
                where.setdefault(c, set()).add(i)
    return where


def _scaled_to_one(rows: list[Row], i: int, column: int) -> Row:
    """Row i divided by its coefficient in the pivot column, stored back and returned."""
    row = rows[i]
    scale = row[column]
    if scale == -1:  # the common case in sums of ±1: negate, no Fraction
        row = rows[i] = {c: -v for c, v in row.items()}
    elif scale != 1:
        row = rows[i] = {c: as_whole(Fraction(v) / scale) for c, v in row.items()}
    return row


def _sparsest(row: Row, where: dict[int, set[int]]) -> int:
    """The row's unknown column found in the fewest rows (then the smallest): the pivot that fills in least."""
    best, fewest = -1, 0
    for c in row:
        if c >= 0:
            n = len(where[c])
            if best < 0 or n < fewest or (n == fewest and c < best):
                best, fewest = c, n
    return best


def _subtract(rows: list[Row], j: int, pivot: Row, column: int, where: dict[int, set[int]], size: list[int]) -> None:
    """rows[j] -= rows[j][column] * pivot, keeping the column index and the unknown counts in step."""
    target = rows[j]
    factor = target[column]
    for c, v in pivot.items():
        new = target.get(c, 0) - factor * v
        if new:
            if c not in target and c >= 0:
                where[c].add(j)
                size[j] += 1
            target[c] = new if type(new) is int else as_whole(new)
        elif c in target:
            del target[c]
            if c >= 0:
                where[c].discard(j)
                size[j] -= 1
