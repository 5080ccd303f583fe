"""The one "is this in my area?" rule, as a table of cases over plain paths."""

import pytest

from server.domain.access import in_area

HOME = "/42/4201/420121/"  # a township; its county /42/4201/, a village below it /42/4201/420121/001/


@pytest.mark.parametrize(
    ("role", "home", "path", "purpose", "expected"),
    [
        ("cadre", HOME, HOME, "report", True),
        ("cadre", HOME, HOME + "001/", "report", True),
        ("cadre", HOME, "/42/4201/", "report", False),
        ("cadre", HOME, "/42/4202/", "report", False),
        ("cadre", HOME, "/42/4201/", "issue", True),
        ("cadre", HOME, HOME, "issue", True),
        ("cadre", HOME, HOME + "001/", "issue", False),
        ("cadre", HOME, "/42/4201/", "read", True),
        ("cadre", HOME, HOME + "001/", "read", False),
        ("cadre", HOME, "/42/4202/", "read", False),
        ("supervisor", "/42/4201/", HOME, "read", True),
        ("supervisor", "/42/4201/", "/42/", "read", False),
        ("supervisor", "/42/4201/", HOME, "review", True),
        ("supervisor", "/42/4201/", "/42/4202/", "review", False),
        ("admin", None, "/11/", "report", True),
        ("admin", None, "/11/", "read", True),
        ("cadre", None, HOME, "report", False),
    ],
)
def test_in_area_cases(role, home, path, purpose, expected):
    assert in_area(role, home, path, purpose) is expected


def test_in_area_refuses_an_unknown_purpose():
    with pytest.raises(ValueError):
        in_area("admin", None, "/11/", "delete")
