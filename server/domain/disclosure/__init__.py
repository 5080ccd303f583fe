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

Here: `protect` and `determined`. `figures` holds what a release is made of (regions, tables,
relations), `release` the release as the reader sees it, `hidden` the hidden cells of one table
(the empty ones hidden by rule, unlisted), `suppression` steps 1-3, `auditor` step 4,
`elimination` the exact Gauss-Jordan the auditor solves with.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from server.domain.disclosure.auditor import Auditor, Equation
from server.domain.disclosure.figures import OWN, Region, Relation, Table
from server.domain.disclosure.hidden import HiddenCells
from server.domain.disclosure.suppression import Suppression

__all__ = ["OWN", "Region", "Relation", "Table", "determined", "protect"]


def protect(
    regions: list[Region],
    tables: list[Table],
    relations: list[Relation],
    *,
    audit: bool = True,
    workers: int = 1,
) -> dict[str, AbstractSet[str]]:
    """The codes hidden in each table (unpublished tables: every code that is not known zero), as
    sets that list only what hid for a reason other than emptiness (`HiddenCells`).

    Primary and complementary suppression, then the auditor in a loop until nothing hidden is
    determined. `audit=False` stops after complementary suppression: only for tests that show what
    the auditor adds. `workers` > 1 protects the trees of a forest in that many processes at once
    (each starts a Python of its own: worth it for the nation, not for a county).
    """
    forest = _trees(regions, tables)
    if forest is None:
        return _protect_tree(regions, tables, relations, audit)[0]
    # No equation of the reader spans two trees (families are a parent and its children, and
    # relations hold within one region), so each tree is its own problem, and one at a time
    # holds one province's pass in memory instead of the nation's.
    each = _each_tree(forest, relations, audit, workers)
    codes = {r.code for r in regions}
    known_zero = set().union(*(zero for _, zero in each))
    return {
        name: HiddenCells.joined([hidden[name] for hidden, _ in each], codes, known_zero)
        for name in sorted(t.name for t in tables)
    }


def _each_tree(
    forest: list[tuple[list[Region], list[Table]]], relations: list[Relation], audit: bool, workers: int
) -> list[tuple[dict[str, HiddenCells], set[str]]]:
    """Each tree's hidden cells and known zeros, in the forest's order: here, or in worker processes
    taking the largest trees first, so that no worker is left with a province at the end."""
    if workers <= 1 or len(forest) < 2:
        return [_protect_tree(tree, tree_tables, relations, audit) for tree, tree_tables in forest]
    largest_first = sorted(range(len(forest)), key=lambda i: -sum(len(t.values) for t in forest[i][1]))
    # "spawn": the publishing process may hold threads and connections a fork would copy mid-use.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(forest)), mp_context=context) as pool:
        running = {i: pool.submit(_protect_tree, *forest[i], relations, audit) for i in largest_first}
        return [running[i].result() for i in range(len(forest))]


def _protect_tree(
    regions: list[Region], tables: list[Table], relations: list[Relation], audit: bool
) -> tuple[dict[str, HiddenCells], set[str]]:
    """The hidden cells of one tree's tables, and the tree's known zeros."""
    with _cycles_collected_after():
        problem = Suppression(regions, tables, relations, knows_empty=True)
        hidden, queue = problem.primary()
        problem.settle(hidden, queue)
        cache: dict[tuple[Equation, ...], frozenset[int]] = {}
        while audit:
            leaks = [(part, found) for part, found in problem.audit(hidden, cache) if found]  # found: unknowns' numbers
            if not leaks:
                break
            for part, found in leaks:
                problem.hide(hidden, problem.cover(part, found), queue)
            problem.settle(hidden, queue)
    return {name: hidden[name] for name in problem.names}, problem.known_zero


def _trees(regions: list[Region], tables: list[Table]) -> list[tuple[list[Region], list[Table]]] | None:
    """The regions and tables of each tree of a forest (the nation's provinces), or None for one tree
    or for anything the single pass refuses with its own message (an unknown parent, a cycle, a
    shared code, a figure outside the tree)."""
    parent = {r.code: r.parent for r in regions}
    if len(parent) != len(regions) or any(p is not None and p not in parent for p in parent.values()):
        return None
    root: dict[str, str] = {}
    for code in parent:
        chain = [code]
        while chain[-1] not in root and parent[chain[-1]] is not None:
            chain.append(parent[chain[-1]])  # type: ignore[arg-type]
            if len(chain) > len(parent):
                return None
        top = root.get(chain[-1], chain[-1])
        root.update((c, top) for c in chain)
    tops = sorted(set(root.values()))
    if len(tops) < 2:
        return None
    trees: dict[str, tuple[list[Region], list[Table]]] = {top: ([], []) for top in tops}
    for region in regions:
        trees[root[region.code]][0].append(region)
    for table in tables:
        if any(code not in root for code in (*table.values, *table.contributors)):
            return None
        values: dict[str, dict[str, Any]] = {top: {} for top in tops}
        contributors: dict[str, dict[str, tuple[int, ...]]] = {top: {} for top in tops}
        for code, value in table.values.items():
            values[root[code]][code] = value
        for code, counts in table.contributors.items():
            contributors[root[code]][code] = counts
        for top in tops:
            trees[top][1].append(replace(table, values=values[top], contributors=contributors[top]))
    return [trees[top] for top in tops]


@contextmanager
def _cycles_collected_after() -> Iterator[None]:
    """The pass makes millions of small objects (terms, equations, sets) and no reference cycles:
    Python's cycle collector walked them all again and again, a sixth of the pass on a province
    and more the larger the tree. It is off for the pass and back as it was after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    problem = Auditor(regions, tables, relations, knows_empty=knows_empty)
    full = problem.full_hidden(hidden)
    found = [problem.unknowns[x] for _, leaked in problem.audit(full, {}) for x in leaked]
    return {(table, code + OWN if kind == "own" else code) for kind, table, code in found}
