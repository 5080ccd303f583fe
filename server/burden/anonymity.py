"""Which cells may show person-derived figures (DESIGN.md §2): at least k distinct reporters, at or
above the lowest published level, and no hidden cell recoverable as a parent minus its visible
children (complementary suppression, bottom-up to a fixpoint).

The adversary is a supervisor who knows the org chart and solves the published totals as linear
equations: each parent's figure is its children's plus what its own staff logged (unknown only
when it has staff of its own). The remainder rule keeps each hidden remainder at k reporters or
more; the determinacy pass then makes sure no single hidden cell is pinned down by the equations
of the whole tree (a hidden sibling whose own children are all shown, for instance, would be their
sum, and would give its hidden sibling away).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping

from server.burden.vocab import LEVELS

K_FLOOR = 5


@dataclass(frozen=True)
class CellCount:
    code: str
    parent: str | None
    level: str
    reporters: int


def published_level(level: str, min_level: str) -> bool:
    """Nothing below the lowest published level (township by default) reaches supervisors."""
    return LEVELS.index(level) <= LEVELS.index(min_level)


@dataclass(frozen=True)
class SourceCount:
    """Minutes one source (a task, a category of work) carries inside a shown cell, and from how many reporters."""

    minutes: float
    reporters: int


def publishable_sources(groups: Mapping[Hashable, SourceCount], k: int) -> set[Hashable]:
    """Which sources of a shown cell may show their hours: each rests on k reporters or more, and
    what stays unshown (the key None holds hours of no named source) is nothing or rests on k or
    more too, else the smallest shown source joins it. Reporters overlap between sources, so the
    largest unshown group stands in for their union: a floor, which errs on the side of hiding.
    """
    k = max(k, K_FLOOR)
    shown = sorted((key for key, g in groups.items() if key is not None and g.reporters >= k), key=lambda key: (groups[key].reporters, groups[key].minutes, str(key)))
    while shown:
        kept = set(shown)
        rest = [g.reporters for key, g in groups.items() if key not in kept and g.minutes > 0]
        if not rest or max(rest) >= k:
            break
        shown.pop(0)
    return set(shown)


def suppressed_cells(cells: list[CellCount], k: int, forced: Iterable[str] = ()) -> set[str]:
    """Codes whose person-derived figures must not be shown.

    Primary: fewer than k reporters (zero included). Complementary: while a shown parent's hidden
    remainder (parent minus its shown children) holds fewer than k reporters, hide the next-smallest
    shown sibling; with no sibling left, hide the parent, which its own parent then answers for.
    `forced` cells are hidden for reasons outside the tree (another period would reveal them).
    """
    k = max(k, K_FLOOR)
    by_code = {c.code: c for c in cells}
    children: dict[str, list[CellCount]] = {}
    for cell in cells:
        if cell.parent in by_code:
            children.setdefault(cell.parent, []).append(cell)
    hidden = {c.code for c in cells if c.reporters < k} | (set(forced) & set(by_code))
    while True:
        changed = True
        while changed:
            changed = False
            for parent_code, family in sorted(children.items()):
                if parent_code not in hidden:
                    changed |= _hide_until_safe(by_code[parent_code], family, hidden, k)
        more = _determined_cell_cover(by_code, children, hidden)
        if more is None:
            return hidden
        hidden.add(more)


def _hide_until_safe(parent: CellCount, family: list[CellCount], hidden: set[str], k: int) -> bool:
    shown = sorted((c for c in family if c.code not in hidden), key=lambda c: (c.reporters, c.code))
    remainder = parent.reporters - sum(c.reporters for c in shown)
    if remainder <= 0 and len(shown) == len(family):
        return False  # nothing hidden and nobody of the parent's own: nothing to recover
    changed = False
    while remainder < k:
        if not shown:
            hidden.add(parent.code)
            return True
        smallest = shown.pop(0)
        hidden.add(smallest.code)
        remainder += smallest.reporters
        changed = True
    return changed


def _determined_cell_cover(by_code: dict[str, CellCount], children: dict[str, list[CellCount]], hidden: set[str]) -> str | None:
    """A shown cell to hide because some hidden cell is pinned down by the tree's equations, or None.

    Each family (a parent and its children) is one equation. A hidden cell that is both a child and
    a parent links two equations; a hidden leaf, a hidden top cell and a parent's own staff (its
    reporters beyond its children's) are free ends. The equations form a forest; a linking cell is
    determined when one side of it holds no free end, a free end when it is its component's only one.
    """
    top_of: dict[str, str] = {}  # family -> the top family of its component
    order = sorted(children)
    for family in order:
        top = family
        while top in hidden and by_code[top].parent in children:
            top = by_code[top].parent
        top_of[family] = top
    own_ends = {f: _free_ends(by_code[f], children[f], children, hidden) for f in order}
    below: dict[str, int] = {}
    for family in sorted(order, key=lambda f: -_depth(f, by_code)):
        below[family] = own_ends[family] + sum(below[c.code] for c in children[family] if c.code in hidden and c.code in children)
    for family in order:
        top = top_of[family]
        total = below[top]
        pinned = family != top and (below[family] == 0 or total - below[family] == 0)
        # A parent's own staff may be the only free end: the remainder rule keeps them at k or more.
        lone_end = total == 1 and own_ends[family] - _own_staff(by_code[family], children[family]) == 1
        if pinned or lone_end:
            lower = _component(family, children, hidden)
            if lone_end or family == top:
                side = _component(top, children, hidden)
            else:
                side = lower if below[family] == 0 else [f for f in _component(top, children, hidden) if f not in lower]
            return _smallest_shown(side, by_code, children, hidden)
    return None


def _own_staff(parent: CellCount, family: list[CellCount]) -> int:
    """1 when the parent counts reporters beyond its children's (its own staff), else 0."""
    return int(parent.reporters - sum(c.reporters for c in family) > 0)


def _free_ends(parent: CellCount, family: list[CellCount], children: dict[str, list[CellCount]], hidden: set[str]) -> int:
    own_staff = _own_staff(parent, family)
    hidden_leaves = sum(1 for c in family if c.code in hidden and c.code not in children)
    hidden_top = parent.code in hidden and parent.parent is None
    return int(own_staff) + hidden_leaves + int(hidden_top)


def _depth(code: str, by_code: dict[str, CellCount]) -> int:
    depth, cell = 0, by_code[code]
    while cell.parent in by_code:
        depth, cell = depth + 1, by_code[cell.parent]
    return depth


def _component(family: str, children: dict[str, list[CellCount]], hidden: set[str]) -> list[str]:
    """The families reachable downward from `family` through hidden cells."""
    found, stack = [], [family]
    while stack:
        current = stack.pop()
        found.append(current)
        stack += [c.code for c in children[current] if c.code in hidden and c.code in children]
    return found


def _smallest_shown(families: list[str], by_code: dict[str, CellCount], children: dict[str, list[CellCount]], hidden: set[str]) -> str | None:
    candidates = [c for f in families for c in children[f] if c.code not in hidden]
    candidates += [by_code[f] for f in families if f not in hidden]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c.reporters, c.code)).code
