"""Primary and complementary suppression: which cells hide by the primary rule, and which more hide
so that no family's remainder, and no whole minus its shown parts, rests on too few contributors."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from server.domain.disclosure.auditor import Auditor
from server.domain.disclosure.figures import Cell, Region, Relation, Table, is_empty, is_safe, meets_floor
from server.domain.disclosure.hidden import HiddenCells


class Suppression(Auditor):
    """The release, its reader's equations, and the queue of families whose remainders are still to check."""

    def __init__(
        self, regions: list[Region], tables: list[Table], relations: list[Relation], *, knows_empty: bool = False
    ) -> None:
        super().__init__(regions, tables, relations, knows_empty=knows_empty)
        self._queued: set[tuple[int, str, str]] = set()  # families in the queue, so each waits there once
        self._touched: set[str] | None = None  # codes where something hid since the parts were last checked; None: all

    def primary(self) -> tuple[dict[str, HiddenCells], list[tuple[int, str, str]]]:
        """Hidden cells by the primary rule (unpublished tables everywhere), and every family to check.

        Empty cells and unpublished tables hide by rule without being listed (`HiddenCells`); only
        the cells with something in them are tested, and only the families whose parent has
        something in it can need a complement (an empty parent is hidden itself, where emptiness
        fails the floor)."""
        hidden = self.nothing_hidden()
        queue = [
            (-self.depth[p], p, name)
            for name in self.names
            if self.tables[name].published
            for p in (self.filled[name] if hidden[name].hides_empty else self.parents)
            if p in self.children and p not in self.known_zero
        ]
        heapq.heapify(queue)
        self._queued = set(queue)
        for name in self.names:
            table = self.tables[name]
            below = [
                (name, code)
                for code in sorted(self.filled[name])
                if not table.published or not meets_floor(self.contributors(table, code), table.floor)
            ]
            self.hide(hidden, below, queue)
            # What requires this table hides where it hides by rule, too (where the other does not
            # hide by rule already).
            for other in self.requirers[name]:
                codes = sorted(self.filled[other]) if hidden[other].hides_empty else self.codes
                self.hide(hidden, [(other, c) for c in codes if hidden[name].by_rule(c)], queue)
        self._touched = None
        return hidden, queue

    def hide(self, hidden: dict[str, HiddenCells], cells: Iterable[Cell], queue: list[tuple[int, str, str]]) -> None:
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

    def settle(self, hidden: dict[str, HiddenCells], queue: list[tuple[int, str, str]]) -> None:
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

    def _parts_complement(self, hidden: dict[str, HiddenCells], codes: Iterable[str]) -> list[Cell]:
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
            # A part empty in a region and hidden for it adds nothing there either way: only the
            # others are looked at (over the nation, the time under 3,400 tasks makes up the minutes).
            among, always = set(parts), {p for p in parts if not hidden[p].hides_empty}
            for code in codes:
                if code in hidden[whole] or code in self.known_zero or not table.published:
                    continue
                here = sorted(always | among.intersection(self.filled_at.get(code, ())))
                cell = self._part_to_hide(whole, here, code, hidden)
                if cell is not None:
                    chosen.append(cell)
        return chosen

    def _part_to_hide(self, whole: str, parts: list[str], code: str, hidden: dict[str, HiddenCells]) -> Cell | None:
        """Where the whole minus its shown parts is neither nothing nor on the floor in this region, the
        cell to hide (the smallest shown part, or the whole when none is shown); else None. `parts`:
        all those that are not empty and hidden in this region."""
        table = self.tables[whole]
        shown = [p for p in parts if code not in hidden[p] and self.tables[p].published]
        unseen = [p for p in parts if p not in shown]
        value = sum(self.value(self.tables[p], code) for p in unseen)
        counts = [self.contributors(self.tables[p], code) for p in unseen]
        if is_empty(value, tuple(sum(n) for n in zip(*counts, strict=True)) if counts else ()):
            return None
        total = self.contributors(table, code)
        rest = [
            max([n[i] for n in counts] + [total[i] - sum(self.contributors(self.tables[p], code)[i] for p in shown)])
            for i in range(len(table.floor))
        ]
        if meets_floor(tuple(rest), table.floor):
            return None
        candidates = sorted(((p, code) for p in shown), key=self._smallness)
        return candidates[0] if candidates else (whole, code)

    def _complement(self, name: str, parent: str, hidden: HiddenCells) -> str | None:
        """The next cell to hide so the family's remainder is nothing or rests on the floor, or None when it does."""
        table = self.tables[name]
        if not table.published or parent in hidden or parent in self.known_zero:
            return None
        shown = [c for c in self.children[parent] if c not in hidden]
        if is_safe(*self._remainder(name, parent, shown), table.floor):
            return None
        candidates = [c for c in shown if c not in self.known_zero]
        if not candidates:
            return parent
        return min(candidates, key=lambda c: (sum(self.contributors(table, c)), self.contributors(table, c), c))
