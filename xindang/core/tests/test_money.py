"""Money is Decimal yuan with two places (ARCHITECTURE.md: `_amount` fields, never float)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.core.money import format_yuan, to_yuan


@pytest.mark.parametrize(
    ("raw", "yuan"),
    [
        ("1250000", Decimal("1250000.00")),
        ("1,250,000.5", Decimal("1250000.50")),  # thousands separators
        ("1，250，000", Decimal("1250000.00")),  # full-width comma, typed with a Chinese IME
        ("¥1,234.56", Decimal("1234.56")),
        ("￥1234.56", Decimal("1234.56")),  # full-width yen sign
        ("  ¥ 88.8  ", Decimal("88.80")),
        ("-500", Decimal("-500.00")),  # refunds and credit notes are negative
        ("0", Decimal("0.00")),
        ("1e3", Decimal("1000.00")),
        ("１２３４.５", Decimal("1234.50")),  # full-width digits
        ("0.005", Decimal("0.01")),  # half up, not half even
        ("0.015", Decimal("0.02")),
        ("2.675", Decimal("2.68")),
        (Decimal("1.005"), Decimal("1.01")),
        (Decimal("99.994"), Decimal("99.99")),
        (1250000, Decimal("1250000.00")),
        (2.675, Decimal("2.68")),  # a float as the user wrote it, not its binary value 2.67499…
        (0.1 + 0.2, Decimal("0.30")),
        (1e15, Decimal("1000000000000000.00")),  # a spreadsheet cell holding a float
    ],
)
def test_to_yuan_parses_what_users_and_spreadsheets_give(raw, yuan):
    result = to_yuan(raw)
    assert result == yuan
    assert result.as_tuple().exponent == -2  # always two places


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "12元3",
        "1.2.3",
        "¥",
        "1 234",
        "(100)",
        "NaN",
        "nan",
        "sNaN",
        "inf",
        "-Infinity",
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("Infinity"),
        None,
        [],
        True,
        False,
        "1e30",
        "123456789012345678901234567890",
    ],
)
def test_to_yuan_refuses_what_is_not_an_amount(raw):
    with pytest.raises(ValueError):
        to_yuan(raw)


@given(
    st.decimals(
        min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=2, allow_nan=False, allow_infinity=False
    )
)
def test_two_place_amounts_survive_every_round_trip(amount):
    assert to_yuan(amount) == amount
    assert to_yuan(str(amount)) == amount
    assert to_yuan(format_yuan(amount)) == amount  # what the screen shows parses back


@given(
    st.decimals(
        min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=4, allow_nan=False, allow_infinity=False
    )
)
def test_to_yuan_is_within_half_a_fen(amount):
    assert abs(to_yuan(amount) - amount) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1250000"), "¥1,250,000.00"),
        (Decimal("1234.5"), "¥1,234.50"),
        (Decimal("0"), "¥0.00"),
        (Decimal("-0.001"), "¥0.00"),  # no negative zero
        (Decimal("-98765.43"), "¥-98,765.43"),
        (Decimal("1.005"), "¥1.01"),  # rounded like to_yuan, half up
        (Decimal("2.665"), "¥2.67"),
        (None, ""),
    ],
)
def test_format_yuan_shows_thousands_and_two_places(amount, text):
    assert format_yuan(amount) == text
