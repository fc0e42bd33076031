"""Sales out of the ledger, aggregated in SQL, for the customer analyses (004 客户信息管理制度 第三–四条;
003 篇五 第四条3; 001 抓两头放中间).

Sales (销售额) are the ledger's credit sales: shipments and invoices — an invoice that bills a shipment
is the same sale and counts once, through its shipment — less credit notes (returns), each net of its
reversal. Products come from the entries' lines (product, amount, cost); the part of the sales that
carries no lines is reported as such, never spread over products.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.db.models import Case, Count, DecimalField, F, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from xindang.core.request_cache import memo
from xindang.customers.models import Customer
from xindang.ledger.models import EntryLine, TradeEntry
from xindang.ledger.rules import CREDIT_NOTE, INVOICE, REVERSAL, SHIPMENT, WRITE_OFF

from .. import rules
from ..tables import LazyRows

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=18, decimal_places=2)

# Classifications of a customer file the composition can group by (003 篇五 第四条2(1): 行业、客户性质、
# 客户地域、顾客类型), and the product (第四条3(2) 商品构成).
DIMENSIONS = ("industry", "nature", "region", "enterprise_type", "tier", "product")

_SALE = Q(kind=SHIPMENT) | Q(kind=INVOICE, settles__isnull=True)
_SALE_REVERSED = Q(kind=REVERSAL) & (
    Q(reverses__kind=SHIPMENT) | Q(reverses__kind=INVOICE, reverses__settles__isnull=True)
)
_RETURN = Q(kind=CREDIT_NOTE)
_RETURN_REVERSED = Q(kind=REVERSAL, reverses__kind=CREDIT_NOTE)
SALES_FILTER = _SALE | _SALE_REVERSED | _RETURN | _RETURN_REVERSED


def signed_sales():
    """The entry's effect on sales: + a sale or a reversed return, − a return or a reversed sale."""
    return Case(
        When(kind__in=(SHIPMENT, INVOICE), then=F("amount")),
        When(kind=REVERSAL, reverses__kind=CREDIT_NOTE, then=F("amount")),
        default=-F("amount"),
        output_field=MONEY,
    )


def of_customers(qs, customers, field: str = "customer"):
    """`qs` narrowed to the files of `customers` (a queryset of visible files); no subquery when the
    user sees every file, and only the few left out when the user sees nearly all (left_out_ids)."""
    if customers.query.is_empty():
        return qs.none()
    left_out = left_out_ids(customers)
    if left_out is None:
        return qs.filter(**{f"{field}__in": customers.values("pk")})
    return qs.exclude(**{f"{field}__in": left_out}) if left_out else qs


FEW_LEFT_OUT = 2000  # files a user does not see, below which a sum is the company's minus theirs
_LEFT_OUT: WeakKeyDictionary = WeakKeyDictionary()  # queryset → its left_out_ids, while it lives


def left_out_ids(customers) -> list[int] | None:
    """The ids of the files not in `customers` when they are few (a user who sees all but a handful
    of files: a stored company figure minus those few is cheaper than a sum over every file); None
    when they are many (sum over `customers` instead). [] when `customers` is every file."""
    if customers.query.is_empty():
        return None
    if not customers.query.has_filters():
        return []
    if customers in _LEFT_OUT:  # one request reads it for each of its figures
        return _LEFT_OUT[customers]

    def compute():
        left = Customer.objects.exclude(pk__in=customers.values("pk")).values_list("pk", flat=True)
        ids = list(left[: FEW_LEFT_OUT + 1])
        return ids if len(ids) <= FEW_LEFT_OUT else None

    # the same files asked again in the request (the view and its document each build the queryset)
    _LEFT_OUT[customers] = out = memo(("reports.left_out", str(customers.query)), compute)
    return out


def sales_entries(customers, start: date, end: date):
    """The sales entries of `customers` (a queryset) dated start..end inclusive."""
    return of_customers(
        TradeEntry.objects.filter(SALES_FILTER, entry_on__gte=start, entry_on__lte=end), customers
    )


def sales_total():
    """The sales of the entries summed (signed_sales)."""
    return Coalesce(Sum(signed_sales()), Value(ZERO), output_field=MONEY)


_total = sales_total


# --- The closed months stored by the daily run (reports.SalesFact) --------------------------------
def _month_end(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


def split_period(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The months of start..end whose sales facts are stored (whole months only: their first days),
    and the date ranges left to read from the ledger (the running month, months not stored)."""
    from ..models import SalesFact

    whole = [(y, m) for y, m in _months(start, end) if date(y, m, 1) >= start and _month_end(y, m) <= end]
    firsts = set(
        SalesFact.objects.filter(
            customer__isnull=True, month__in=[date(y, m, 1) for y, m in whole]
        ).values_list("month", flat=True)
    )
    live, run = [], None
    for y, m in _months(start, end):
        if date(y, m, 1) in firsts:
            if run:
                live.append(run)
                run = None
            continue
        a, b = max(start, date(y, m, 1)), min(end, _month_end(y, m))
        run = (run[0], b) if run else (a, b)
    if run:
        live.append(run)
    return sorted(firsts), live


def stored_facts(customers, months: list[date]):
    """The customers' SalesFact rows of those months."""
    from ..models import SalesFact

    return of_customers(SalesFact.objects.filter(customer__isnull=False, month__in=months), customers)


def sales_by_customer(customers, start: date, end: date) -> dict[int, Decimal]:
    """customer id → sales of start..end (those with a sales entry): the stored months' facts and the
    ledger's other days."""
    stored, live = split_period(start, end)
    out: dict[int, Decimal] = {}
    if stored:
        rows = stored_facts(customers, stored).order_by().values("customer_id").annotate(total=Sum("sales"))
        out = {r["customer_id"]: r["total"] for r in rows}
    for a, b in live:
        rows = sales_entries(customers, a, b).order_by().values("customer_id").annotate(total=_total())
        for r in rows:
            out[r["customer_id"]] = out.get(r["customer_id"], ZERO) + r["total"]
    return out


def top_customers(customers, start: date, end: date, n: int) -> list[int]:
    """The ids of the `n` customers of the largest sales of start..end, largest first (ties by id):
    ordered and cut by the database when the stored facts hold the whole period."""
    stored, live = split_period(start, end)
    if stored and not live:
        rows = (
            stored_facts(customers, stored)
            .order_by()
            .values("customer_id")
            .annotate(total=Sum("sales"))
            .order_by("-total", "customer_id")[:n]
        )
        return [r["customer_id"] for r in rows]
    totals = sales_by_customer(customers, start, end)
    return sorted(totals, key=lambda cid: (-totals[cid], cid))[:n]


def total_sales(customers, start: date, end: date) -> Decimal:
    return sum(monthly_sales(customers, start, end).values(), ZERO)


def monthly_sales(customers, start: date, end: date) -> dict[tuple[int, int], Decimal]:
    """(year, month) → sales: the closed months from the stored facts (the company's rows less the
    few files a user does not see, or the rows of the files seen), the rest from the ledger."""
    from ..models import SalesFact

    stored, live = split_period(start, end)
    out: dict[tuple[int, int], Decimal] = {}
    left_out = left_out_ids(customers) if stored else None
    if stored and left_out is not None and not customers.query.is_empty():
        company = {
            (month.year, month.month): [amount, n]
            for month, amount, n in SalesFact.objects.filter(
                customer__isnull=True, month__in=stored
            ).values_list("month", "sales", "entries")
        }
        if left_out:
            for r in (
                SalesFact.objects.filter(month__in=stored, customer__in=left_out)
                .order_by()
                .values("month")
                .annotate(total=Sum("sales"), n=Sum("entries"))
            ):
                figures = company[(r["month"].year, r["month"].month)]
                figures[0] -= r["total"]
                figures[1] -= r["n"]
        out = {ym: amount for ym, (amount, n) in company.items() if n > 0}  # a month of sales entries
    elif stored:
        for r in stored_facts(customers, stored).order_by().values("month").annotate(total=Sum("sales")):
            out[(r["month"].year, r["month"].month)] = r["total"]
    for a, b in live:
        rows = (
            sales_entries(customers, a, b)
            .annotate(y=ExtractYear("entry_on"), m=ExtractMonth("entry_on"))
            .order_by()
            .values("y", "m")
            .annotate(total=_total())
        )
        out.update({(r["y"], r["m"]): r["total"] for r in rows})
    return out


# --- Composition (004 第三条1; 003 篇五 第四条3) ---------------------------------------------------
@dataclass
class CompositionRow:
    key: str
    label: str
    amount: Decimal
    share: Decimal | None
    customers: int


@dataclass
class Composition:
    dimension: str
    rows: list[CompositionRow]
    total: Decimal
    unlined_amount: Decimal = ZERO  # product dimension: sales that carry no product lines


def _choice_labels(dimension: str) -> dict:
    return {k: str(v) for k, v in Customer._meta.get_field(dimension).flatchoices}


def composition(customers, dimension: str, start: date, end: date) -> Composition:
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    if dimension == "product":
        return product_composition(customers, start, end)
    parts, total = rules.composition(composition_rows(customers, dimension, start, end))
    labels = _choice_labels(dimension)
    out = [CompositionRow(p.key, labels.get(p.key) or p.key, p.amount, p.share, p.count) for p in parts]
    return Composition(dimension, out, total)


def composition_rows(customers, dimension: str, start: date, end: date) -> list[tuple[str, Decimal, int]]:
    """(key, sales, customers with a sales entry) per value of the customer's `dimension`: the stored
    months' facts and the ledger's other days in one query (UNION ALL of both per customer, then
    grouped by the key, so a customer in both counts once)."""
    from django.db import connection

    stored, live = split_period(start, end)
    key = F(f"customer__{dimension}")
    parts = []
    if stored:
        parts.append(
            stored_facts(customers, stored)
            .annotate(k=key)
            .order_by()
            .values("customer_id", "k")
            .annotate(total=Sum("sales"))
        )
    for a, b in live:
        parts.append(
            sales_entries(customers, a, b)
            .annotate(k=key)
            .order_by()
            .values("customer_id", "k")
            .annotate(total=_total())
        )
    if not parts:
        return []
    sqls, params = [], []
    for qs in parts:
        sql, p = qs.query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) p{len(sqls)}")  # noqa: S608 - compiled by the ORM
        params += list(p)
    union = " UNION ALL ".join(sqls)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT u.k, SUM(u.total), COUNT(DISTINCT u.customer_id) FROM ({union}) u GROUP BY u.k",  # noqa: S608
            params,
        )
        rows = cur.fetchall()
    money = MONEY
    return [(k or "", money.to_python(t) if t is not None else ZERO, n) for k, t, n in rows]


def _line_rows(customers, start: date, end: date):
    """Lines of sales entries (returns negative) not reversed, with their entry's sign."""
    sign = Case(When(entry__kind=CREDIT_NOTE, then=Value(-1)), default=Value(1))
    return (
        EntryLine.objects.filter(
            entry__in=sales_entries(customers, start, end).exclude(kind=REVERSAL).values("pk"),
            entry__reversed_by__isnull=True,
        )
        .annotate(sign=sign)
        .order_by()
    )


@dataclass
class ProductRow:
    product: str
    amount: Decimal
    share: Decimal | None
    cost: Decimal | None  # None: some line of the product has no cost
    margin: Decimal | None = None
    margin_rate: Decimal | None = None
    opening_stock: Decimal | None = None
    closing_stock: Decimal | None = None
    average_stock: Decimal | None = None
    turnover: Decimal | None = None
    cross: Decimal | None = None
    contribution: Decimal | None = None
    customers: int = 0


def product_sales(customers, start: date, end: date) -> tuple[list[dict], Decimal]:
    """Per product: amount, cost (None when any line lacks it), customers; and the lined total."""
    amount = Sum(F("amount") * F("sign"), output_field=MONEY)
    cost = Sum(F("cost_amount") * F("sign"), output_field=MONEY)
    rows = list(
        _line_rows(customers, start, end)
        .values("product")
        .annotate(
            amount_sum=Coalesce(amount, Value(ZERO), output_field=MONEY),
            cost_sum=cost,
            missing_cost=Count("id", filter=Q(cost_amount__isnull=True)),
            n=Count("entry__customer", distinct=True),
        )
    )
    return rows, sum((r["amount_sum"] for r in rows), ZERO)


def product_composition(customers, start: date, end: date) -> Composition:
    rows, lined = product_sales(customers, start, end)
    parts, total = rules.composition((r["product"], r["amount_sum"], r["n"]) for r in rows)
    out = [CompositionRow(p.key, p.key, p.amount, p.share, p.count) for p in parts]
    return Composition("product", out, total, unlined_amount=total_sales(customers, start, end) - lined)


def product_analysis(
    customers, start: date, end: date, stocks: dict | None = None
) -> tuple[list[ProductRow], Decimal]:
    """004 客户信息管理制度 第四条2–6 per product: mix, gross margin and rate (when every line has a cost),
    average stock, turnover, cross ratio and contribution (when the stock at the start and the end of
    the period is given: `stocks` product → (opening, closing); the ledger keeps no stock)."""
    stocks = stocks or {}
    rows, lined = product_sales(customers, start, end)
    mix = {p.key: p for p in rules.product_mix((r["product"], r["amount_sum"]) for r in rows)[0]}
    out = []
    for r in rows:
        part = mix[r["product"]]
        cost = r["cost_sum"] if r["missing_cost"] == 0 else None
        margin, rate = rules.gross_margin(r["amount_sum"], cost)
        opening, closing = stocks.get(r["product"], (None, None))
        avg = rules.average_stock(opening, closing)
        turnover = rules.stock_turnover(r["amount_sum"], avg)
        cross = rules.cross_ratio(rate, turnover)
        out.append(
            ProductRow(
                product=r["product"],
                amount=r["amount_sum"],
                share=part.share,
                cost=cost,
                margin=margin,
                margin_rate=rate,
                opening_stock=opening,
                closing_stock=closing,
                average_stock=avg,
                turnover=turnover,
                cross=cross,
                contribution=rules.contribution_ratio(cross, part.share),
                customers=r["n"],
            )
        )
    out.sort(key=lambda p: (-(p.margin if p.margin is not None else Decimal("-1e30")), -p.amount, p.product))
    return out, lined


class CustomerRef(NamedTuple):
    """What the analyses show of a customer: its id (the link to its file), name and file number."""

    pk: int
    name: str
    file_no: str | None


def customer_refs(ids) -> dict[int, CustomerRef]:
    """id → CustomerRef of those customers: plain tuples, not model instances (a list can hold every
    customer of the company)."""
    ids = set(ids)
    if not ids:
        return {}
    qs = Customer.objects.values_list("pk", "name", "file_no")
    if len(ids) > 5000:  # most of the files: one pass over the table beats a long IN list
        return {r[0]: CustomerRef(*r) for r in qs.iterator(chunk_size=20000) if r[0] in ids}
    return {r[0]: CustomerRef(*r) for r in qs.filter(pk__in=ids)}


# --- ABC (004 第三条2) and share of our sales (第三条3) ---------------------------------------------
@dataclass
class AbcCustomer:
    customer: CustomerRef
    amount: Decimal
    share: Decimal | None
    cumulative: Decimal | None
    klass: str
    rank: int
    meets: bool | None = None


@dataclass
class AbcReport:
    start: date
    end: date
    rows: Sequence[AbcCustomer]
    summary: list
    total: Decimal
    a_pct: Decimal
    b_pct: Decimal
    required_pct: Decimal | None
    as_of: datetime | None = None  # read from the ranking the daily run stored at this moment


def abc_report(customers, start: date, end: date, policy) -> AbcReport:
    """Customers with sales in the period, largest first, each with its share of our sales, the
    cumulative share and its class; whether its share reaches the level the company requires."""
    return abc_report_of(sales_by_customer(customers, start, end), start, end, policy)


def abc_report_of(amounts: dict[int, Decimal], start: date, end: date, policy, as_of=None) -> AbcReport:
    """The ABC report of these sales (customer id → amount; those of no sales are left out): ranked by
    rules.abc_classes; the customers' names are read a page at a time."""
    section = policy.reports
    classes = rules.abc_classes(
        ((cid, a) for cid, a in amounts.items() if a), a_pct=section.abc_a_pct, b_pct=section.abc_b_pct
    )
    rows = with_customers([(r.key, r.amount, r.share, r.cumulative, r.klass, r.rank) for r in classes]).map(
        lambda t: abc_customer(t, section.required_share_pct)
    )
    total = sum((r.amount for r in classes if r.amount > 0), ZERO)
    return AbcReport(
        start,
        end,
        rows,
        rules.abc_summary(classes),
        total,
        section.abc_a_pct,
        section.abc_b_pct,
        section.required_share_pct,
        as_of,
    )


def abc_customer(t: tuple, required_pct) -> AbcCustomer:
    """(CustomerRef, amount, share, cumulative, class, rank) → AbcCustomer with its verdict."""
    ref, amount, share_, cumulative, klass, rank = t
    return AbcCustomer(
        ref, amount, share_, cumulative, klass, rank, rules.meets_required_share(share_, required_pct)
    )


# --- 抓两头放中间 (001) ------------------------------------------------------------------------------
@dataclass
class CoreTail:
    core: Sequence = field(default_factory=list)  # (customer, average yearly, years, grade)
    tail: Sequence = field(default_factory=list)  # (customer, reasons, overdue, grade)
    middle_count: int = 0


class CoreTailFacts(NamedTuple):
    """What decides one customer's end (001 抓两头放中间): its average yearly trade (None: no positive
    trade in the years read), days since its first entry (None: none), the signs of risk, the overdue
    amount and the grade now."""

    average: Decimal | None
    days: int | None
    reasons: tuple[str, ...]
    overdue: Decimal
    grade: str | None


def first_trade_dates(customers) -> dict[int, date]:
    rows = (
        of_customers(TradeEntry.objects.exclude(kind=REVERSAL), customers)
        .order_by()
        .values("customer_id")
        .annotate(first=Min("entry_on"))
    )
    return {r["customer_id"]: r["first"] for r in rows}


def written_off_ids(customers, start: date, end: date) -> set[int]:
    return set(
        of_customers(TradeEntry.objects, customers)
        .filter(
            kind=WRITE_OFF,
            entry_on__gte=start,
            entry_on__lte=end,
            reversed_by__isnull=True,
        )
        .values_list("customer_id", flat=True)
    )


def window_start(on: date, years: int) -> date:
    """The first day of the `years` × 12 calendar months ending with on's month."""
    month = on.month + 1
    return date(on.year - years + (month > 12), (month - 1) % 12 + 1, 1)


def calendar_months(start: date, end: date) -> int:
    """Calendar months from `start`'s month to `end`'s, both counted (0 when `end`'s month is before)."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


def core_tail_facts(
    customers, *, on: date, policy, grades: dict, earlier: dict, overdue: dict
) -> dict[int, CoreTailFacts]:
    """customer id → CoreTailFacts, for every customer with a positive trade in the policy's years
    to `on`, a grade, an overdue amount or a write-off in those years: four set-wide aggregates (the
    sales of the years, the first entry, the write-offs) and the risk inputs given. `grades`/`earlier`:
    customer id → grade now / a year ago; `overdue`: customer id → overdue amount now."""
    years = policy.reports.seasonal_years
    start = window_start(on, years)
    sales = sales_by_customer(customers, start, on)
    first = first_trade_dates(customers)
    averages = {}
    for cid, amount in sales.items():
        if amount <= 0:
            continue
        traded_from = max(first.get(cid, start), start)
        averages[cid] = rules.average_yearly(amount, calendar_months(traded_from, on))
    written = written_off_ids(customers, start, on)
    ids = set(averages) | set(grades) | {cid for cid, v in overdue.items() if v > 0} | written
    return {
        cid: CoreTailFacts(
            averages.get(cid),
            (on - first[cid]).days if cid in first else None,
            tuple(
                rules.tail_reasons(
                    grade=grades.get(cid),
                    overdue_amount=overdue.get(cid, ZERO),
                    grade_fell=rules.grade_fell(earlier.get(cid), grades.get(cid)),
                    written_off=cid in written,
                )
            ),
            overdue.get(cid, ZERO),
            grades.get(cid),
        )
        for cid in ids
    }


def years_of_trade(days: int | None) -> Decimal:
    return Decimal(days) / Decimal("365.25") if days is not None else Decimal(0)


def core_tail_classes(facts: dict[int, CoreTailFacts], policy) -> dict[int, str]:
    """customer id → its ABC class by average yearly trade (those with a positive average)."""
    section = policy.reports
    return {
        r.key: r.klass
        for r in rules.abc_classes(
            ((cid, f.average) for cid, f in facts.items() if f.average is not None),
            a_pct=section.abc_a_pct,
            b_pct=section.abc_b_pct,
        )
    }


def classify_core_tail(facts: dict[int, CoreTailFacts], policy) -> CoreTail:
    """The two ends (001 抓两头放中间) of the customers of `facts`: core customers — class A by average
    yearly trade, of at least `core_min_years` of trade — and the tail — the others with a sign of risk
    (grade C, overdue, grade fallen since a year ago, a write-off in the years read); the rest is the
    middle. The lists hold the customers' ids; with_customers() puts their names in, a page at a time."""
    section = policy.reports
    classes = core_tail_classes(facts, policy)
    out = CoreTail(core=[], tail=[])
    for cid, f in facts.items():
        years = years_of_trade(f.days)
        klass = classes.get(cid, rules.C)
        if rules.is_core(klass=klass, years_of_relationship=years, min_years=section.core_min_years):
            out.core.append((cid, f.average, years.quantize(Decimal("0.1")), f.grade))
        elif f.reasons:
            out.tail.append((cid, list(f.reasons), f.overdue, f.grade))
        else:
            out.middle_count += 1
    out.core.sort(key=lambda r: (-r[1], r[0]))
    out.tail.sort(key=lambda r: (-len(r[1]), -r[2], r[0]))
    return out


def with_customers(rows: list[tuple]) -> LazyRows:
    """Rows whose first item is a customer id, with the CustomerRef in its place, read a slice at a
    time (a list can hold every customer of the company)."""

    def fetch(lo: int, hi: int) -> list:
        part = rows[lo:hi]
        refs = customer_refs(r[0] for r in part)
        return [(refs[r[0]], *r[1:]) for r in part]

    return LazyRows(len(rows), fetch)


def core_and_tail(customers, *, on: date, policy, grades: dict, earlier: dict, overdue: dict) -> CoreTail:
    """The two ends (001 抓两头放中间) computed from the ledger (classify_core_tail of core_tail_facts)."""
    facts = core_tail_facts(customers, on=on, policy=policy, grades=grades, earlier=earlier, overdue=overdue)
    ct = classify_core_tail(facts, policy)
    return CoreTail(with_customers(ct.core), with_customers(ct.tail), ct.middle_count)


# --- Seasonal index (004 第四条1) --------------------------------------------------------------
def seasonal_input(customers, *, last_year: int, years: int) -> dict[int, list[Decimal]]:
    """year → the 12 monthly sales, for the `years` calendar years ending with `last_year`."""
    first_year = last_year - years + 1
    sales = monthly_sales(customers, date(first_year, 1, 1), date(last_year, 12, 31))
    out: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    for year in range(first_year, last_year + 1):
        out[year] = [sales.get((year, m), ZERO) for m in range(1, 13)]
    return dict(out)
