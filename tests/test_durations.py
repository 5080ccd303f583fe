import pytest

from server.domain.durations import DurationError, parse_minutes


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


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=2000)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.:：hHmM分钟鐘小时時半 min"), st.integers(), st.floats()))
def test_anything_typed_is_a_duration_or_a_clean_refusal(typed):
    try:
        minutes = parse_minutes(typed)
    except DurationError:
        return
    assert isinstance(minutes, int) and minutes >= 0


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_way_of_writing_hours_and_minutes_agrees(hours, minutes):
    total = hours * 60 + minutes
    written = [
        f"{total}",
        f"{total}m",
        f"{hours}:{minutes:02d}",
        f"{hours}h{minutes}m",
        f"{hours}小时{minutes}分",
        f"{hours}小時{minutes}分鐘",
    ]
    assert {parse_minutes(text) for text in written} == {total}
