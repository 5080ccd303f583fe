"""Invariants of the rules over generated inputs (hypothesis)."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from server.domain import disclosure
from server.domain.escalation import QuotaNode, escalation_flags
from server.domain.indices import IndexInputs, burden_index, change
from server.domain.quota_rules import QuotaFacts, TaskFacts, quota_flags

numbers = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


@given(numbers, numbers, numbers, numbers, numbers, numbers)
def test_burden_index_stays_within_0_and_100(hours, apps, pressure, ranking, evidence, fabrication):
    assert 0 <= burden_index(IndexInputs(hours, apps, pressure, ranking, evidence, fabrication)) <= 100


task = TaskFacts(1, "registrations", "C", "weekly", "none", "none", "once")


@given(
    st.integers(1, 10**6), st.integers(1, 10**6), st.integers(2, 1000), st.sampled_from(["population", "households"])
)
def test_scaling_target_and_base_together_keeps_every_flag(target, size, factor, base):
    plain = quota_flags(task, QuotaFacts("V", "村", target, base, size, size))
    scaled = quota_flags(task, QuotaFacts("V", "村", target * factor, base, size * factor, size * factor))
    assert [(f.kind, f.severity, f.ratio) for f in plain] == [(f.kind, f.severity, f.ratio) for f in scaled]


trees = st.lists(st.tuples(st.integers(1, 5000), st.integers(100, 9000)), min_size=1, max_size=8)


@given(trees, st.integers(1, 5000), st.randoms(use_true_random=False), st.integers(2, 100))
def test_escalation_ignores_order_and_scale(children, parent_target, rng, factor):
    def nodes(scale):
        built = [QuotaNode("T", "镇", "C", parent_target * scale, 50_000 * scale, len(children) + 1)]
        built += [
            QuotaNode(f"V{i}", f"村{i}", "T", target * scale, population * scale, 0)
            for i, (target, population) in enumerate(children)
        ]
        return built

    shuffled = nodes(1)
    rng.shuffle(shuffled)
    expected = [(f.region, f.severity, f.ratio) for f in escalation_flags(nodes(1), "C", 1, None)]
    assert [(f.region, f.severity, f.ratio) for f in escalation_flags(shuffled, "C", 1, None)] == expected
    assert [(f.region, f.severity, f.ratio) for f in escalation_flags(nodes(factor), "C", 1, None)] == expected


@given(st.lists(st.integers(0, 40), min_size=2, max_size=12), st.randoms(use_true_random=False))
def test_suppression_ignores_the_order_of_regions(counts, rng):
    regions = [disclosure.Region("P", None, False)] + [
        disclosure.Region(f"c{i:02d}", "P", False) for i in range(len(counts))
    ]
    values = {"P": Fraction(sum(counts) * 60), **{f"c{i:02d}": Fraction(n * 60) for i, n in enumerate(counts)}}
    contributors = {"P": (sum(counts),), **{f"c{i:02d}": (n,) for i, n in enumerate(counts)}}
    table = disclosure.Table("minutes", values, contributors, (10,))
    shuffled = list(regions)
    rng.shuffle(shuffled)
    assert disclosure.protect(shuffled, [table], []) == disclosure.protect(regions, [table], [])


@given(st.integers(0, 500), st.integers(0, 10**6), st.integers(0, 500), st.integers(0, 10**6))
def test_change_splits_the_hours_exactly(r1, m1, r2, m2):
    parts = change((r1, m1 if r1 else 0), (r2, m2 if r2 else 0))
    assert abs(parts["from_reporters"] + parts["from_hours_per_reporter"] - parts["hours"]) < 0.02
