import pytest

from server.burden.durations import DurationError, parse_minutes


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90", 90),
        (90, 90),
        ("1.5h", 90),
        ("1:30", 90),
        ("1：30", 90),
        ("2h27m", 147),
        ("2h 27m", 147),
        ("147m", 147),
        ("147 min", 147),
        ("45分钟", 45),
        ("1小时30分", 90),
        ("1小時30分鐘", 90),
        ("半小时", 30),
        ("2H", 120),
        (" 15 ", 15),
        ("0.25h", 15),
    ],
)
def test_parse_minutes_reads_what_people_type(typed, minutes):
    assert parse_minutes(typed) == minutes


@pytest.mark.parametrize("typed", ["", "abc", "1:75", "h", "1h2h", "--5", "1.2.3", True, float("nan"), "inf"])
def test_parse_minutes_refuses_what_is_not_a_duration(typed):
    with pytest.raises(DurationError):
        parse_minutes(typed)
