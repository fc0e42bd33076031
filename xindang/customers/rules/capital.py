"""Registered capital (注册资本) in its own currency: parsing what users and spreadsheets write."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# --- Registered capital (注册资本) in its own currency -------------------------------------------------
# ISO 4217 codes the file accepts; foreign-invested companies register in USD, HKD, EUR, JPY …
CAPITAL_CURRENCIES = (
    "CNY",
    "USD",
    "EUR",
    "HKD",
    "JPY",
    "GBP",
    "SGD",
    "AUD",
    "CAD",
    "CHF",
    "KRW",
    "TWD",
    "MOP",
)
# Chinese names as written in licences ("1072526.4万美元"), longest first when matched.
CURRENCY_WORDS = {
    "人民币": "CNY",
    "元人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "日圆": "JPY",
    "英镑": "GBP",
    "新加坡元": "SGD",
    "新元": "SGD",
    "澳元": "AUD",
    "澳大利亚元": "AUD",
    "加元": "CAD",
    "加拿大元": "CAD",
    "瑞士法郎": "CHF",
    "韩元": "KRW",
    "新台币": "TWD",
    "台币": "TWD",
    "澳门元": "MOP",
    "澳门币": "MOP",
}
_CURRENCY_SIGNS = {
    "US$": "USD",
    "HK$": "HKD",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",
    "RMB": "CNY",
}
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1000, "百万": 1_000_000}
_NUMBER = re.compile(r"[-+]?(?:\d+(?:,\d{3})*|\d*)(?:\.\d+)?")


class CapitalUnitError(ValueError):
    """The registered capital names a unit or currency the file does not know; `unit` says which."""

    def __init__(self, unit: str):
        super().__init__(unit)
        self.unit = unit


def parse_capital(text, default_currency: str = "CNY") -> tuple[Decimal | None, str]:
    """(amount, currency) from a registered capital as people write it: "500万", "500万元",
    "人民币500万元", "1072526.4万美元", "USD 10,000", "10,000 EUR", "HK$ 1,000万", "1.2亿港元".
    A bare number is in `default_currency`. Raises CapitalUnitError naming an unknown unit (e.g. "万卢布"
    → "卢布") and ValueError for what is not a number. The amount is in the currency's own units."""
    if text is None:
        return None, default_currency
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int | float | Decimal):
        return _two_places(Decimal(repr(text) if isinstance(text, float) else text)), default_currency
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        return None, default_currency
    rest = raw.replace(" ", "").replace("，", ",")
    currency = None
    # a code or sign in front ("USD10,000", "US$10,000", "人民币500万")
    for prefix, code in sorted(
        {**_CURRENCY_SIGNS, **{c: c for c in CAPITAL_CURRENCIES}, **CURRENCY_WORDS}.items(),
        key=lambda kv: -len(kv[0]),
    ):
        if rest.upper().startswith(prefix.upper()) and prefix not in ("元", "元人民币"):
            currency, rest = code, rest[len(prefix) :]
            break
    match = _NUMBER.match(rest)
    if not match or not match.group().strip("+-.,"):
        raise ValueError(raw)
    number, unit = match.group(), rest[match.end() :]
    factor = Decimal(1)
    for word in sorted(_MULTIPLIERS, key=len, reverse=True):
        if unit.startswith(word):
            factor, unit = Decimal(_MULTIPLIERS[word]), unit[len(word) :]
            break
    if unit:
        code = CURRENCY_WORDS.get(unit) or (unit.upper() if unit.upper() in CAPITAL_CURRENCIES else None)
        if code is None:
            raise CapitalUnitError(unit)
        if currency is not None and code != currency and unit not in ("元",):
            raise CapitalUnitError(unit)
        currency = currency or code
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(raw) from exc
    return _two_places(amount * factor), currency or default_currency


def _two_places(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise ValueError(amount)
    try:
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(amount) from exc
