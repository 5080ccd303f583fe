import pytest
from conftest import scenario
from hypothesis import given
from hypothesis import strategies as st

from server.domain.cross_rules import (
    RequiredApp,
    duplicate_app_flags,
    pace_flag,
    peer_outlier_flags,
    zombie_app_flag,
)
from server.domain.escalation import QuotaNode, escalation_flags, escalation_ratio
from server.domain.messages import Number


def escalation_nodes(case=None):
    case = case or scenario("escalation")
    regions = {r["code"]: r for r in case["regions"]}
    kids = {code: sum(1 for r in case["regions"] if r["parent"] == code) for code in regions}
    return [
        QuotaNode(
            q["region"],
            regions[q["region"]]["name"],
            regions[q["region"]]["parent"],
            q["target"],
            regions[q["region"]]["population"],
            kids[q["region"]],
        )
        for q in case["quotas"]
    ]


def test_escalation_scenario_flags_the_township_at_1_25():
    flags = escalation_flags(escalation_nodes(), "360721", task=1, app=None)
    assert [(f.kind, f.region, f.severity, f.ratio) for f in flags] == [("escalation", "360721105", "warning", 1.25)]
    assert flags[0].detail["chain"] == [{"region": "360721105", "ratio": 1.25}] and flags[0].detail["product"] == 1.25
    assert (flags[0].message.params["total"], flags[0].message.params["target"]) == (Number(7500), Number(6000))


def node(region, parent, target, population=1000, children=0):
    return QuotaNode(region, region, parent, target, population, children)


@pytest.mark.parametrize(
    ("children_total", "severity"), [(1050, None), (1051, "warning"), (1499, "warning"), (1500, "critical")]
)
def test_escalation_thresholds(children_total, severity):
    nodes = [
        node("T", "C", 1000, 2000, children=2),
        node("V1", "T", children_total // 2, 1000),
        node("V2", "T", children_total - children_total // 2, 1000),
    ]
    flags = escalation_flags(nodes, "C", 1, None)
    assert [f.severity for f in flags] == ([severity] if severity else [])


def test_a_chain_of_modest_raises_is_critical_when_its_product_reaches_two():
    nodes = [node("C", "P", 1000, children=1), node("T", "C", 1420, children=1), node("V", "T", 2020)]
    flags = escalation_flags(nodes, "P", 1, None)
    assert [(f.region, f.severity) for f in flags] == [("C", "warning"), ("T", "critical")]
    assert flags[1].detail["chain"] == [{"region": "C", "ratio": 1.42}, {"region": "T", "ratio": 1.4225}]
    assert flags[1].detail["product"] == pytest.approx(2.02)
    short = escalation_flags(
        [node("C", "P", 1000, children=1), node("T", "C", 1400, children=1), node("V", "T", 1960)], "P", 1, None
    )
    assert [f.severity for f in short] == ["warning", "warning"]  # 1.4 x 1.4 = 1.96: still below 2


def test_partial_reports_compare_targets_per_resident():
    parent = node("T", "C", 1000, population=10_000, children=5)
    ratio, per_capita = escalation_ratio(parent, [node("V1", "T", 300, population=1000)])
    assert (round(ratio, 2), per_capita) == (3.0, True)


@given(st.lists(st.integers(1, 10_000), min_size=2, max_size=8), st.integers(1, 10_000), st.integers(1, 50))
def test_escalation_ratio_is_unchanged_by_scaling_and_order(targets, parent_target, factor):
    children = [node(f"V{i}", "T", t) for i, t in enumerate(targets)]
    parent = node("T", "C", parent_target, children=len(children))
    scaled_children = [node(c.region, "T", c.target * factor) for c in reversed(children)]
    scaled_parent = node("T", "C", parent_target * factor, children=len(children))
    assert escalation_ratio(parent, children)[0] == pytest.approx(escalation_ratio(scaled_parent, scaled_children)[0])


def test_pace_flags_a_target_far_beyond_the_usual_daily_progress():
    points = [(0, 0), (1, 10), (2, 22), (3, 30)]
    flag = pace_flag("V", "上坪村", 1, target=1000, points=points, days_left=10, reporters=2)
    assert (flag.kind, flag.ratio, flag.detail["needed_per_day"], flag.detail["needed_per_reporter_day"]) == (
        "pace",
        9.7,
        97.0,
        48.5,
    )
    assert pace_flag("V", "上坪村", 1, target=100, points=points, days_left=10, reporters=2) is None
    assert pace_flag("V", "上坪村", 1, target=1000, points=points, days_left=0, reporters=2) is None


def test_duplicate_systems_scenario():
    case = scenario("duplicate-systems")
    apps = [
        RequiredApp(i, a["name"], a["function"], (a["owner_level"], a.get("owner_region")))
        for i, a in enumerate(case["apps"], start=1)
    ]
    flags = duplicate_app_flags("510104020005", apps)
    assert [(f.kind, f.region, f.severity, f.detail["apps"]) for f in flags] == [
        ("duplicate_app", "510104020005", "info", [1, 2, 3])
    ]
    same_owner = [RequiredApp(1, "a", "x", ("province", "51")), RequiredApp(2, "b", "x", ("province", "51"))]
    assert duplicate_app_flags("r", same_owner) == []


@pytest.mark.parametrize(("reporters", "none", "flagged"), [(10, 5, True), (10, 4, False), (3, 3, True), (0, 0, False)])
def test_zombie_app_at_half_saying_never_used(reporters, none, flagged):
    flag = zombie_app_flag("r", RequiredApp(1, "省租赁补贴申报系统", "x", ("province", None)), reporters, none)
    assert (flag is not None) == flagged


def test_peer_outlier_needs_five_siblings_and_a_spread():
    values = {"a": 5.0, "b": 6.0, "c": 5.5, "d": 6.5, "e": 30.0}
    assert [(f.region, f.kind) for f in peer_outlier_flags(values, {})] == [("e", "peer_outlier")]
    assert peer_outlier_flags({k: v for k, v in values.items() if k != "a"}, {}) == []
    assert peer_outlier_flags({k: 5.0 for k in "abcdef"}, {}) == []  # MAD = 0: skipped
