"""What the ledger knows about a customer, for the rating engine and the grant ceilings
(002 第十–十七条 criteria such as 交易时间、付款记录、呆账、逾期; 004 客户信息管理制度 第十一条).

`ledger_facts(customer_id, on=…)` for one customer, `ledger_facts_bulk(ids, on=…)` for any number
(the back-test runs it for every customer) in a fixed handful of aggregate queries per chunk of
customers — never per customer.

Definitions (all as of `on`, nothing after it counts):
- first_trade_on: the first entry of any kind but a reversal; months_of_trade: whole months since.
- has_credit_history: any credit sale (shipment, invoice) or prepayment.
- window: the `window_months` complete calendar months before `on`'s month. Average monthly
  shipments (credit sales: shipments + invoices, less their reversals) and collections (payments and
  notes received, less their reversals) are divided by the window months the customer traded in (at
  least 1), so a customer of three months is not averaged over twelve.
- bad_debt_within_2y: a write-off (not reversed) in the two years up to `on`.
- overdue_beyond_limit_within_2y: a receivable debit still unpaid `facts_overdue_days` (collection
  policy) after its due date, that moment falling in the two years up to `on`.
- broken_promises_2y: payment promises broken (promised date in the two years before `on`); an open
  promise past its date counts when the payments did not reach its amount (evaluated lazily).
- revenue_trend_falling_months: consecutive months of falling credit sales at the end of the window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from xindang.core.dates import months_between
from xindang.ledger import rules
from xindang.ledger.models import Allocation, TradeEntry
from xindang.ledger.rules import (
    INVOICE,
    NOTE_RECEIVED,
    PAYMENT,
    PREPAYMENT,
    REVERSAL,
    SHIPMENT,
    WRITE_OFF,
)
from xindang.policy.selectors import current_policy

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
SALE_KINDS = (SHIPMENT, INVOICE)
COLLECTION_KINDS = (PAYMENT, NOTE_RECEIVED)
CHUNK = 2000
MONEY = DecimalField(max_digits=18, decimal_places=2)

__all__ = [
    "LedgerFacts",
    "TradeFacts",
    "ledger_facts",
    "ledger_facts_bulk",
    "TRADE_COLUMNS",
    "trade_fact_querysets",
    "trade_facts",
    "trade_facts_bulk",
    "trade_facts_from_rows",
]


@dataclass(frozen=True)
class LedgerFacts:
    first_trade_on: date | None
    months_of_trade: int
    has_credit_history: bool
    avg_monthly_shipments: Decimal
    avg_monthly_collections: Decimal
    bad_debt_within_2y: bool
    overdue_beyond_limit_within_2y: bool
    broken_promises_2y: int
    revenue_trend_falling_months: int


EMPTY = LedgerFacts(None, 0, False, ZERO, ZERO, False, False, 0, 0)


# The broken payment promises come from collection, a sub-app above the ledger: it registers its counter
# here when it loads (ledger.collection.apps), so that the ledger never imports collection.
_broken_promises = None


def register_broken_promises(counter) -> None:
    """counter(ids, *, since, on) -> {customer_id: number of promises broken in [since, on)}."""
    global _broken_promises
    _broken_promises = counter


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def ledger_facts(customer_id: int, *, on: date, window_months: int = 12, policy=None) -> LedgerFacts:
    return ledger_facts_bulk([customer_id], on=on, window_months=window_months, policy=policy)[customer_id]


def ledger_facts_bulk(
    customer_ids, *, on: date, window_months: int = 12, policy=None
) -> dict[int, LedgerFacts]:
    """LedgerFacts for each id (customers without entries get empty facts): five aggregate queries per
    chunk of 2,000 customers, whatever the size of their ledgers."""

    ids = sorted({int(i) for i in customer_ids})
    limit_days = (policy or current_policy()).collection.facts_overdue_days
    window_months = max(int(window_months), 1)
    out: dict[int, LedgerFacts] = {}
    for start in range(0, len(ids), CHUNK):
        out.update(_chunk(ids[start : start + CHUNK], on, window_months, limit_days))
    return out


@dataclass(frozen=True)
class TradeFacts:
    """The facts of the entries' two aggregates (LedgerFacts without the overdue receivables and the
    broken promises): what a grant ceiling reads."""

    first_trade_on: date | None
    months_of_trade: int
    has_credit_history: bool
    avg_monthly_shipments: Decimal
    avg_monthly_collections: Decimal
    bad_debt_within_2y: bool
    revenue_trend_falling_months: int


EMPTY_TRADE = TradeFacts(None, 0, False, ZERO, ZERO, False, 0)


def trade_facts(customer_id: int, *, on: date, window_months: int = 12) -> TradeFacts:
    """The trade facts of one customer (as ledger_facts has them) in one statement."""
    return trade_facts_bulk([customer_id], on=on, window_months=max(int(window_months), 1))[int(customer_id)]


TRADE_COLUMNS = ("customer_id", "month", "eff_kind", "total", "first", "credit", "written_off")


def trade_facts_bulk(ids: list[int], *, on: date, window_months: int) -> dict[int, TradeFacts]:
    """TradeFacts of each id: 1. first trade, credit history and write-offs, 2. monthly sales and
    collections in the window, reversals netted — two aggregates sent as one (UNION ALL), each branch
    filling its own columns (the other's are NULL)."""
    head, monthly = trade_fact_querysets(ids, on=on, window_months=window_months)
    # not .iterator(): a PostgreSQL cursor plans without parallel workers
    return trade_facts_from_rows(ids, list(head.union(monthly, all=True)), on=on, window_months=window_months)


def trade_fact_querysets(ids, *, on: date, window_months: int) -> tuple:
    """The two aggregates of trade_facts_bulk, each giving the columns TRADE_COLUMNS (those of the
    other aggregate NULL): 1. per customer, the first trade, whether it bought on credit and its
    write-offs within two years; 2. per customer, month and kind, the sales and collections of the
    window, reversals netted."""
    two_years = rules.two_years_before(on)
    window_start = rules.months_back(on, window_months)
    window_end = rules.months_back(on, 0)  # first day of on's month (excluded)
    blank = {
        "month": Value(None, output_field=DateField()),
        "eff_kind": Value(None, output_field=CharField()),
        "total": Value(None, output_field=MONEY),
        "first": Value(None, output_field=DateField()),
        "credit": Value(None, output_field=IntegerField()),
        "written_off": Value(None, output_field=IntegerField()),
    }
    entries = TradeEntry.objects.filter(customer_id__in=ids, entry_on__lte=on)
    head = (
        entries.exclude(kind=REVERSAL)
        .order_by()
        .values("customer_id")
        .annotate(
            first=Min("entry_on"),
            credit=Count("id", filter=Q(kind__in=(*SALE_KINDS, PREPAYMENT))),
            written_off=Count(
                "id",
                filter=Q(kind=WRITE_OFF, entry_on__gt=two_years)
                & (Q(reversed_by__isnull=True) | Q(reversed_by__entry_on__gt=on)),
            ),
            **{k: v for k, v in blank.items() if k in ("month", "eff_kind", "total")},
        )
        .values(*TRADE_COLUMNS)
    )
    kind = Case(When(kind=REVERSAL, then=F("reverses__kind")), default=F("kind"))
    sign = Case(When(kind=REVERSAL, then=Value(-1)), default=Value(1))
    monthly = (
        TradeEntry.objects.filter(customer_id__in=ids, entry_on__gte=window_start, entry_on__lt=window_end)
        .filter(
            Q(kind__in=(*SALE_KINDS, *COLLECTION_KINDS))
            | Q(kind=REVERSAL, reverses__kind__in=(*SALE_KINDS, *COLLECTION_KINDS))
        )
        .annotate(eff_kind=kind, month=TruncMonth("entry_on", output_field=DateField()))
        .order_by()
        .values("customer_id", "month", "eff_kind")
        .annotate(
            total=Sum(ExpressionWrapper(F("amount") * sign, output_field=MONEY)),
            **{k: v for k, v in blank.items() if k in ("first", "credit", "written_off")},
        )
        .values(*TRADE_COLUMNS)
    )
    return head, monthly


def trade_facts_from_rows(ids, rows, *, on: date, window_months: int) -> dict[int, TradeFacts]:
    """TradeFacts of each id from the rows (dicts of TRADE_COLUMNS) of both trade_fact_querysets."""
    window_start = rules.months_back(on, window_months)
    firsts: dict = {}
    sales: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    collections: dict = defaultdict(lambda: ZERO)
    for r in rows:
        cid = r["customer_id"]
        if r["eff_kind"] is None:  # the first aggregate: one row per customer
            first = r["first"]
            if first is not None and not isinstance(first, date):
                first = date.fromisoformat(str(first)[:10])
            firsts[cid] = (first, r["credit"], r["written_off"])
            continue
        month = r["month"]
        if hasattr(month, "date"):
            month = month.date()
        if r["eff_kind"] in SALE_KINDS:
            sales[cid][_month_index(month)] += r["total"] or ZERO
        else:
            collections[cid] += r["total"] or ZERO

    result = {}
    first_window = _month_index(window_start)
    months = [first_window + i for i in range(window_months)]
    for cid in ids:
        if cid not in firsts:
            result[cid] = EMPTY_TRADE
            continue
        first, credit, written_off = firsts[cid]
        traded_from = max(first_window, _month_index(first)) if first else first_window
        traded_months = max(1, sum(1 for m in months if m >= traded_from)) if first else 1
        series = [sales[cid].get(m, ZERO) for m in months if m >= traded_from] if first else []
        result[cid] = TradeFacts(
            first_trade_on=first,
            months_of_trade=months_between(first, on) if first else 0,
            has_credit_history=bool(credit),
            avg_monthly_shipments=(sum(sales[cid].values(), ZERO) / traded_months).quantize(CENT),
            avg_monthly_collections=(collections[cid] / traded_months).quantize(CENT),
            bad_debt_within_2y=bool(written_off),
            revenue_trend_falling_months=rules.falling_months(series),
        )
    return result


def _chunk(ids: list[int], on: date, window_months: int, limit_days: int) -> dict[int, LedgerFacts]:
    two_years = rules.two_years_before(on)
    trade = trade_facts_bulk(ids, on=on, window_months=window_months)

    # 3. A receivable unpaid `limit_days` after its due date, that moment within two years (one query).
    allocated = (
        Allocation.objects.filter(debit_entry=OuterRef("pk"), allocated_on__lte=OuterRef("late_on"))
        .order_by()
        .values("debit_entry")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    late_on = ExpressionWrapper(F("due_on") + timedelta(days=limit_days), output_field=DateField())
    overdue = set(
        TradeEntry.objects.filter(
            customer_id__in=ids,
            kind__in=SALE_KINDS,
            due_on__isnull=False,
            due_on__gte=two_years - timedelta(days=limit_days),
            due_on__lt=on - timedelta(days=limit_days),
        )
        .annotate(late_on=late_on)
        .annotate(paid=Coalesce(Subquery(allocated, output_field=MONEY), Value(ZERO), output_field=MONEY))
        .filter(paid__lt=F("amount"))
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )

    # 4. Broken promises in two years: counted by collection (above the ledger; see register_broken_promises).
    broken: dict = defaultdict(int)
    if _broken_promises is not None:
        broken.update(_broken_promises(ids, since=two_years, on=on))

    result = {}
    for cid in ids:
        t = trade[cid]
        if t is EMPTY_TRADE and cid not in broken:
            result[cid] = EMPTY
            continue
        result[cid] = LedgerFacts(
            first_trade_on=t.first_trade_on,
            months_of_trade=t.months_of_trade,
            has_credit_history=t.has_credit_history,
            avg_monthly_shipments=t.avg_monthly_shipments,
            avg_monthly_collections=t.avg_monthly_collections,
            bad_debt_within_2y=t.bad_debt_within_2y,
            overdue_beyond_limit_within_2y=cid in overdue,
            broken_promises_2y=broken.get(cid, 0),
            revenue_trend_falling_months=t.revenue_trend_falling_months,
        )
    return result
