"""The auditor: the reader's equations over what a release shows, solved exactly one connected part
at a time, the hidden values they pin down, and the shown cells that cover each leak."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from server.domain.disclosure.elimination import reduce_rows
from server.domain.disclosure.figures import Cell, Number, Region, Relation, Table, Unknown, is_empty, is_safe
from server.domain.disclosure.release import Release


@dataclass(frozen=True)
class Equation:
    """One equation the reader has: coefficients on unknowns, and on shown cells (their known values)."""

    unknowns: tuple[tuple[int, Number], ...]  # numbered unknowns (`Auditor.unknowns`)
    known: tuple[tuple[int, Number], ...]  # numbered cells, shown


class Auditor(Release):
    """The release with the reader's equations over it, built once before knowing what is hidden."""

    def __init__(
        self, regions: list[Region], tables: list[Table], relations: list[Relation], *, knows_empty: bool = False
    ) -> None:
        super().__init__(regions, tables, relations, knows_empty=knows_empty)
        self.templates = self._templates()
        self._unseen: set[int] | None = None  # what `_parts` last split, and what it kept
        self._rows: list[Equation | None] = []
        self._root: dict[int, int] = {}
        self._kept: dict[int, tuple[Equation, ...]] = {}
        self._holding: dict[int, list[int]] = {}

    def audit(
        self, hidden: Mapping[str, AbstractSet[str]], cache: dict[tuple[Equation, ...], frozenset[int]]
    ) -> list[tuple[tuple[Equation, ...], list[int]]]:
        """Each connected part of the reader's system, with the unknowns in it that it determines and must not.

        Unknowns are numbered in their sort order (`self.unknowns`), so that the system is built,
        split and solved over ints, in the same order the tuples would give."""
        parts = self._parts(hidden)
        result = []
        for part in parts:
            if part not in cache:
                cache[part] = frozenset(_solved(part))
            result.append((part, sorted(x for x in cache[part] if self._sensitive(self.unknowns[x]))))
        return result

    def _templates(self) -> list[tuple[tuple[tuple[Cell, Number], ...], tuple[tuple[Unknown, Number], ...]]]:
        """The reader's equations before knowing what is hidden: one per table and parent (with the parent's
        own remainder when it has one), one per relation and region; known zeros left out, terms sorted."""
        templates = []
        for name in self.names:
            for parent in self._families(name):
                terms = [((name, parent), 1)] + [((name, c), -1) for c in self.children[parent]]
                own = ((("own", name, parent), -1),) if (name, parent) in self.own else ()
                templates.append((terms, own))
        for relation in self.relations:
            if not self.knows_empty:
                templates += [([((name, code), c) for name, c in relation], ()) for code in self.codes]
                continue
            # To this reader a table empty in a region is a known term there: only the others are written.
            coefficient = dict(relation)
            among = set(coefficient)
            for code in sorted(set().union(*(self.filled[name] for name in among))):
                names = sorted(self.filled_at[code] & among)
                templates.append(([((name, code), coefficient[name]) for name in names], ()))
        kept = [(tuple(sorted(t for t in terms if not self._known(*t[0]))), own) for terms, own in templates]
        kept = [(terms, own) for terms, own in kept if terms or own]
        return self._numbered(kept)

    def _numbered(
        self, kept: list[tuple[tuple[tuple[Cell, Number], ...], tuple[tuple[Unknown, Number], ...]]]
    ) -> list[tuple[tuple[tuple[int, Number], ...], tuple[tuple[int, Number], ...]]]:
        """The templates over numbered unknowns, so the system is built and solved over ints; sets
        `unknowns` (number -> unknown) and `cell_numbers` (table -> code -> number) for the way back."""
        self.unknowns = sorted(
            {("cell", *cell) for terms, _ in kept for cell, _ in terms} | {x for _, own in kept for x, _ in own}
        )
        number = {x: i for i, x in enumerate(self.unknowns)}
        self.cell_numbers = {name: {} for name in self.names}
        for i, (kind, name, code) in enumerate(self.unknowns):
            if kind == "cell":
                self.cell_numbers[name][code] = i
        return [
            (tuple((number[("cell", *cell)], c) for cell, c in terms), tuple((number[x], c) for x, c in own))
            for terms, own in kept
        ]

    def _families(self, name: str) -> list[str]:
        """The parents whose family equation in this table can hold an unknown: all, or to a reader who
        knows where nothing was logged, those with something in the parent or a child."""
        if not self.knows_empty:
            return self.parents
        filled = self.filled[name]
        return sorted(
            {p for p in filled if p in self.children} | {self.parent[c] for c in filled if self.parent[c] is not None}
        )

    def _known(self, name: str, code: str) -> bool:
        """A cell whose value the reader knows without the release: a known zero, or (to a reader who
        knows where nothing was logged) an empty cell."""
        return code in self.known_zero or (self.knows_empty and code not in self.filled[name])

    def _parts(self, hidden: Mapping[str, AbstractSet[str]]) -> list[tuple[Equation, ...]]:
        """The reader's equations that involve an unknown (terms sorted, "cell" before "own"), split
        into parts that share no unknown (union-find), each sorted: a stable cache key.

        Kept from one call to the next: hiding only grows between the audit's rounds, so only the
        equations of templates that hold a newly hidden cell change, they only gain unknowns, and
        parts only merge: a part that no changed equation touches is the one of the last round (on
        a province's month, rebuilding and re-splitting 25,000 equations took half of each round)."""
        unseen = {
            number
            for name, numbers in self.cell_numbers.items()
            for code, number in numbers.items()
            if code in hidden[name]
        }
        if self._unseen is None or not unseen >= self._unseen:
            self._rows, self._root, self._kept = [None] * len(self.templates), {}, {}
            changed: Iterable[int] = range(len(self.templates))
        else:
            if not self._holding:  # template numbers by the cell numbers they hold
                for t, (terms, _own) in enumerate(self.templates):
                    for x, _ in terms:
                        self._holding.setdefault(x, []).append(t)
            changed = sorted({t for x in unseen - self._unseen for t in self._holding.get(x, ())})
        self._unseen = unseen
        for t in changed:
            terms, own = self.templates[t]
            unknowns = tuple(term for term in terms if term[0] in unseen)
            if unknowns or own:
                row = Equation(unknowns + own, tuple(term for term in terms if term[0] not in unseen))
                self._rows[t] = row
                first = _find(self._root, row.unknowns[0][0])
                for x, _ in row.unknowns[1:]:
                    other = _find(self._root, x)
                    if other != first:
                        self._root[max(first, other)] = min(first, other)
                        first = min(first, other)
        touched = {_find(self._root, row.unknowns[0][0]) for t in changed if (row := self._rows[t]) is not None}
        groups: dict[int, list[Equation]] = {}
        for row in self._rows:
            if row is not None:
                root = _find(self._root, row.unknowns[0][0])
                if root in touched or root not in self._kept:
                    groups.setdefault(root, []).append(row)
                else:
                    groups.setdefault(root, [])
        self._kept = {
            root: self._kept[root] if not rows else tuple(sorted(rows, key=_order)) for root, rows in groups.items()
        }
        return [self._kept[root] for root in sorted(self._kept)]

    def _sensitive(self, unknown: Unknown) -> bool:
        """Whether the reader must not learn this value: a published hidden cell unless empty; else
        below the floor unless empty."""
        kind, name, code = unknown
        table = self.tables[name]
        if kind == "own":
            figure = self.own[(name, code)]
        else:
            figure = (self.value(table, code), self.contributors(table, code))
        if kind == "cell" and table.published:
            return not is_empty(*figure)
        return not is_safe(*figure, table.floor)

    def cover(self, part: tuple[Equation, ...], found: list[int]) -> list[Cell]:
        """Shown cells to hide against a part's leaks, at most one per leaked value: the one with the fewest
        contributors (then code, table) among the cells the reader's derivation of it uses, unless a cell
        already chosen breaks that derivation. Falling back on the cells of the value's equations, then of the
        part, covers a value derived from known zeros alone."""
        derivations = _derivations(part, found)
        chosen: list[Cell] = []
        for x in found:
            used = derivations[x]
            used = used or {cell for row in part if x in dict(row.unknowns) for cell, _ in row.known}
            used = used or {cell for row in part for cell, _ in row.known}
            cells = {self.unknowns[cell][1:] for cell in used}
            if derivations[x] and cells & set(chosen):
                continue
            if not cells:
                raise ValueError(f"nothing shown can be hidden to protect {self.unknowns[x]}")
            chosen.append(min(cells, key=self._smallness))
        return chosen


def _find(root: dict[int, int], x: int) -> int:
    """The root of x's part (the smallest unknown in it), halving the path on the way."""
    while root.setdefault(x, x) != x:
        root[x] = root[root[x]]
        x = root[x]
    return x


def _order(row: Equation) -> tuple:
    return row.unknowns, row.known


def _solved(part: tuple[Equation, ...]) -> list[int]:
    """The unknowns of a part that its equations determine: those whose reduced row is the unit vector."""
    columns = sorted({x for row in part for x, _ in row.unknowns})
    index = {x: i for i, x in enumerate(columns)}
    rows = [{index[x]: c for x, c in row.unknowns} for row in part]
    pivots = reduce_rows(rows)
    return [columns[c] for c, r in sorted(pivots.items()) if sum(1 for k in rows[r] if k >= 0) == 1]


def _derivations(part: tuple[Equation, ...], found: list[int]) -> dict[int, set[int]]:
    """For each leaked value, the shown cells a reader's formula for it uses.

    The formula comes from the fewest equations around the value that already determine it (grown
    ring by ring through shared unknowns), reduced with the known cells carried along as columns that
    are never pivots: a local derivation, and cheap where the part is large.
    """
    rows_of: dict[int, list[int]] = {}
    for i, row in enumerate(part):
        for y, _ in row.unknowns:
            rows_of.setdefault(y, []).append(i)
    return {x: _derivation(_around(part, rows_of, x), x) for x in found}


def _around(part: tuple[Equation, ...], rows_of: dict[int, list[int]], x: int) -> tuple[Equation, ...]:
    """The smallest ring of equations around x (by shared unknowns) that determines x; the part at worst."""
    reach, taken = {x}, set(rows_of[x])
    while True:
        rows = tuple(part[i] for i in sorted(taken))
        if x in _solved(rows):
            return rows
        wider = {y for row in rows for y, _ in row.unknowns} - reach
        if not wider:
            return rows
        reach |= wider
        taken.update(i for y in wider for i in rows_of[y])


def _derivation(rows: tuple[Equation, ...], x: int) -> set[int]:
    columns = sorted({y for row in rows for y, _ in row.unknowns})
    index = {y: i for i, y in enumerate(columns)}
    cells = sorted({cell for row in rows for cell, _ in row.known})
    known = {cell: -1 - i for i, cell in enumerate(cells)}
    matrix = [{**{index[y]: c for y, c in row.unknowns}, **{known[cell]: c for cell, c in row.known}} for row in rows]
    pivots = reduce_rows(matrix)
    return {cells[-1 - k] for k in matrix[pivots[index[x]]] if k < 0}
