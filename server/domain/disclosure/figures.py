"""What a release is made of, as the disclosure auditor takes it: the region tree, the tables of
figures over it, the relations every reader knows between them, and the tests one figure passes."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

OWN = "#own"  # suffix of the code in `determined` for a parent's own remainder (its own staff's figure)

Cell = tuple[str, str]  # (table, code)
Unknown = tuple[str, str, str]  # ("cell" | "own", table, code)
Number = int | Fraction


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
    # The primary rule per component, e.g. (10,) or (3, 3). A component with floor 0 is under no
    # rule: it counts everyone behind a figure, established or not, so that a 0 said by reporters
    # who are not established is not taken for a figure with nobody behind it (`is_empty`).
    floor: tuple[int, ...]
    published: bool = True  # False: an unpublished part that still takes part in relations
    requires: tuple[
        str, ...
    ] = ()  # shown in a region only where these tables are shown too (a derived figure such as cost)


@dataclass(frozen=True)
class Relation:
    """Known to every reader in every region: sum(coefficient * value of table in that region) == 0."""

    terms: dict[str, Fraction]


def as_whole(x: Number) -> Number:
    """A Fraction that is a whole number as an int: same value, faster arithmetic."""
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


def meets_floor(contributors: tuple[int, ...], floor: tuple[int, ...]) -> bool:
    """Whether the distinct contributors reach the floor in every component."""
    return all(n >= f for n, f in zip(contributors, floor, strict=True))


def is_empty(value: Number, contributors: tuple[int, ...]) -> bool:
    """Nothing logged and nobody behind it."""
    return value == 0 and not any(contributors)


def is_safe(value: Number, contributors: tuple[int, ...], floor: tuple[int, ...]) -> bool:
    """A remainder a reader may compute: nothing at all, or resting on the floor in every component."""
    return is_empty(value, contributors) or meets_floor(contributors, floor)
