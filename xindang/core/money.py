"""Money is Decimal yuan with two places, never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
WAN = Decimal("10000")


def to_yuan(value) -> Decimal:
    """Parse a user or spreadsheet value into yuan; raises ValueError on anything not a number."""
    if isinstance(value, bool):  # a ticked spreadsheet cell is not one yuan
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the decimal context holds (e.g. "1e30")
        raise ValueError(f"not an amount: {value!r}") from exc


def format_yuan(amount: Decimal | None) -> str:
    """¥1,250,000.00 — rounded half up like to_yuan (Python's format would round half to even)."""
    if amount is None:
        return ""
    value = to_yuan(amount)
    return f"¥{value if value else abs(value):,.2f}"  # no "¥-0.00"


def format_money(amount: Decimal | None, currency: str = "CNY") -> str:
    """An amount in its own currency: ¥1,250,000.00 for yuan, "USD 10,725,264,000.00" for others."""
    if amount is None:
        return ""
    if not currency or currency == "CNY":
        return format_yuan(amount)
    value = to_yuan(amount)
    return f"{currency} {value if value else abs(value):,.2f}"
