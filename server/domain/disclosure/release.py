"""The release as the reader sees it: the region tree, the tables' figures, the relations between
them, and each parent's own remainder (its own staff's figure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from server.domain.disclosure.figures import Cell, Number, Region, Relation, Table, as_whole, is_empty, meets_floor
from server.domain.disclosure.hidden import HiddenCells


class Release:
    """The release as the reader sees it: the tree, the tables, the relations, each parent's own remainders."""

    def __init__(
        self, regions: list[Region], tables: list[Table], relations: list[Relation], *, knows_empty: bool = False
    ) -> None:
        self._tree(regions)
        self._read_tables(tables)
        self._read_relations(relations)
        # Codes with something in them, per table: everywhere else the table is empty.
        self.filled = {
            name: {c for c, v in self._values[name].items() if v}
            | {c for c, n in self._contributors[name].items() if any(n)}
            for name in self.names
        }
        # The tables with something in them, per code: a region's relations or parts need only those.
        self.filled_at: dict[str, set[str]] = {}
        for name in self.names:
            for code in self.filled[name]:
                self.filled_at.setdefault(code, set()).add(name)
        # Only figures that add up let that reader solve for the release's own values; figures that
        # do not (a stored activity no relation knows of) get the exact reader: slower, and it
        # defends against less. `protect` decides this tree by tree: one province's figures that
        # do not add up leave the others defended against the reader who knows where nothing was.
        self.knows_empty = knows_empty and self._relations_hold()
        self.requirers: dict[str, list[str]] = {name: [] for name in self.names}
        for table in sorted(tables, key=lambda t: t.name):
            for name in table.requires:
                self.requirers[name].append(table.name)
        self.wholes = [whole for whole in (_whole_and_parts(r) for r in self.relations) if whole]
        self.own = self._own_remainders()

    def _read_tables(self, tables: list[Table]) -> None:
        """The tables by name, their values as exact numbers and their contributors as tuples,
        refused when the tree cannot protect them (`_check`)."""
        self.tables = {t.name: t for t in tables}
        self.names = sorted(self.tables)
        self._values = {
            t.name: {code: as_whole(v if isinstance(v, Fraction) else Fraction(v)) for code, v in t.values.items() if v}
            for t in tables
        }
        self._contributors = {t.name: {code: tuple(n) for code, n in t.contributors.items()} for t in tables}
        if len(self.names) != len(tables):
            raise ValueError("two tables share a name")
        for table in tables:
            self._check(table)

    def _read_relations(self, relations: list[Relation]) -> None:
        """The relations as sorted (table, coefficient) terms, each once, zero terms dropped."""
        self.relations = [
            tuple(sorted((name, as_whole(Fraction(c))) for name, c in r.terms.items() if c != 0)) for r in relations
        ]
        self.relations = sorted(set(r for r in self.relations if r))
        if any(name not in self.tables for r in self.relations for name, _ in r):
            raise ValueError("a relation names a table that is not given")

    def _own_remainders(self) -> dict[tuple[str, str], tuple[Number, tuple[int, ...]]]:
        """Each parent's own remainder per table (the parent minus all its children), where it is not empty."""
        # An empty parent has an empty remainder (its children's counts only take away from nothing).
        own = {
            (t, p): self._remainder(t, p, self.children[p])
            for t in self.names
            for p in sorted(self.filled[t])
            if p in self.children
        }
        return {key: figure for key, figure in own.items() if not is_empty(*figure)}

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
        """Refuse figures the tree cannot protect: no floor or a floor below 0, a code outside the
        tree, a wrong width, a known zero that is not zero."""
        width = len(table.floor)
        if not width or min(table.floor) < 0:
            raise ValueError(f"table {table.name} needs a floor of one or more counts, none below 0")
        for code in sorted(set(table.values) | set(table.contributors)):
            if code not in self.parent:
                raise ValueError(f"table {table.name} has figures for {code}, which is not in the tree")
            if len(self.contributors(table, code)) != width:
                raise ValueError(f"table {table.name}: contributors of {code} do not match the floor's width")
            if code in self.known_zero and not is_empty(self.value(table, code), self.contributors(table, code)):
                raise ValueError(f"table {table.name}: {code} is a known zero but has figures")
        if any(name not in self.tables for name in table.requires):
            raise ValueError(f"table {table.name} requires a table that is not given")

    def _relations_hold(self) -> bool:
        """Whether every relation adds up in every region with the figures given."""
        for relation in self.relations:
            coefficient = dict(relation)
            names = set(coefficient)
            for code in set().union(*(self._values[name] for name in names)):
                # Only the tables with something here: a relation may have 3,400 terms (the tasks).
                if sum(coefficient[n] * self._values[n].get(code, 0) for n in self.filled_at[code] & names):
                    return False
        return True

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

    def nothing_hidden(self) -> dict[str, HiddenCells]:
        """Per table, its hidden cells before any rule but emptiness has run: every empty cell where
        emptiness fails the floor, every cell of an unpublished table (neither listed: `HiddenCells`)."""
        codes, zero = set(self.codes), self.known_zero
        return {
            name: HiddenCells(
                codes,
                self.filled[name],
                zero,
                "all"
                if not table.published
                else "none"
                if meets_floor((0,) * len(table.floor), table.floor)
                else "empty",
            )
            for name, table in self.tables.items()
        }

    def full_hidden(self, hidden: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
        full = {name: set(hidden.get(name, ())) - self.known_zero for name in self.names}
        for name in self.names:
            if not self.tables[name].published:
                full[name] = set(self.codes) - self.known_zero
        return full

    def _smallness(self, cell: Cell) -> tuple[int, str, str]:
        name, code = cell
        return sum(self.contributors(self.tables[name], code)), code, name


def _whole_and_parts(relation: tuple[tuple[str, Number], ...]) -> tuple[str, list[str]] | None:
    """A relation "whole = sum of parts" (one term of one sign, all others of the other, all ±1), or None."""
    if len(relation) < 2 or any(abs(c) != 1 for _name, c in relation):
        return None
    for sign in (1, -1):
        lone = [name for name, c in relation if c == sign]
        if len(lone) == 1:
            return lone[0], sorted(name for name, c in relation if c != sign)
    return None
