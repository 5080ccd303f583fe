import pytest

from server.domain.messages import Number
from server.domain.quota_rules import QuotaFacts, TaskFacts, exceeds_base, exceeds_eligible, quota_flags, task_flags


def task(metric="registrations", ranking="none", penalty="none", evidence="none"):
    return TaskFacts(
        id=1,
        metric=metric,
        issued_by="420121101",
        ranking=ranking,
        penalty=penalty,
        evidence=evidence,
        frequency="once",
    )


def quota(target, base="population", population=1000, households=400, eligible=None, base_count=None):
    return QuotaFacts("420121101201", "柳湾村", target, base, population, households, eligible, base_count)


@pytest.mark.parametrize(
    ("target", "severity", "ratio"),
    [
        (900, None, None),  # coverage exactly 0.9: no flag
        (901, "warning", 0.9),
        (1000, "warning", 1.0),  # exactly 1.0 is still possible honestly
        (1001, "critical", 1.0),
        (1999, "critical", 2.0),
        (4210, "critical", 4.21),
    ],
)
def test_exceeds_base_boundaries(target, severity, ratio):
    flag = exceeds_base(task(), quota(target))
    assert (flag.severity, flag.ratio) == (severity, ratio) if severity else flag is None


@pytest.mark.parametrize(
    ("base", "target", "kind"), [("households", 401, "critical"), ("accounts", 51, "critical"), ("none", 10**6, None)]
)
def test_exceeds_base_uses_the_base_named(base, target, kind):
    flag = exceeds_base(task(), quota(target, base=base, households=400, base_count=50))
    assert (flag.severity if flag else None) == kind


def test_exceeds_base_ignores_metrics_that_are_not_one_per_person():
    assert exceeds_base(task(metric="reads"), quota(5000)) is None


def test_exceeds_base_says_times_the_population_from_two():
    message = exceeds_base(task(metric="monthly_active"), quota(3000, population=712)).message
    assert (message.key, message.params["ratio"]) == (
        "This target is %(ratio)s times %(region)s's %(base)s (%(target)s against %(size)s).",
        Number(3000 / 712, 2),
    )


@pytest.mark.parametrize(("target", "eligible", "ratio"), [(5, 5, None), (6, 5, 1.2), (10, 5, 2.0)])
def test_exceeds_eligible_boundaries(target, eligible, ratio):
    flag = exceeds_eligible(task(metric="eligible_people"), quota(target, base="eligible", eligible=eligible))
    assert (flag.ratio, flag.severity) == (ratio, "critical") if ratio else flag is None


@pytest.mark.parametrize(
    ("terms", "kinds"),
    [
        ({"metric": "visits"}, []),
        ({"metric": "reposts"}, ["vanity_metric"]),
        ({"metric": "visits", "ranking": "monthly"}, []),
        ({"metric": "visits", "ranking": "weekly"}, ["ranking_pressure"]),
        ({"metric": "visits", "ranking": "daily"}, ["ranking_pressure"]),
        ({"metric": "visits", "penalty": "criticism"}, ["ranking_pressure"]),
        ({"metric": "visits", "evidence": "screenshots"}, []),
        ({"metric": "visits", "evidence": "gps_trace"}, ["trace_requirement"]),
        ({"metric": "visits", "evidence": "photos"}, ["trace_requirement"]),
        ({"metric": "check_ins"}, ["vanity_metric", "trace_requirement"]),
    ],
)
def test_task_flags_follow_the_task_terms(terms, kinds):
    assert [f.kind for f in task_flags(task(**terms))] == kinds


def test_quota_flags_put_the_quota_first_and_attribute_task_flags_to_the_issuer():
    flags = quota_flags(task(ranking="weekly"), quota(3000, population=712))
    assert [(f.kind, f.region) for f in flags] == [
        ("exceeds_base", "420121101201"),
        ("vanity_metric", "420121101"),
        ("ranking_pressure", "420121101"),
    ]
