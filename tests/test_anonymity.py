import itertools

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
