"""Disclosure control of a whole release at once (DESIGN.md §2 "Anonymity").

The adversary is a supervisor who knows the region tree, who has staff where, and every figure the
release shows. They subtract a parent's shown children from it, and they combine measures that are
known to add up (categories to minutes, cost to minutes and yuan): every figure of every table is
one term of a linear system they can solve. So suppression is decided over all tables together:

1. primary: a cell with too few distinct contributors in some component (zero included) hides;
2. complementary, family by family (a parent and its children): what the parent minus its shown
   children leaves (hidden children plus the parent's own staff) must be nothing or rest on enough
   contributors, else the next-smallest sibling hides, or the parent when none is left;
3. `requires`: a derived figure hides wherever one of its inputs does;
4. the auditor: the reader's equations over the unknowns, solved exactly (rational Gauss-Jordan on
   sparse rows, one connected part at a time); while it pins down a value that must stay unknown,
   one more cell hides against each leaked value (unless a cell hidden in the same round already
   breaks how the reader derives it), and 2-4 run again. Hiding only grows, so it ends.

The auditor of `protect` grants the reader more than the release shows: it knows which hidden cells
are empty (nothing logged, nobody behind it), as a supervisor who sent a task to some townships
knows where it was not sent. A reader who knows more pins down more, so this can only hide more,
never less; and since most cells of most task tables are empty, it leaves the auditor a system an
order of magnitude smaller. `determined` answers for either reader.

A known zero (a region with no cadre account in its subtree) is shown as 0 in every table: it is
public knowledge, so it is never an unknown and never needs protecting.

Pure: no ORM, no HTTP, no i18n. Exact arithmetic only: Fractions, kept as ints while whole because
int arithmetic is several times faster and just as exact.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

OWN = "#own"  # suffix of the code in `determined` for a parent's own remainder (its own staff's figure)

Cell = tuple[str, str]  # (table, code)
Unknown = tuple[str, str, str]  # ("cell" | "own", table, code)
Number = int | Fraction
Row = dict[int, Number]  # column -> coefficient; unknowns have columns >= 0, known cells < 0


@dataclass(frozen=True)
class Region:
    code: str
    parent: str | None  # None at the top of the published tree
    known_zero: bool  # no cadre account anywhere in its subtree: every figure is 0 there and everyone knows it


@dataclass
class Table:
    """One published measure over the region tree (minutes, reporters, one task's minutes, outcomes
    saying yes, yuan paid, ...)."""

    name: str
    values: dict[str, Fraction]  # subtree total per region code (a missing code is 0)
    contributors: dict[
        str, tuple[int, ...]
    ]  # distinct established contributors per code, subtree (missing = all zeros)
    floor: tuple[int, ...]  # the primary rule per component, e.g. (10,) or (3, 3)
    published: bool = True  # False: an unpublished part that still takes part in relations
    requires: tuple[
        str, ...
    ] = ()  # shown in a region only where these tables are shown too (a derived figure such as cost)


@dataclass(frozen=True)
class Relation:
    """Known to every reader in every region: sum(coefficient * value of table in that region) == 0."""

    terms: dict[str, Fraction]


@dataclass(frozen=True)
class _Equation:
    """One equation the reader has: coefficients on unknowns, and on shown cells (their known values)."""

    unknowns: tuple[tuple[int, Number], ...]  # numbered unknowns (`_Problem.unknowns`)
    known: tuple[tuple[int, Number], ...]  # numbered cells, shown


def protect(
    regions: list[Region], tables: list[Table], relations: list[Relation], *, audit: bool = True
) -> dict[str, set[str]]:
    """The codes hidden in each table (unpublished tables: every code that is not known zero).

    Primary and complementary suppression, then the auditor in a loop until nothing hidden is
    determined. `audit=False` stops after complementary suppression: only for tests that show what
    the auditor adds.
    """
    problem = _Problem(regions, tables, relations, knows_empty=True)
    hidden, queue = problem.primary()
    problem.settle(hidden, queue)
    cache: dict[tuple[_Equation, ...], frozenset[Unknown]] = {}
    while audit:
        leaks = [(part, found) for part, found in problem.audit(hidden, cache) if found]  # found: unknowns' numbers
        if not leaks:
            break
        for part, found in leaks:
            problem.hide(hidden, problem.cover(part, found), queue)
        problem.settle(hidden, queue)
    return {name: set(hidden[name]) for name in problem.names}


def determined(
    regions: list[Region],
    tables: list[Table],
    relations: list[Relation],
    hidden: Mapping[str, Iterable[str]],
    *,
    knows_empty: bool = False,
) -> set[tuple[str, str]]:
    """The auditor alone: (table, code) of hidden values that the published figures determine exactly.

    Reported: hidden cells of published tables that are not empty (some contributor, or a nonzero
    value), and parents' own remainders and unpublished cells that are not empty yet below the
    floor. An own remainder is reported as (table, code + OWN). `knows_empty`: the reader also
    knows which hidden cells are empty (the reader `protect` defends against).
    """
    problem = _Problem(regions, tables, relations, knows_empty=knows_empty)
    full = problem.full_hidden(hidden)
    found = [problem.unknowns[x] for _, leaked in problem.audit(full, {}) for x in leaked]
    return {(table, code + OWN if kind == "own" else code) for kind, table, code in found}


class _Problem:
    """The release as the reader sees it: the tree, the tables, the relations, each parent's own remainders."""

    def __init__(
        self, regions: list[Region], tables: list[Table], relations: list[Relation], *, knows_empty: bool = False
    ) -> None:
        self._tree(regions)
        self.tables = {t.name: t for t in tables}
        self.names = sorted(self.tables)
        self._values = {
            t.name: {code: _whole(v if isinstance(v, Fraction) else Fraction(v)) for code, v in t.values.items() if v}
            for t in tables
        }
        self._contributors = {t.name: {code: tuple(n) for code, n in t.contributors.items()} for t in tables}
        if len(self.names) != len(tables):
            raise ValueError("two tables share a name")
        for table in tables:
            self._check(table)
        self.relations = [
            tuple(sorted((name, _whole(Fraction(c))) for name, c in r.terms.items() if c != 0)) for r in relations
        ]
        self.relations = sorted(set(r for r in self.relations if r))
        if any(name not in self.tables for r in self.relations for name, _ in r):
            raise ValueError("a relation names a table that is not given")
        # Only figures that add up let that reader solve for the release's own values; figures that
        # do not (a stored activity no relation knows of) get the exact reader: slower, never wrong.
        self.knows_empty = knows_empty and self._relations_hold()
        self.requirers = {name: sorted(t.name for t in tables if name in t.requires) for name in self.names}
        self.wholes = [whole for whole in (_whole_and_parts(r) for r in self.relations) if whole]
        # Codes with something in them, per table: everywhere else the table is empty.
        self.filled = {
            name: {c for c, v in self._values[name].items() if v}
            | {c for c, n in self._contributors[name].items() if any(n)}
            for name in self.names
        }
        # An empty parent has an empty remainder (its children's counts only take away from nothing).
        self.own = {
            (t, p): self._remainder(t, p, self.children[p])
            for t in self.names
            for p in self.parents
            if p in self.filled[t]
        }
        self.own = {key: figure for key, figure in self.own.items() if not _empty(*figure)}
        self.templates = self._templates()
        self._queued: set[tuple[int, str, str]] = set()  # families in the queue, so each waits there once
        self._touched: set[str] | None = None  # codes where something hid since the parts were last checked; None: all

    def _tree(self, regions: list[Region]) -> None:
        self.parent = {r.code: r.parent for r in regions}
        self.codes = sorted(self.parent)
        if len(self.codes) != len(regions):
            raise ValueError("two regions share a code")
        self.children: dict[str, list[str]] = {}
        for code in self.codes:
            if self.parent[code] is not None:
                if self.parent[code] not in self.parent:
                    raise ValueError(f"region {code} has an unknown parent")
                self.children.setdefault(self.parent[code], []).append(code)
        self.parents = sorted(self.children)
        self.depth = {code: self._depth(code) for code in self.codes}
        marked = {r.code for r in regions if r.known_zero}
        # Nobody anywhere in a known-zero subtree: its descendants are known zeros too.
        self.known_zero = {c for c in self.codes if any(a in marked for a in self._ancestry(c))}

    def _ancestry(self, code: str) -> list[str]:
        chain = [code]
        while self.parent[chain[-1]] is not None:
            chain.append(self.parent[chain[-1]])
            if len(chain) > len(self.parent):
                raise ValueError(f"region {code} is in a cycle")
        return chain

    def _depth(self, code: str) -> int:
        return len(self._ancestry(code)) - 1

    def _check(self, table: Table) -> None:
        """Refuse figures the tree cannot protect: a code outside the tree, a wrong width, a known zero
        that is not zero."""
        width = len(table.floor)
        for code in sorted(set(table.values) | set(table.contributors)):
            if code not in self.parent:
                raise ValueError(f"table {table.name} has figures for {code}, which is not in the tree")
            if len(self.contributors(table, code)) != width:
                raise ValueError(f"table {table.name}: contributors of {code} do not match the floor's width")
            if code in self.known_zero and not _empty(self.value(table, code), self.contributors(table, code)):
                raise ValueError(f"table {table.name}: {code} is a known zero but has figures")
        if any(name not in self.tables for name in table.requires):
            raise ValueError(f"table {table.name} requires a table that is not given")

    def _relations_hold(self) -> bool:
        """Whether every relation adds up in every region with the figures given."""
        return not any(
            sum(c * self._values[name].get(code, 0) for name, c in relation)
            for relation in self.relations
            for code in set().union(*(self._values[name] for name, _ in relation))
        )

    def value(self, table: Table, code: str) -> Number:
        return self._values[table.name].get(code, 0)

    def contributors(self, table: Table, code: str) -> tuple[int, ...]:
        return self._contributors[table.name].get(code) or (0,) * len(table.floor)

    def _remainder(self, name: str, parent: str, shown: list[str]) -> tuple[Number, tuple[int, ...]]:
        """What a reader gets as the parent minus `shown` children: a value, and a floor on its
        distinct contributors."""
        table = self.tables[name]
        value = self.value(table, parent) - sum(self.value(table, c) for c in shown)
        total = self.contributors(table, parent)
        count = tuple(max(0, n - sum(self.contributors(table, c)[i] for c in shown)) for i, n in enumerate(total))
        return value, count

    def primary(self) -> tuple[dict[str, set[str]], list[tuple[int, str, str]]]:
        """Hidden cells by the primary rule (unpublished tables everywhere), and every family to check."""
        hidden: dict[str, set[str]] = {name: set() for name in self.names}
        queue = [(-self.depth[p], p, name) for name in self.names for p in self.parents]
        heapq.heapify(queue)
        self._queued = set(queue)
        for name in self.names:
            table = self.tables[name]
            if all(table.floor):  # a code with no contributors listed has none, and fails the floor
                meets = {c for c, n in self._contributors[name].items() if table.published and _meets(n, table.floor)}
                below = [(name, code) for code in self.codes if code not in meets]
            else:
                below = [
                    (name, code)
                    for code in self.codes
                    if not table.published or not _meets(self.contributors(table, code), table.floor)
                ]
            self.hide(hidden, below, queue)
        self._touched = None
        return hidden, queue

    def full_hidden(self, hidden: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
        full = {name: set(hidden.get(name, ())) - self.known_zero for name in self.names}
        for name in self.names:
            if not self.tables[name].published:
                full[name] = set(self.codes) - self.known_zero
        return full

    def hide(self, hidden: dict[str, set[str]], cells: Iterable[Cell], queue: list[tuple[int, str, str]]) -> None:
        """Hide cells, the cells of tables that require them, and queue the families they sit in."""
        stack = sorted(cells, reverse=True)
        while stack:
            name, code = stack.pop()
            if code in hidden[name] or code in self.known_zero:
                continue
            hidden[name].add(code)
            if self._touched is not None:
                self._touched.add(code)
            parent = self.parent[code]
            if parent is not None:
                self._enqueue(queue, (-self.depth[parent], parent, name))
            stack += [(other, code) for other in reversed(self.requirers[name])]

    def _enqueue(self, queue: list[tuple[int, str, str]], family: tuple[int, str, str]) -> None:
        if family not in self._queued:
            self._queued.add(family)
            heapq.heappush(queue, family)

    def settle(self, hidden: dict[str, set[str]], queue: list[tuple[int, str, str]]) -> None:
        """Complementary suppression to a fixpoint: over the tree, deepest families first, and over
        each cell's parts (a whole minus its shown parts is a remainder too)."""
        while True:
            while queue:
                family = heapq.heappop(queue)
                self._queued.discard(family)
                _, parent, name = family
                more = self._complement(name, parent, hidden[name])
                if more is not None:
                    self.hide(hidden, [(name, more)], queue)
                    self._enqueue(queue, family)
            codes, self._touched = (self.codes if self._touched is None else sorted(self._touched)), set()
            more_parts = self._parts_complement(hidden, codes)
            if not more_parts:
                return
            self.hide(hidden, more_parts, queue)

    def _parts_complement(self, hidden: dict[str, set[str]], codes: Iterable[str]) -> list[Cell]:
        """Cells to hide so that, in every region, a shown whole minus its shown parts (the minutes
        minus the shown categories: the hidden categories together) is nothing or rests on the floor.

        The reader learns the hidden parts' sum, whose contributors are the union of theirs: at least
        the largest of them, and at least the whole's minus the shown parts' (a floor: it errs on
        the side of hiding). One cell per unsafe (whole, region): the smallest shown part. Only `codes`
        are checked: elsewhere nothing hid since the last check, which found nothing to hide there."""
        chosen: list[Cell] = []
        codes = list(codes)
        for whole, parts in self.wholes:
            table = self.tables[whole]
            if any(len(self.tables[p].floor) != len(table.floor) for p in parts):
                continue  # counted differently (a sensitive share's yes and no): the auditor covers them
            for code in codes:
                if code in hidden[whole] or code in self.known_zero or not table.published:
                    continue
                shown = [p for p in parts if code not in hidden[p] and self.tables[p].published]
                unseen = [p for p in parts if p not in shown]
                value = sum(self.value(self.tables[p], code) for p in unseen)
                counts = [self.contributors(self.tables[p], code) for p in unseen]
                if _empty(value, tuple(sum(n) for n in zip(*counts, strict=True)) if counts else ()):
                    continue
                total = self.contributors(table, code)
                rest = [
                    max(
                        [n[i] for n in counts]
                        + [total[i] - sum(self.contributors(self.tables[p], code)[i] for p in shown)]
                    )
                    for i in range(len(table.floor))
                ]
                if _meets(tuple(rest), table.floor):
                    continue
                candidates = sorted(((p, code) for p in shown), key=self._smallness)
                chosen.append(candidates[0] if candidates else (whole, code))
        return chosen

    def _complement(self, name: str, parent: str, hidden: set[str]) -> str | None:
        """The next cell to hide so the family's remainder is nothing or rests on the floor, or None when it does."""
        table = self.tables[name]
        if not table.published or parent in hidden or parent in self.known_zero:
            return None
        shown = [c for c in self.children[parent] if c not in hidden]
        if _safe(*self._remainder(name, parent, shown), table.floor):
            return None
        candidates = [c for c in shown if c not in self.known_zero]
        if not candidates:
            return parent
        return min(candidates, key=lambda c: (sum(self.contributors(table, c)), self.contributors(table, c), c))

    def audit(
        self, hidden: dict[str, set[str]], cache: dict[tuple[_Equation, ...], frozenset[int]]
    ) -> list[tuple[tuple[_Equation, ...], list[int]]]:
        """Each connected part of the reader's system, with the unknowns in it that it determines and must not.

        Unknowns are numbered in their sort order (`self.unknowns`), so that the system is built,
        split and solved over ints, in the same order the tuples would give."""
        parts = _components(self.equations(hidden))
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
            codes = (
                self.codes
                if not self.knows_empty
                else sorted(set().union(*(self.filled[name] for name, _ in relation)))
            )
            templates += [([((name, code), c) for name, c in relation], ()) for code in codes]
        kept = [(tuple(sorted(t for t in terms if not self._known(*t[0]))), own) for terms, own in templates]
        kept = [(terms, own) for terms, own in kept if terms or own]
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

    def equations(self, hidden: dict[str, set[str]]) -> list[_Equation]:
        """The reader's equations that involve an unknown, over numbered cells. Terms stay sorted
        ("cell" before "own")."""
        unseen = {
            numbers[code] for name, numbers in self.cell_numbers.items() for code in hidden[name] if code in numbers
        }
        rows = []
        for terms, own in self.templates:
            unknowns = tuple(t for t in terms if t[0] in unseen)
            if unknowns or own:
                rows.append(_Equation(unknowns + own, tuple(t for t in terms if t[0] not in unseen)))
        return rows

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
            return not _empty(*figure)
        return not _safe(*figure, table.floor)

    def cover(self, part: tuple[_Equation, ...], found: list[int]) -> list[Cell]:
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

    def _smallness(self, cell: Cell) -> tuple[int, str, str]:
        name, code = cell
        return sum(self.contributors(self.tables[name], code)), code, name


def _components(rows: list[_Equation]) -> list[tuple[_Equation, ...]]:
    """The system split into parts that share no unknown (union-find), each sorted: a stable cache key."""
    root: dict[int, int] = {}

    def find(x: int) -> int:
        while root.setdefault(x, x) != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for row in rows:
        first = find(row.unknowns[0][0])
        for x, _ in row.unknowns[1:]:
            other = find(x)
            if other != first:
                root[max(first, other)] = min(first, other)
                first = min(first, other)
    parts: dict[int, list[_Equation]] = {}
    for row in rows:
        parts.setdefault(find(row.unknowns[0][0]), []).append(row)
    return [tuple(sorted(parts[key], key=_order)) for key in sorted(parts)]


def _order(row: _Equation) -> tuple:
    return row.unknowns, row.known


def _solved(part: tuple[_Equation, ...]) -> list[int]:
    """The unknowns of a part that its equations determine: those whose reduced row is the unit vector."""
    columns = sorted({x for row in part for x, _ in row.unknowns})
    index = {x: i for i, x in enumerate(columns)}
    rows = [{index[x]: c for x, c in row.unknowns} for row in part]
    pivots = _reduce(rows)
    return [columns[c] for c, r in sorted(pivots.items()) if sum(1 for k in rows[r] if k >= 0) == 1]


def _derivations(part: tuple[_Equation, ...], found: list[int]) -> dict[int, set[int]]:
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


def _around(part: tuple[_Equation, ...], rows_of: dict[int, list[int]], x: int) -> tuple[_Equation, ...]:
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


def _derivation(rows: tuple[_Equation, ...], x: int) -> set[int]:
    columns = sorted({y for row in rows for y, _ in row.unknowns})
    index = {y: i for i, y in enumerate(columns)}
    cells = sorted({cell for row in rows for cell, _ in row.known})
    known = {cell: -1 - i for i, cell in enumerate(cells)}
    matrix = [{**{index[y]: c for y, c in row.unknowns}, **{known[cell]: c for cell, c in row.known}} for row in rows]
    pivots = _reduce(matrix)
    return {cells[-1 - k] for k in matrix[pivots[index[x]]] if k < 0}


def _reduce(rows: list[Row]) -> dict[int, int]:
    """Gauss-Jordan elimination over the unknown columns (>= 0), in place; columns < 0 ride along.

    Returns pivot column -> row. Pivots are chosen sparse-first (the row with fewest unknowns, then
    its column in fewest rows), which keeps the tree-shaped systems of a release from filling in.
    """
    where: dict[int, set[int]] = {}
    for i, row in enumerate(rows):
        for c in row:
            if c >= 0:
                where.setdefault(c, set()).add(i)
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
        row = rows[i]
        column = _sparsest(row, where)
        scale = row[column]
        if scale == -1:  # the common case in sums of ±1: negate, no Fraction
            row = rows[i] = {c: -v for c, v in row.items()}
        elif scale != 1:
            row = rows[i] = {c: _whole(Fraction(v) / scale) for c, v in row.items()}
        for j in sorted(where[column] - {i}):
            _subtract(rows, j, row, column, where, size)
            if j not in done:
                heapq.heappush(heap, (size[j], j))
        pivots[column] = i
    return pivots


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
            target[c] = new if type(new) is int else _whole(new)
        elif c in target:
            del target[c]
            if c >= 0:
                where[c].discard(j)
                size[j] -= 1


def _whole(x: Number) -> Number:
    """A Fraction that is a whole number as an int: same value, faster arithmetic."""
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


def _whole_and_parts(relation: tuple[tuple[str, Number], ...]) -> tuple[str, list[str]] | None:
    """A relation "whole = sum of parts" (one term of one sign, all others of the other, all ±1), or None."""
    if len(relation) < 2 or any(abs(c) != 1 for _name, c in relation):
        return None
    for sign in (1, -1):
        lone = [name for name, c in relation if c == sign]
        if len(lone) == 1:
            return lone[0], sorted(name for name, c in relation if c != sign)
    return None


def _meets(contributors: tuple[int, ...], floor: tuple[int, ...]) -> bool:
    return all(n >= f for n, f in zip(contributors, floor, strict=True))


def _empty(value: Number, contributors: tuple[int, ...]) -> bool:
    return value == 0 and not any(contributors)


def _safe(value: Number, contributors: tuple[int, ...], floor: tuple[int, ...]) -> bool:
    """A remainder a reader may compute: nothing at all, or resting on the floor in every component."""
    return _empty(value, contributors) or _meets(contributors, floor)
