"""Values as callers send them (a form, a spreadsheet cell, JSON): parsed into what the rules check,
or None when not given, or "invalid"."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation


def to_decimal(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).strip().replace(",", "")) if value is not None and value != "" else None
    except (InvalidOperation, ValueError):
        return None


def to_date(value):
    if value is None or value == "" or isinstance(value, date) and not isinstance(value, datetime):
        return value or None
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return "invalid"


def to_term(value):
    """term_days as an int, None when not given, or "invalid" (the rules refuse it)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "invalid"
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return "invalid"
    if not number.is_finite() or number != number.to_integral_value() or abs(number) > 10**6:
        return "invalid"
    return int(number)


def to_line_number(value):
    """A line's number: Decimal, None when not given, or "invalid"."""
    if value is None or value == "":
        return None
    number = to_decimal(value)
    return "invalid" if number is None else number
