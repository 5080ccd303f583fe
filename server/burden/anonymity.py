"""Which cells may show person-derived figures (DESIGN.md §2): at least k distinct reporters, at or
above the lowest published level, and no hidden cell recoverable as a parent minus its visible
children (complementary suppression, bottom-up to a fixpoint).
"""

from __future__ import annotations

from dataclasses import dataclass

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


def suppressed_cells(cells: list[CellCount], k: int) -> set[str]:
    """Codes whose person-derived figures must not be shown.

    Primary: fewer than k reporters (zero included). Complementary: while a shown parent's hidden
    remainder (parent minus its shown children) holds fewer than k reporters, hide the next-smallest
    shown sibling; with no sibling left, hide the parent, which its own parent then answers for.
    """
    k = max(k, K_FLOOR)
    by_code = {c.code: c for c in cells}
    children: dict[str, list[CellCount]] = {}
    for cell in cells:
        if cell.parent in by_code:
            children.setdefault(cell.parent, []).append(cell)
    hidden = {c.code for c in cells if c.reporters < k}
    changed = True
    while changed:
        changed = False
        for parent_code, family in sorted(children.items()):
            if parent_code in hidden or not any(c.code in hidden for c in family):
                continue
            changed |= _hide_until_safe(by_code[parent_code], family, hidden, k)
    return hidden


def _hide_until_safe(parent: CellCount, family: list[CellCount], hidden: set[str], k: int) -> bool:
    shown = sorted((c for c in family if c.code not in hidden), key=lambda c: (c.reporters, c.code))
    remainder = parent.reporters - sum(c.reporters for c in shown)
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
