from datetime import datetime, timedelta

import pytest
from conftest import scenario

from server.domain.series import check_series, chi_square_lower_tail


def readings(items):
    return [(datetime.fromisoformat(p["at"]), p["value"]) for p in items]


def test_scripted_vote_counter_is_flagged_uniform():
    verdict = check_series(readings(scenario("vote-counter")["scripted"]))
    assert (verdict.uniform, verdict.intervals) == (True, 20)
    assert verdict.dispersion < 0.2 and verdict.p_value < 0.001


def test_organic_counter_of_the_same_rate_is_not():
    verdict = check_series(readings(scenario("vote-counter")["organic"]))
    assert (verdict.uniform, verdict.intervals) == (False, 20)


def test_published_readings_are_too_few_for_a_verdict_but_give_the_rate():
    verdict = check_series(readings(scenario("vote-counter")["published"]["evening_2"]))
    assert (verdict.uniform, verdict.dispersion, verdict.rate_per_minute, verdict.intervals) == (None, None, 619.3, 1)


@pytest.mark.parametrize(("points", "verdict"), [(8, None), (9, True)])
def test_at_least_eight_intervals_are_needed(points, verdict):
    start = datetime(2023, 2, 8, 20, 0)
    series = [(start + timedelta(minutes=2 * i), 1000 * i) for i in range(points)]
    assert check_series(series).uniform is verdict


def test_small_increments_get_no_verdict():
    start = datetime(2023, 2, 8, 20, 0)
    assert check_series([(start + timedelta(minutes=i), 10 * i) for i in range(30)]).uniform is None


@pytest.mark.parametrize(("x", "k", "p"), [(3.841, 1, 0.95), (10.0, 10, 0.5595), (30.0, 10, 0.99914), (0.0, 5, 0.0)])
def test_chi_square_lower_tail_matches_tables(x, k, p):
    assert chi_square_lower_tail(x, k) == pytest.approx(p, abs=1e-4)
