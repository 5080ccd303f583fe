from server.domain.attribution import attributed_to_issuers
from server.domain.quota_rules import Flag


def flag(kind, region, ratio, severity="critical", task=1):
    return Flag(kind=kind, severity=severity, region=region, message="m", basis="b", task=task, ratio=ratio)


def test_receivers_flags_become_one_flag_of_the_region_that_set_their_targets():
    flags = [
        flag("exceeds_base", "V1", 4.21),
        flag("exceeds_base", "V2", 1.3, "critical"),
        flag("exceeds_base", "V3", 0.95, "warning"),
        flag("vanity_metric", "T", None, "warning"),
    ]
    merged = attributed_to_issuers(flags, {"V1": ("T", "沿江镇"), "V2": ("T", "沿江镇"), "V3": ("T", "沿江镇")})
    assert [(f.kind, f.region, f.severity, f.ratio, f.detail) for f in merged] == [
        ("vanity_metric", "T", "warning", None, {}),
        ("exceeds_base", "T", "critical", 4.21, {"places": 3, "ratio_min": 0.95, "ratio_max": 4.21}),
    ]
    assert all(f.region not in ("V1", "V2", "V3") for f in merged)


def test_flags_of_different_tasks_or_setters_stay_apart():
    flags = [
        flag("exceeds_base", "V1", 2.0, task=1),
        flag("exceeds_base", "V2", 2.0, task=2),
        flag("exceeds_base", "W1", 2.0, task=1),
    ]
    merged = attributed_to_issuers(flags, {"V1": ("T", "甲镇"), "V2": ("T", "甲镇"), "W1": ("U", "乙镇")})
    assert sorted((f.region, f.task, f.detail["places"]) for f in merged) == [("T", 1, 1), ("T", 2, 1), ("U", 1, 1)]
