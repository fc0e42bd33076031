"""Pure rules of the receivables ledger (no Django). Seed articles cited per function.

Two open-item pools: the receivable pool (credit sales: shipments and invoices, settled by payments,
notes received, credit notes and write-offs) and the prepaid pool (prepayments made, settled by goods
received). A note received settles receivables but stays in exposure as an unsettled note until it is
settled (004 客户信息管理制度 第八条 3: the limit is measured on credit sales plus unsettled notes).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

SHIPMENT = "shipment"
INVOICE = "invoice"
PAYMENT = "payment"
PREPAYMENT = "prepayment"
GOODS_RECEIVED = "goods_received"
NOTE_RECEIVED = "note_received"
NOTE_SETTLED = "note_settled"
CREDIT_NOTE = "credit_note"
WRITE_OFF = "write_off"
REVERSAL = "reversal"

KINDS = (
    SHIPMENT,
    INVOICE,
    PAYMENT,
    PREPAYMENT,
    GOODS_RECEIVED,
    NOTE_RECEIVED,
    NOTE_SETTLED,
    CREDIT_NOTE,
    WRITE_OFF,
    REVERSAL,
)
RECEIVABLE = "receivable"
PREPAID = "prepaid"

DEBIT_KINDS = frozenset({SHIPMENT, INVOICE, PREPAYMENT})
CREDIT_KINDS = frozenset({PAYMENT, NOTE_RECEIVED, CREDIT_NOTE, WRITE_OFF, GOODS_RECEIVED})
POOL_OF = {
    SHIPMENT: RECEIVABLE,
    INVOICE: RECEIVABLE,
    PAYMENT: RECEIVABLE,
    NOTE_RECEIVED: RECEIVABLE,
    CREDIT_NOTE: RECEIVABLE,
    WRITE_OFF: RECEIVABLE,
    PREPAYMENT: PREPAID,
    GOODS_RECEIVED: PREPAID,
}
# Exposure figure that holds the open part of each debit kind.
CATEGORY_OF = {
    SHIPMENT: "open_shipments_amount",
    INVOICE: "open_invoices_amount",
    PREPAYMENT: "prepayments_amount",
}
# Kinds that can consume a credit-check reservation (002 第三十二条: shipments and prepayments).
RESERVABLE_KINDS = frozenset({SHIPMENT, PREPAYMENT})
# Kinds an outside system or a user may post directly (write-offs go through approval, reversals
# through reverse_entry).
DIRECT_KINDS = frozenset(KINDS) - {WRITE_OFF}

CENT = Decimal("0.01")
# What an amount column (DECIMAL(18, 2)) holds: no entry, no kept sum may pass it.
MAX_AMOUNT = Decimal("9999999999999999.99")
# A line's quantity column is DECIMAL(18, 4).
MAX_QUANTITY = Decimal("99999999999999.9999")
# Dates the ledger accepts: wide enough for any real trade, narrow enough that the longest term
# (3,650 days) and ageing arithmetic never leave the calendar (year 9999 is Python's last).
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2999, 12, 31)
MAX_TERM_DAYS = 3650
# The figures whose sum is what a credit check counts (exposure + reservations).
COMMITTED_FIGURES = (
    "open_shipments_amount",
    "open_invoices_amount",
    "prepayments_amount",
    "notes_amount",
    "reservations_amount",
)


def signed_amount(kind: str, amount: Decimal, reversed_kind: str | None = None) -> Decimal:
    """What the entry adds to the customer's debt (positive) or takes off (negative). A reversal
    undoes its target. Note entries move money between categories, not the debt (see note_effect)."""
    if kind == REVERSAL:
        return -signed_amount(reversed_kind, amount) if reversed_kind else Decimal(0)
    if kind in DEBIT_KINDS:
        return amount
    if kind in CREDIT_KINDS:
        return -amount
    return Decimal(0)


def note_effect(kind: str, amount: Decimal, reversed_kind: str | None = None) -> Decimal:
    """Change of the unsettled notes figure (004 客户信息管理制度 第八条 3)."""
    if kind == REVERSAL:
        return -note_effect(reversed_kind, amount) if reversed_kind else Decimal(0)
    if kind == NOTE_RECEIVED:
        return amount
    if kind == NOTE_SETTLED:
        return -amount
    return Decimal(0)


def due_date(entry_on: date, term_days: int) -> date:
    """Due date of a credit sale or prepayment = entry date + the grant's term (002 第二十二条:
    the term runs from shipment to payment, or from prepayment to goods received)."""
    return entry_on + timedelta(days=int(term_days))


def figures_fit(figures: dict) -> bool:
    """Whether a customer's kept totals still fit their columns: every figure and the committed sum
    (exposure by category plus reservations, which the credit check stores) within MAX_AMOUNT. Checked
    before writing, so an entry that would overflow is refused instead of breaking every later posting
    and check of the customer."""
    if any(abs(v) > MAX_AMOUNT for v in figures.values()):
        return False
    return sum((figures.get(f, 0) for f in COMMITTED_FIGURES), Decimal(0)) <= MAX_AMOUNT


def date_in_range(value: date | None) -> bool:
    return value is None or FIRST_DATE <= value <= LAST_DATE


def line_problems(*, quantity, amount, cost_amount) -> list[str]:
    """Fields of an entry line that are not numbers its columns hold: quantity up to 14 digits before
    the point and 4 after, amounts those of an entry (None = not given)."""
    bad = []
    for name, value, bound, places in (
        ("quantity", quantity, MAX_QUANTITY, Decimal("0.0001")),
        ("amount", amount, MAX_AMOUNT, CENT),
        ("cost_amount", cost_amount, MAX_AMOUNT, CENT),
    ):
        if value is None:
            continue
        number = isinstance(value, Decimal) and value.is_finite()
        # Magnitude before quantizing: "1e30" has more digits than the decimal context holds.
        if not number or abs(value) > bound or value != value.quantize(places):
            bad.append(name)
    return bad


def to_yuan(amount: Decimal, rate: Decimal) -> Decimal:
    """The yuan amount of a foreign-currency amount at the policy's fixed rate, to the cent."""
    return (amount * rate).quantize(CENT)


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    params: dict


def entry_problems(
    *,
    kind: str,
    amount,
    entry_on,
    due_on,
    currency: str,
    rates: dict,
    max_amount: Decimal = MAX_AMOUNT,
    term_days=None,
) -> list[Problem]:
    """What is wrong with one entry before it meets the ledger (SPEC §6):
    unknown kind, an amount not positive or finer than a cent, above the policy's maximum per entry
    (in the entry's currency and in yuan), unknown currency, due before entry, a date outside
    FIRST_DATE–LAST_DATE, a term that is not 0–3,650 days."""
    out = []
    if kind not in KINDS:
        out.append(Problem("ledger.unknown_kind", "kind", {"kind": kind}))
    # Compare magnitudes before quantizing: "1e30" has more digits than the decimal context holds.
    if not isinstance(amount, Decimal) or not amount.is_finite():
        out.append(Problem("ledger.invalid_amount", "amount", {}))
    elif amount <= 0:
        out.append(Problem("ledger.amount_not_positive", "amount", {}))
    elif amount > max_amount or amount > MAX_AMOUNT:
        out.append(Problem("ledger.amount_too_large", "amount", {"max": min(max_amount, MAX_AMOUNT)}))
    elif amount != amount.quantize(CENT):
        out.append(Problem("ledger.invalid_amount", "amount", {}))
    elif currency in rates and (amount * rates[currency]).quantize(CENT) > min(max_amount, MAX_AMOUNT):
        out.append(Problem("ledger.amount_too_large", "amount", {"max": min(max_amount, MAX_AMOUNT)}))
    if currency not in rates:
        out.append(Problem("ledger.unknown_currency", "currency", {"currency": currency}))
    if entry_on is None:
        out.append(Problem("ledger.entry_date_required", "entry_on", {}))
    elif not date_in_range(entry_on):
        out.append(Problem("ledger.date_out_of_range", "entry_on", date_range()))
    elif due_on is not None and not date_in_range(due_on):
        out.append(Problem("ledger.date_out_of_range", "due_on", date_range()))
    elif due_on is not None and due_on < entry_on:
        out.append(Problem("ledger.due_before_entry", "due_on", {}))
    if term_days is not None and not (
        isinstance(term_days, int) and not isinstance(term_days, bool) and 0 <= term_days <= MAX_TERM_DAYS
    ):
        out.append(Problem("ledger.invalid_term", "term_days", {"max": MAX_TERM_DAYS}))
    return out


def date_range() -> dict:
    return {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()}


@dataclass
class Item:
    """An open debit or an unallocated credit in memory: key orders FIFO (date, then posting order)."""

    key: tuple
    open: Decimal
    ref: object = None


def allocate_fifo(amount: Decimal, items: list[Item]) -> tuple[list[tuple[Item, Decimal]], Decimal]:
    """Allocate `amount` to `items` oldest first (payments settle the oldest debts first; 002 第三十五条:
    the previous debt is settled before new credit). Returns (item, taken) pairs and the remainder.
    Mutates the items' open amounts."""
    taken = []
    rest = amount
    for item in sorted(items, key=lambda i: i.key):
        if rest <= 0:
            break
        if item.open <= 0:
            continue
        part = min(rest, item.open)
        item.open -= part
        rest -= part
        taken.append((item, part))
    return taken, rest


def billing(
    invoice_amount: Decimal, shipment_amount: Decimal, shipment_open: Decimal
) -> tuple[Decimal, Decimal]:
    """An invoice that bills a shipment (赊销发货 then 开票) takes the debt over instead of adding to it
    (004 客户信息管理制度 第八条: exposure counts unpaid credit sales once). Returns (moved, carried):

    * moved — the part of the shipment still open that the invoice now carries (the shipment's
      open amount goes down by it, the invoice's is counted instead);
    * carried — the part of the billed goods already paid on the shipment (payments, credit notes),
      which therefore is not open on the invoice either.

    The invoice's open amount is invoice_amount − carried; an invoice above the shipment (a price
    added) keeps the difference open; an invoice below it (partial billing) leaves the rest of the
    shipment open.
    """
    billed = min(invoice_amount, shipment_amount)
    moved = min(invoice_amount, shipment_open)
    return moved, max(billed - moved, Decimal("0"))


def is_overdue(due_on: date | None, on: date) -> bool:
    """An open debit is overdue the day after its due date."""
    return due_on is not None and due_on < on


# --- Ageing and the month arithmetic of the rating facts (000 客户信息管理办法 二.7; SPEC §6) -----------
NOT_DUE = "not_due"


@dataclass(frozen=True)
class Bucket:
    code: str  # "not_due", "1-30", …, "181+"
    low: int | None  # smallest days overdue in the bucket (None: not due)
    high: int | None  # largest days overdue (None: open-ended)


def buckets_from_bounds(bounds: list[int]) -> list[Bucket]:
    """The ageing buckets from the policy's upper bounds, e.g. [30, 60, 90, 180] →
    not due, 1–30, 31–60, 61–90, 91–180, > 180 (SPEC §6; 000 客户信息管理办法 二.7 receivables by age)."""
    result = [Bucket(NOT_DUE, None, 0)]
    low = 1
    for high in sorted({int(b) for b in bounds if int(b) > 0}):
        result.append(Bucket(f"{low}-{high}", low, high))
        low = high + 1
    result.append(Bucket(f"{low}+", low, None))
    return result


def days_overdue(due_on: date | None, on: date) -> int:
    """Days past the due date at `on` (0 or less: not due). No due date: due on the entry date, so
    the caller passes the entry date."""
    if due_on is None:
        return 0
    return (on - due_on).days


def ageing_bucket(days: int, buckets: list[Bucket]) -> str:
    """The code of the bucket an amount `days` overdue falls in; ≤ 0 days is "not due"."""
    if days <= 0:
        return NOT_DUE
    for bucket in buckets[1:]:
        if bucket.high is None or days <= bucket.high:
            return bucket.code
    return buckets[-1].code  # pragma: no cover - the last bucket is open-ended


def months_back(on: date, months: int) -> date:
    """The first day of the month `months` before `on`'s month."""
    index = on.year * 12 + (on.month - 1) - months
    return date(index // 12, index % 12 + 1, 1)


def two_years_before(on: date) -> date:
    try:
        return on.replace(year=on.year - 2)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 2, day=28)


def falling_months(monthly: list[Decimal]) -> int:
    """Consecutive months of decline at the end of a series of monthly amounts, oldest first: e.g.
    [5, 7, 6, 4] → 2 (7→6→4). Used as "revenue trend falling" in the rating facts."""
    count = 0
    for i in range(len(monthly) - 1, 0, -1):
        if monthly[i] < monthly[i - 1]:
            count += 1
        else:
            break
    return count
