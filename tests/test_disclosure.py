"""Disclosure control over every table of a release (server/domain/disclosure.py), checked by hand on
small cases and, on generated releases, by an independent reader (tests/linear_attack.py) who solves
the published figures and must pin down nothing that identifies a reporter."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from linear_attack import attack

from server.domain.disclosure import OWN, Region, Relation, Table, determined, protect


def table(
    name: str,
    counts: dict[str, int | tuple[int, ...]],
    floor: tuple[int, ...] = (10,),
    values: dict[str, int] | None = None,
    **options: object,
) -> Table:
    """A table whose values are its contributor counts unless given."""
    contributors = {code: n if isinstance(n, tuple) else (n,) for code, n in counts.items()}
    figures = {code: Fraction(v) for code, v in (values or {code: sum(n) for code, n in contributors.items()}).items()}
    return Table(name, figures, contributors, floor, **options)  # type: ignore[arg-type]


def family(*children: str, known_zero: tuple[str, ...] = ()) -> list[Region]:
    return [Region("P", None, False)] + [Region(c, "P", c in known_zero) for c in children]


# Hand-made cases ------------------------------------------------------------------------------


def test_a_zero_cell_hides_and_an_empty_remainder_needs_nothing_more():
    # c2 is 0: hidden like any cell under the floor. 60 - 30 - 30 leaves nothing at all (no contributor,
    # no value), and revealing a true zero exposes nobody, so no sibling hides with it (server/domain/
    # anonymity.py hid c0 too).
    regions = family("c0", "c1", "c2")
    assert protect(regions, [table("m", {"P": 60, "c0": 30, "c1": 30, "c2": 0})], []) == {"m": {"c2"}}


def test_a_zero_remainder_with_someone_behind_it_hides_a_child():
    # P's own cadre said no (fabricated 0) and is not established: 9 - 4 - 5 = 0 on no established
    # contributor. Only a count with floor 0 of everyone who said anything tells that 0 from nobody.
    regions = family("c0", "c1")
    values = {"P": 9, "c0": 4, "c1": 5}
    established = {"P": (24, 9, 15), "c0": (12, 4, 8), "c1": (12, 5, 7)}
    everyone = {"P": (24, 9, 15, 25), "c0": (12, 4, 8, 12), "c1": (12, 5, 7, 12)}
    blind = table("fabricated", established, floor=(10, 3, 3), values=values)
    assert protect(regions, [blind], []) == {"fabricated": set()}
    seeing = table("fabricated", everyone, floor=(10, 3, 3, 0), values=values)
    assert determined(regions, [seeing], [], {"fabricated": set()}) == {("fabricated", "P" + OWN)}
    assert protect(regions, [seeing], []) == {"fabricated": {"c0"}}


def test_one_child_under_the_floor_takes_its_smallest_sibling():
    regions = family("c0", "c1", "c2")
    assert protect(regions, [table("m", {"P": 70, "c0": 40, "c1": 25, "c2": 5})], []) == {"m": {"c1", "c2"}}


def test_own_staff_under_the_floor_with_every_child_shown_hides_a_child():
    # 30 - 12 - 10 = 8 reporters of the parent's own office, one subtraction away: c1 (the smaller) hides.
    regions = family("c0", "c1")
    tables = [table("m", {"P": 30, "c0": 12, "c1": 10})]
    assert determined(regions, tables, [], {"m": set()}) == {("m", "P" + OWN)}
    assert protect(regions, tables, []) == {"m": {"c1"}}


def test_known_zero_siblings_are_shown_and_force_nothing():
    regions = family("c0", "z1", "z2", known_zero=("z1", "z2"))
    assert protect(regions, [table("m", {"P": 40, "c0": 40})], []) == {"m": set()}
    # When a remainder does need a sibling, a known zero is no help: the next real one hides.
    regions = family("c0", "c1", "z1", known_zero=("z1",))
    assert protect(regions, [table("m", {"P": 45, "c0": 40, "c1": 5})], []) == {"m": {"c0", "c1"}}


def test_categories_that_add_up_to_the_minutes_leave_no_single_category_hidden():
    regions = [Region("R", None, False)]
    minutes = table("minutes", {"R": 30}, values={"R": 100})
    categories = [
        table("cat:a", {"R": 25}, values={"R": 60}),
        table("cat:b", {"R": 20}, values={"R": 35}),
        table("cat:c", {"R": 3}, values={"R": 5}),
    ]
    adds_up = Relation({"cat:a": Fraction(1), "cat:b": Fraction(1), "cat:c": Fraction(1), "minutes": Fraction(-1)})
    tables = [minutes, *categories]
    assert protect(regions, tables, [], audit=False)["cat:c"] == {"R"}
    assert determined(regions, tables, [adds_up], {"cat:c": {"R"}}) == {("cat:c", "R")}
    assert protect(regions, tables, [adds_up]) == {"minutes": set(), "cat:a": set(), "cat:b": {"R"}, "cat:c": {"R"}}


def test_a_whole_minus_its_shown_parts_rests_on_the_floor_even_when_no_part_is_solvable():
    """19 cadres: 18 enter data, one alone checks in, two categories nobody logged. Check-ins and
    the empty categories hide; no single one is then solvable, but the minutes minus data entry is
    their sum, and that sum is one cadre's check-ins: data entry hides too (the attack found by
    tests/test_attacks.py)."""
    regions = [Region("T", None, False)]
    minutes = table("minutes", {"T": 19}, values={"T": 1942})
    parts = [
        table("cat:data", {"T": 18}, values={"T": 1620}),
        table("cat:check", {"T": 1}, values={"T": 322}),
        table("cat:x", {}),
        table("cat:y", {}),
    ]
    adds_up = Relation({"minutes": Fraction(-1), **{t.name: Fraction(1) for t in parts}})
    assert (
        determined(regions, [minutes, *parts], [adds_up], {"cat:check": {"T"}, "cat:x": {"T"}, "cat:y": {"T"}}) == set()
    )
    assert protect(regions, [minutes, *parts], [adds_up]) == {
        "minutes": set(),
        "cat:data": {"T"},
        "cat:check": {"T"},
        "cat:x": {"T"},
        "cat:y": {"T"},
    }


def test_a_sum_of_tables_counted_differently_is_left_to_the_auditor():
    """A whole counted by (yes, no) and parts counted by (k,) cannot be compared component by component."""
    regions = [Region("T", None, False)]
    whole = table("yuan", {"T": (4, 8)}, floor=(3, 3), values={"T": 900})
    parts = [table("paid_a", {"T": 12}, values={"T": 500}), table("paid_b", {"T": 2}, values={"T": 400})]
    sums = Relation({"yuan": Fraction(-1), "paid_a": Fraction(1), "paid_b": Fraction(1)})
    hidden = protect(regions, [whole, *parts], [sums])
    assert hidden["paid_b"] == {"T"} and determined(regions, [whole, *parts], [sums], hidden) == set()


@pytest.mark.parametrize("requires", [("minutes", "yuan"), ()])
def test_cost_hides_where_the_yuan_it_is_made_of_hides(requires):
    # cost = 25/60 * minutes + yuan: with minutes shown, a shown cost would give the 4 payers' yuan away.
    # Declared as `requires` it hides at once; undeclared, the auditor finds it.
    regions = [Region("R", None, False)]
    wage = Fraction(25, 60)
    tables = [
        table("minutes", {"R": 30}, values={"R": 600}),
        table("yuan", {"R": 4}, values={"R": 50}),
        table("cost", {"R": 30}, values={"R": 300}, requires=requires),
    ]
    cost = Relation({"cost": Fraction(1), "minutes": -wage, "yuan": Fraction(-1)})
    assert protect(regions, tables, [cost]) == {"minutes": set(), "yuan": {"R"}, "cost": {"R"}}


def test_a_sensitive_share_needs_three_on_each_side_of_every_remainder():
    # (saying yes, saying no): c1 has 2 saying no. Hiding it alone would leave (4, 2) as P minus the
    # others, so the smallest other (c2, 6 contributors) hides too: (7, 5).
    regions = family("c0", "c1", "c2")
    counts = {"P": (12, 11), "c0": (5, 6), "c1": (4, 2), "c2": (3, 3)}
    yes = table("outcome:yes", counts, floor=(3, 3), values={code: n[0] for code, n in counts.items()})
    assert protect(regions, [yes], []) == {"outcome:yes": {"c1", "c2"}}


def tree_with_a_hidden_sum() -> tuple[list[Region], list[Table]]:
    """T1 (3) hides and T2 hides with it; but T2 = V1 + V2, both shown, and then T1 = C - T3 - T2."""
    regions = (
        [Region("C", None, False)]
        + [Region(t, "C", False) for t in ("T1", "T2", "T3")]
        + [Region(v, "T2", False) for v in ("V1", "V2")]
    )
    return regions, [table("m", {"C": 40, "T1": 3, "T2": 12, "T3": 25, "V1": 6, "V2": 6}, floor=(5,))]


def test_a_hidden_sibling_whose_children_all_show_takes_one_of_them():
    regions, tables = tree_with_a_hidden_sum()
    assert protect(regions, tables, [], audit=False) == {"m": {"T1", "T2"}}
    assert determined(regions, tables, [], {"m": {"T1", "T2"}}) == {("m", "T1"), ("m", "T2")}
    assert protect(regions, tables, []) == {"m": {"T1", "T2", "V1"}}


def test_an_unpublished_part_is_hidden_everywhere_but_its_known_zeros():
    regions = family("c0", "z", known_zero=("z",))
    tables = [
        table("minutes", {"P": 40, "c0": 40}),
        table("task", {"P": 30, "c0": 30}),
        table("none", {"P": 10, "c0": 10}, published=False),
    ]
    parts = Relation({"task": Fraction(1), "none": Fraction(1), "minutes": Fraction(-1)})
    # 10 minutes under no task, from 10 reporters: the reader may compute them, like any shown figure.
    assert protect(regions, tables, [parts]) == {"minutes": set(), "task": set(), "none": {"P", "c0"}}


def test_figures_in_a_known_zero_region_are_refused():
    with pytest.raises(ValueError):
        protect(family("z", known_zero=("z",)), [table("m", {"P": 20, "z": 20})], [])


# Generated releases ---------------------------------------------------------------------------


@dataclass
class Release:
    regions: list[Region]
    tables: list[Table]
    relations: list[Relation]

    def __repr__(self) -> str:
        return f"Release({self.regions!r}, {self.tables!r}, {self.relations!r})"


def counts(k: int) -> st.SearchStrategy[int]:
    """Contributor counts with extra weight where the rules turn: 0, k-1, k and 2k-1."""
    return st.one_of(st.sampled_from([0, k - 1, k, 2 * k - 1]), st.integers(0, 3 * k))


@st.composite
def trees(draw: st.DrawFn, most: int = 30) -> list[Region]:
    """Uneven trees: depth 1 to 4, 0 to 6 children each (the top at least 1), some known-zero subtrees."""
    depth = draw(st.integers(1, 4))
    regions, queue = [Region("r", None, False)], [("r", 0)]
    while queue:
        code, level = queue.pop(0)
        room = min(6, most - len(regions))
        if level == depth or room <= 0:
            continue
        for i in range(draw(st.integers(1 if level == 0 else 0, room))):
            child = f"{code}{i}"
            regions.append(Region(child, code, draw(st.integers(0, 7)) == 0))
            queue.append((child, level + 1))
    return regions


def own_figures(
    draw: st.DrawFn, staffed: list[str], floor: tuple[int, ...]
) -> dict[str, tuple[tuple[int, ...], Fraction]]:
    """What each staffed region's own people contribute to one table: counts, and a value at least
    as large, zero iff nobody."""
    figures = {}
    for code in staffed:
        n = tuple(draw(counts(f)) for f in floor)
        figures[code] = (n, Fraction(sum(n) + draw(st.integers(0, 20))) if any(n) else Fraction(0))
    return figures


def subtree_table(
    name: str,
    regions: list[Region],
    own: dict[str, tuple[tuple[int, ...], Fraction]],
    floor: tuple[int, ...],
    **options: object,
) -> Table:
    """Subtree totals of the own figures, up the tree."""
    parent = {r.code: r.parent for r in regions}
    values: dict[str, Fraction] = {}
    contributors: dict[str, tuple[int, ...]] = {}
    for code, (n, value) in own.items():
        at: str | None = code
        while at is not None:
            values[at] = values.get(at, Fraction(0)) + value
            contributors[at] = tuple(a + b for a, b in zip(contributors.get(at, (0,) * len(floor)), n, strict=True))
            at = parent[at]
    return Table(name, values, contributors, floor, **options)  # type: ignore[arg-type]


@st.composite
def releases(draw: st.DrawFn) -> Release:
    """1 to 4 tables over an uneven tree, own staff at random levels, and sometimes a derived table
    bound to them by a relation: their sum, their sum with one part unpublished, or a cost."""
    regions = draw(trees())
    k = draw(st.integers(2, 6))
    zero = _known_zero_subtrees(regions)
    parents = {r.parent for r in regions}
    staffed = [
        r.code for r in regions if r.code not in zero and (r.code not in parents or draw(st.integers(0, 2)) == 0)
    ]
    floors = [
        (draw(st.integers(2, 3)),) * 2 if draw(st.integers(0, 4)) == 0 else (k,) for _ in range(draw(st.integers(1, 4)))
    ]
    owns = [own_figures(draw, staffed, floor) for floor in floors]
    kind = draw(st.sampled_from(["none", "sum", "part", "cost"]))
    names = [f"t{i}" for i in range(len(floors))]
    weights = [Fraction(1)] * len(floors)
    if kind == "cost":
        weights = [Fraction(draw(st.integers(1, 60)), 60)] + [Fraction(1)] * (len(floors) - 1)
    tables = [
        subtree_table(n, regions, own, floor, published=not (kind == "part" and i == 0))
        for i, (n, own, floor) in enumerate(zip(names, owns, floors, strict=True))
    ]
    relations = []
    if kind != "none":
        total = {
            code: (
                tuple([sum(sum(own[code][0]) for own in owns)]),
                sum((w * own[code][1] for w, own in zip(weights, owns, strict=True)), Fraction(0)),
            )
            for code in staffed
        }
        requires = tuple(names) if kind == "cost" else ()
        tables.append(subtree_table("total", regions, total, (k,), requires=requires))
        relations.append(Relation({**dict(zip(names, weights, strict=True)), "total": Fraction(-1)}))
    return Release(regions, tables, relations)


def _known_zero_subtrees(regions: list[Region]) -> set[str]:
    parent = {r.code: r.parent for r in regions}
    marked = {r.code for r in regions if r.known_zero}

    def inside(code: str | None) -> bool:
        return code is not None and (code in marked or inside(parent[code]))

    return {r.code for r in regions if inside(r.code)}


def leaks(
    release: Release, hidden: dict[str, set[str]], knows_empty: bool = False
) -> dict[tuple[str, str, str], Fraction]:
    """What the independent reader pins down that it must not: a hidden published cell that is not empty,
    an unpublished cell or a parent's own remainder that is not empty and under its table's floor.
    `knows_empty`: the reader also knows which cells are empty (nothing, nobody), shown or not."""
    zero = _known_zero_subtrees(release.regions)
    shown = {
        t.name: {
            c: t.values.get(c, Fraction(0))
            for c in [r.code for r in release.regions]
            if c in zero or (t.published and c not in hidden[t.name]) or (knows_empty and _is_empty(t, c))
        }
        for t in release.tables
    }
    own = {
        (t.name, code): _own(release, t, code)
        for t in release.tables
        for code in {r.parent for r in release.regions} - {None}
    }
    no_own = {key for key, (n, value) in own.items() if not any(n) and value == 0}
    pinned = attack(
        {r.code: r.parent for r in release.regions}, shown, [dict(r.terms) for r in release.relations], no_own
    )
    tables = {t.name: t for t in release.tables}
    found = {}
    for (kind, name, code), value in pinned.items():
        t = tables[name]
        n, truth = (
            own[(name, code)]
            if kind == "own"
            else (t.contributors.get(code, (0,) * len(t.floor)), t.values.get(code, Fraction(0)))
        )
        assert value == truth, "the reader's algebra disagrees with the data"
        empty = not any(n) and truth == 0
        under = any(a < f for a, f in zip(n, t.floor, strict=True))
        if not empty and (under or (kind == "cell" and t.published)):
            found[(kind, name, code)] = value
    return found


def _is_empty(t: Table, code: str) -> bool:
    return t.values.get(code, Fraction(0)) == 0 and not any(t.contributors.get(code, ()))


def _own(release: Release, t: Table, code: str) -> tuple[tuple[int, ...], Fraction]:
    kids = [r.code for r in release.regions if r.parent == code]
    width = len(t.floor)
    n = tuple(
        t.contributors.get(code, (0,) * width)[i] - sum(t.contributors.get(c, (0,) * width)[i] for c in kids)
        for i in range(width)
    )
    return n, t.values.get(code, Fraction(0)) - sum((t.values.get(c, Fraction(0)) for c in kids), Fraction(0))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases())
@pytest.mark.slow  # hundreds of generated releases, each solved
def test_the_reader_pins_down_no_reporter_after_protection(release):
    hidden = protect(release.regions, release.tables, release.relations)
    zero = _known_zero_subtrees(release.regions)
    for t in release.tables:
        assert not hidden[t.name] & zero
        width = len(t.floor)
        under = {
            r.code
            for r in release.regions
            if any(n < f for n, f in zip(t.contributors.get(r.code, (0,) * width), t.floor, strict=True))
        }
        assert under - zero <= hidden[t.name]
        if not t.published:
            assert hidden[t.name] == {r.code for r in release.regions} - zero
    assert leaks(release, hidden) == {}
    assert leaks(release, hidden, knows_empty=True) == {}, (
        "protect defends against a reader who knows where nothing was logged"
    )
    assert protect(release.regions, release.tables, release.relations) == hidden


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases())
@pytest.mark.slow  # hundreds of generated releases, each solved
def test_the_auditor_finds_exactly_what_the_reader_finds(release):
    """Before the audit loop, the module's auditor and the independent reader agree, leak for leak."""
    hidden = protect(release.regions, release.tables, release.relations, audit=False)
    for knows_empty in (False, True):
        found = {
            (name, code + OWN if kind == "own" else code) for kind, name, code in leaks(release, hidden, knows_empty)
        }
        assert determined(release.regions, release.tables, release.relations, hidden, knows_empty=knows_empty) == found


@pytest.mark.slow  # hundreds of generated releases, each solved
def test_without_the_audit_loop_the_reader_finds_something():
    """The generated releases have teeth: primary and complementary suppression alone leave a leak."""
    regions, tables = tree_with_a_hidden_sum()
    assert leaks(Release(regions, tables, []), protect(regions, tables, [], audit=False)) == {
        ("cell", "m", "T1"): 3,
        ("cell", "m", "T2"): 12,
    }

    def leaky(release: Release) -> bool:
        return bool(leaks(release, protect(release.regions, release.tables, release.relations, audit=False)))

    release = find(releases(), leaky, settings=settings(max_examples=2000, database=None, deadline=None))
    assert leaks(release, protect(release.regions, release.tables, release.relations)) == {}


def _renamed(release: Release, tree: str, tables: str) -> Release:
    """The release under other codes (a tree of its own beside others) and other table names."""

    def code(c: str | None) -> str | None:
        return None if c is None else tree + c

    def name(n: str) -> str:
        return tables + n

    return Release(
        [Region(code(r.code), code(r.parent), r.known_zero) for r in release.regions],
        [
            Table(
                name(t.name),
                {code(c): v for c, v in t.values.items()},
                {code(c): n for c, n in t.contributors.items()},
                t.floor,
                t.published,
                tuple(name(n) for n in t.requires),
            )
            for t in release.tables
        ],
        [Relation({name(n): c for n, c in r.terms.items()}) for r in release.relations],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases(), releases())
@pytest.mark.slow  # hundreds of generated releases, each solved
def test_a_forest_is_protected_tree_by_tree_and_leaks_nothing(first, second):
    """The nation's release has a tree per province and no row above them. Each tree is its own
    problem: the forest hides in one tree exactly what that tree alone hides, a table with nothing in
    a tree hides there everywhere, and the reader of the whole forest pins down nothing."""
    a, b = _renamed(first, "A", "a:"), _renamed(second, "B", "b:")
    forest = Release(a.regions + b.regions, a.tables + b.tables, a.relations + b.relations)
    hidden = protect(forest.regions, forest.tables, forest.relations)
    codes = {r.code for r in forest.regions}
    for tree, other in ((a, b), (b, a)):
        alone = protect(tree.regions, tree.tables, tree.relations)
        mine = {r.code for r in tree.regions}
        theirs = {r.code for r in other.regions} - _known_zero_subtrees(other.regions)
        for t in tree.tables:
            assert hidden[t.name] & mine == set(alone[t.name])
            assert hidden[t.name] - mine == theirs, "a table with nothing in a tree hides there"
    for cells in hidden.values():
        assert set(cells) == {c for c in codes if c in cells} and len(cells) == len(set(cells))
    assert leaks(forest, hidden) == {}
    assert leaks(forest, hidden, knows_empty=True) == {}


def test_figures_that_do_not_add_up_in_one_tree_leave_the_others_defended():
    """Where a relation fails (a stored figure no relation accounts for), the pass can only defend
    against the reader who does not know where nothing was logged. That is decided tree by tree: a
    province whose figures add up keeps the stronger defence whatever another province holds.
    Decided over the whole forest, tree X below switched P to the weaker reader, and a reader who
    knows that c1 is empty in `b` pinned down `a` at P (one contributor)."""
    regions = [Region("P", None, False), Region("c0", "P", False), Region("c1", "P", False), Region("X", None, False)]
    tables = [
        table("a", {"P": 1}, floor=(3,)),
        table("b", {"P": 3, "c0": 3}, floor=(3,)),
        table("s", {"P": 4, "c0": 3, "X": 5}, floor=(3,)),  # at X, s is not a + b
    ]
    relations = [Relation({"a": Fraction(1), "b": Fraction(1), "s": Fraction(-1)})]
    hidden = protect(regions, tables, relations)
    tree_p = Release(regions[:3], [_without(t, "X") for t in tables], relations)
    assert leaks(tree_p, {name: set(cells) - {"X"} for name, cells in hidden.items()}, knows_empty=True) == {}
    assert hidden["b"] == {"P", "c0", "c1", "X"}


def test_a_table_without_a_floor_is_refused():
    with pytest.raises(ValueError, match="needs a floor"):
        protect(family("a"), [table("t", {"P": 5}, floor=())], [])
    with pytest.raises(ValueError, match="needs a floor"):
        protect(family("a"), [table("t", {"P": (5, 5)}, floor=(3, -1))], [])


def _without(t: Table, code: str) -> Table:
    return Table(
        t.name,
        {c: v for c, v in t.values.items() if c != code},
        {c: n for c, n in t.contributors.items() if c != code},
        t.floor,
        t.published,
        t.requires,
    )


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases(), releases(), releases())
@pytest.mark.slow  # starts worker processes
def test_trees_protected_in_worker_processes_hide_the_same(first, second, third):
    """The nation's provinces go to worker processes, largest first; what comes back, joined in the
    forest's order, is what one process finds."""
    trees = [
        _renamed(release, tree, f"{tree.lower()}:") for release, tree in zip((first, second, third), "ABC", strict=True)
    ]
    regions = [r for t in trees for r in t.regions]
    tables = [table for t in trees for table in t.tables]
    relations = [relation for t in trees for relation in t.relations]
    alone = protect(regions, tables, relations)
    assert protect(regions, tables, relations, workers=2) == alone
