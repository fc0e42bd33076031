"""Calendar arithmetic the rules share (core.dates)."""

from datetime import date as D

import pytest

from xindang.core.dates import add_months, month_end, months_between


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # the shorter month's last day
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 11, 23), 12, D(2027, 11, 23)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 15), -2, D(2025, 11, 15)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 5, 5), 0, D(2026, 5, 5)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2025, 1, 31), D(2025, 2, 28), 0),  # a month is complete on the same day of the month
        (D(2025, 1, 15), D(2026, 1, 15), 12),
        (D(2025, 1, 15), D(2026, 1, 14), 11),
        (D(2025, 3, 1), D(2025, 1, 1), 0),  # end before start
        (D(2025, 3, 1), D(2025, 3, 1), 0),
    ],
)
def test_months_between(start, end, months):
    assert months_between(start, end) == months


@pytest.mark.parametrize(
    ("year", "month", "end"), [(2024, 2, 29), (2025, 2, 28), (2025, 12, 31), (2025, 4, 30)]
)
def test_month_end(year, month, end):
    assert month_end(year, month) == D(year, month, end)
