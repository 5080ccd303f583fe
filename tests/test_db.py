"""The raw-SQL parameter lists: one builder numbers them, for IN lists and multi-row INSERTs."""

import pytest

from server.db import placeholders, row_placeholders


@pytest.mark.parametrize(
    ("built", "sql"),
    [
        (placeholders(3), "$1, $2, $3"),
        (placeholders(2, 4), "$4, $5"),
        (row_placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)"),
        (row_placeholders(2, 2, 3), "($3, $4), ($5, $6)"),
    ],
)
def test_placeholders_number_the_parameters_in_order(built, sql):
    assert built == sql
