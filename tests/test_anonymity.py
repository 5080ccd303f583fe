import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from server.burden.anonymity import CellCount, published_level, suppressed_cells


def family(parent_count, *children):
    cells = [CellCount("P", None, "county", parent_count)]
    cells += [CellCount(f"c{i}", "P", "township", n) for i, n in enumerate(children)]
    return cells


def test_a_zero_is_hidden_and_so_is_a_sibling_that_would_reveal_it():
    # 60 - 30 - 30 = 0 would show the empty cell's zero: the next-smallest sibling (c0 on a tie) hides too.
    assert suppressed_cells(family(60, 30, 30, 0), k=10) == {"c0", "c2"}


def test_one_hidden_child_takes_the_next_smallest_sibling_with_it():
    assert suppressed_cells(family(70, 40, 25, 5), k=10) == {"c1", "c2"}


def test_every_sibling_hides_when_the_remainder_needs_it():
    assert suppressed_cells(family(14, 10, 4), k=10) == {"c0", "c1"}


def test_a_parent_under_k_hides_with_its_children_answering_above():
    cells = [CellCount("C", None, "county", 40), CellCount("T1", "C", "township", 8), CellCount("T2", "C", "township", 32), CellCount("V", "T1", "village", 8)]
    assert suppressed_cells(cells, k=10) == {"T1", "T2", "V"}


def test_a_remainder_of_k_or_more_needs_no_more_hiding():
    # 12 reporters sit at the parent itself (township cadres), so the hidden child is not recoverable.
    assert suppressed_cells(family(60, 20, 20, 8), k=10) == {"c2"}


def test_k_is_never_below_five():
    assert suppressed_cells(family(30, 13, 13, 4), k=2) == {"c0", "c2"}


def test_nothing_below_the_lowest_published_level():
    assert [published_level(level, "township") for level in ("province", "township", "village", "grid")] == [True, True, False, False]


trees = st.lists(st.integers(0, 40), min_size=1, max_size=6).flatmap(
    lambda sizes: st.tuples(st.just(sizes), st.lists(st.lists(st.integers(0, 25), min_size=0, max_size=5), min_size=len(sizes), max_size=len(sizes)))
)


@settings(max_examples=300, deadline=None)
@given(trees, st.integers(5, 12))
def test_no_hidden_cell_is_the_difference_of_shown_ones(tree, k):
    """For each shown parent, the hidden children's total (parent minus shown children) is 0 or at least k."""
    extra, grandchildren = tree
    cells, index = [], itertools.count()
    townships = []
    for own, kids in zip(extra, grandchildren):
        code = f"t{next(index)}"
        townships.append(CellCount(code, "C", "township", own + sum(kids)))
        cells += [CellCount(f"v{next(index)}", code, "village", n) for n in kids]
    county = CellCount("C", None, "county", sum(t.reporters for t in townships))
    cells += [county, *townships]
    hidden = suppressed_cells(cells, k)
    by_parent = {}
    for cell in cells:
        by_parent.setdefault(cell.parent, []).append(cell)
    for cell in cells:
        if cell.code in hidden or cell.code not in by_parent:
            continue
        assert cell.reporters >= k
        shown_kids = [c for c in by_parent[cell.code] if c.code not in hidden]
        hidden_kids = [c for c in by_parent[cell.code] if c.code in hidden]
        if hidden_kids:
            assert cell.reporters - sum(c.reporters for c in shown_kids) >= k


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank])]
        rank += 1
    return rank


def recoverable(cells: list[CellCount], hidden: set[str]) -> set[str]:
    """The adversary: every published parent equals its children plus its own staff (unknown when it
    has any); shown cells are known numbers. A hidden cell is recovered when its unit vector lies in
    the row space of the equations over the unknowns."""
    by_parent: dict[str, list[CellCount]] = {}
    for cell in cells:
        if cell.parent is not None:
            by_parent.setdefault(cell.parent, []).append(cell)
    staff = [p for p, kids in by_parent.items() if next(c for c in cells if c.code == p).reporters > sum(c.reporters for c in kids)]
    unknowns = sorted(hidden) + [f"staff:{p}" for p in staff]
    column = {name: i for i, name in enumerate(unknowns)}
    equations = []
    for parent, kids in sorted(by_parent.items()):
        row = [Fraction(0)] * len(unknowns)
        if parent in hidden:
            row[column[parent]] += 1
        for kid in kids:
            if kid.code in hidden:
                row[column[kid.code]] -= 1
        if parent in staff:
            row[column[f"staff:{parent}"]] -= 1
        if any(row):
            equations.append(row)
    base = _rank(equations)
    found = set()
    for code in hidden:
        unit = [Fraction(int(i == column[code])) for i in range(len(unknowns))]
        if _rank(equations + [unit]) == base:
            found.add(code)
    return found


counties = st.lists(
    st.tuples(st.integers(0, 14), st.lists(st.integers(0, 25), min_size=0, max_size=5)), min_size=1, max_size=6
).flatmap(lambda townships: st.tuples(st.just(townships), st.integers(0, 14)))


@settings(max_examples=1500, deadline=None)
@given(counties, st.integers(5, 12))
def test_the_adversary_solving_the_published_totals_recovers_no_hidden_cell(county, k):
    """Generated counties: townships and villages with reporters, and staff at the county and township
    offices themselves. Whatever is hidden stays undetermined by the published figures."""
    townships, county_staff = county
    cells, index = [], itertools.count()
    for staff, villages in townships:
        code = f"t{next(index)}"
        cells.append(CellCount(code, "C", "township", staff + sum(villages)))
        cells += [CellCount(f"v{next(index)}", code, "village", n) for n in villages]
    cells.append(CellCount("C", None, "county", county_staff + sum(c.reporters for c in cells if c.level == "township")))
    hidden = suppressed_cells(cells, k)
    assert {c.code for c in cells if c.reporters < k} <= hidden
    assert recoverable(cells, hidden) == set()


def test_a_hidden_sibling_whose_children_all_show_would_be_their_sum():
    # T2 hides to protect T1, but T2 = V1 + V2: the adversary would get T2, then T1. One of T2's villages hides too.
    cells = [CellCount("C", None, "county", 40), CellCount("T1", "C", "township", 3), CellCount("T2", "C", "township", 12), CellCount("T3", "C", "township", 25),
             CellCount("V1", "T2", "village", 6), CellCount("V2", "T2", "village", 6)]
    hidden = suppressed_cells(cells, k=5)
    assert {"T1", "T2"} <= hidden and hidden & {"V1", "V2"}
    assert recoverable(cells, hidden) == set()


def test_the_offices_own_staff_count_as_a_remainder():
    # 30 - 12 - 10 = 8 reporters of the county office itself: shown, they would be one subtraction away.
    assert suppressed_cells(family(30, 12, 10), k=10) == {"c1"}
