"""The hidden cells of one table, with the empty ones left unlisted.

Most cells of most tables are empty: a city's task reaches that city's counties and no others, so
over the nation a task table of 45,000 cells has a few dozen with anything in them. An empty cell
always hides (nobody is behind it, so it fails the primary rule), and a table that is not published
hides everywhere. Listing those cells made the pass grow with tables times regions (3,400 task
tables by 45,000 regions: 150 million entries); `HiddenCells` lists only the cells hidden for any
other reason, and answers for the rest by the rule. Known zeros are never hidden: they are shown as
0 everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import Literal

Rule = Literal["all", "empty", "none"]


class HiddenCells(Set[str]):
    """The codes where one table is hidden: those hidden by name (`named`, all with something in
    them), and every code the rule hides without naming it.

    A set to its reader (`in`, iteration, `len`, comparisons); `add` hides one more code."""

    __slots__ = ("named", "_codes", "_filled", "_known_zero", "_rule", "_unnamed")

    def __init__(self, codes: Set[str], filled: Set[str], known_zero: Set[str], rule: Rule) -> None:
        """`codes`: the tree's; `filled`: those with something in this table; `rule`: "all" for a
        table that is not published, "empty" where an empty cell fails the table's floor, else "none"."""
        self.named: set[str] = set()
        self._codes, self._filled, self._known_zero, self._rule = codes, filled, known_zero, rule
        # Filled cells and known zeros never meet (`Release._check`), and both are codes of the tree.
        self._unnamed = {"all": len(codes) - len(known_zero), "empty": len(codes) - len(filled) - len(known_zero)}.get(
            rule, 0
        )

    @classmethod
    def joined(cls, trees: list[HiddenCells], codes: Set[str], known_zero: Set[str]) -> HiddenCells:
        """One table's hidden cells over several trees, from each tree's (their codes do not meet).
        `codes` and `known_zero` are the forest's, shared by every table: a copy apiece would be
        3,400 copies of 45,000 codes."""
        rules = {tree._rule for tree in trees}
        if len(rules) != 1:
            raise ValueError("one table's trees hide by different rules")
        whole = cls(codes, set().union(*(tree._filled for tree in trees)), known_zero, rules.pop())
        whole.named = set().union(*(tree.named for tree in trees))
        return whole

    @property
    def hides_empty(self) -> bool:
        """Whether every empty cell (not a known zero) is hidden: true unless the floor lets nothing pass."""
        return self._rule != "none"

    def by_rule(self, code: str) -> bool:
        """Hidden without being named: not published, or empty where emptiness fails the floor."""
        if self._rule == "none" or code in self._known_zero or code not in self._codes:
            return False
        return self._rule == "all" or code not in self._filled

    def add(self, code: str) -> None:
        if not self.by_rule(code):
            self.named.add(code)

    def __contains__(self, code: object) -> bool:
        return code in self.named or (isinstance(code, str) and self.by_rule(code))

    def __iter__(self) -> Iterator[str]:
        yield from self.named
        if self._rule != "none":
            yield from (c for c in self._codes if self.by_rule(c))

    def __len__(self) -> int:
        return len(self.named) + self._unnamed

    @classmethod
    def _from_iterable(cls, it: Iterable[str]) -> set[str]:
        return set(it)

    def __repr__(self) -> str:
        return f"HiddenCells(named={sorted(self.named)!r}, rule={self._rule!r}, unnamed={self._unnamed})"
