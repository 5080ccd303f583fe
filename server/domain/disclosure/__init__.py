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
relations), `release` the release as the reader sees it, `suppression` steps 1-3, `auditor` step 4,
`elimination` the exact Gauss-Jordan the auditor solves with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from server.domain.disclosure.auditor import Auditor, Equation
from server.domain.disclosure.figures import OWN, Region, Relation, Table
from server.domain.disclosure.suppression import Suppression

__all__ = ["OWN", "Region", "Relation", "Table", "determined", "protect"]


def protect(
    regions: list[Region], tables: list[Table], relations: list[Relation], *, audit: bool = True
) -> dict[str, set[str]]:
    """The codes hidden in each table (unpublished tables: every code that is not known zero).

    Primary and complementary suppression, then the auditor in a loop until nothing hidden is
    determined. `audit=False` stops after complementary suppression: only for tests that show what
    the auditor adds.
    """
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
    problem = Auditor(regions, tables, relations, knows_empty=knows_empty)
    full = problem.full_hidden(hidden)
    found = [problem.unknowns[x] for _, leaked in problem.audit(full, {}) for x in leaked]
    return {(table, code + OWN if kind == "own" else code) for kind, table, code in found}
