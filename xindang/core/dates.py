"""Calendar arithmetic shared by the rules (no Django: rules modules import it and stay pure)."""

import calendar
from datetime import date


def month_end(year: int, month: int) -> date:
    """The last day of the month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months (negative: earlier); the last day of the month where the
    target month is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (a month is complete on the same day of the month); 0 when
    `end` is before `start`."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)
