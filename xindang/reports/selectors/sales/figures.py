"""Sales figures out of the ledger and the stored monthly facts: per customer, in total, per month, and the
seasonal index's input (004 客户信息管理制度 第四条1)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.db import connections
from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.db.models.lookups import In
from django.db.models.sql import Query

from xindang.core.request_cache import memo
from xindang.customers.models import Customer
from xindang.ledger.models import TradeEntry
from xindang.ledger.rules import CREDIT_NOTE, INVOICE, REVERSAL, SHIPMENT

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
_KEPT: WeakKeyDictionary = WeakKeyDictionary()  # queryset → what was worked out of it, while it lives


def _of_set(customers, name: str, compute):
    """compute() once for the files of `customers`: once per queryset, and once per request for the
    same files asked again (the view and its document each build the queryset)."""
    kept = _KEPT.setdefault(customers, {})
    if name not in kept:
        kept[name] = memo((f"reports.{name}", str(customers.query)), compute)
    return kept[name]


def visible_ids(customers) -> frozenset[int]:
    """The ids of the files of `customers`, read once: testing them in Python is cheaper than asking
    the database to join every figure to the visibility's union of subqueries again."""

    def compute():
        inner = ids_query(customers)
        if inner is None:
            return frozenset(customers.order_by().values_list("pk", flat=True))
        sql, params = inner.get_compiler(using=customers.db).as_sql()
        with connections[customers.db].cursor() as cur:
            cur.execute(sql, params)
            return frozenset(row[0] for row in cur.fetchall())

    return _of_set(customers, "ids", compute)


def ids_query(customers):
    """The query of the ids when `customers` is only "pk IN (a query of ids)" (visible_customers of a
    user who may not see every file: a union of index lookups), so that the ids are read from it
    without joining every one back to the files table (a nested loop over the files seen)."""
    where = customers.query.where
    if where.connector != "AND" or where.negated or len(where.children) != 1:
        return None
    lookup = where.children[0]
    target = getattr(getattr(lookup, "lhs", None), "target", None)
    if not isinstance(lookup, In) or target is None or not target.primary_key:
        return None
    return lookup.rhs if isinstance(lookup.rhs, Query) else None


def left_out_ids(customers) -> list[int] | None:
    """The ids of the files not in `customers` when they are few (a user who sees all but a handful
    of files: a stored company figure minus those few is cheaper than a sum over every file); None
    when they are many (sum over `customers` instead). [] when `customers` is every file."""
    if customers.query.is_empty():
        return None
    if not customers.query.has_filters():
        return []

    def compute():
        seen = visible_ids(customers)
        if Customer.objects.count() - len(seen) > FEW_LEFT_OUT:
            return None
        left = set(Customer.objects.order_by().values_list("pk", flat=True)) - seen
        return sorted(left) if len(left) <= FEW_LEFT_OUT else None

    return _of_set(customers, "left_out", compute)


class Base(NamedTuple):
    """A set of files as the stored sums can give it: the sums of the company (department None) or of
    one department — its files in the credit snapshot — plus the files of `plus`, less those of
    `minus` (each a few)."""

    department: int | None
    plus: tuple[int, ...]
    minus: tuple[int, ...]


MIN_FOR_DEPARTMENT = 2000  # fewer files than this: their own rows are summed
SAMPLE = 64  # files whose department in the snapshot says which department's sums to start from


def base_of(customers) -> Base | None:
    """`customers` (a visible_customers queryset) as stored sums and a few corrections: every file or
    all but a few (left_out_ids) → the company's less those; the files of one department give or take
    a few (a department manager: the department's files, their own, those of their contracts) → that
    department's sums as of the credit snapshot, plus the files seen beyond them and less those not
    seen; None otherwise (sum the files' own rows)."""
    if customers.query.is_empty():
        return None
    left_out = left_out_ids(customers)
    if left_out is not None:
        return Base(None, (), tuple(left_out))

    def compute():
        from collections import Counter

        from ...models import CreditSnapshot

        ids = visible_ids(customers)
        if len(ids) < MIN_FOR_DEPARTMENT:
            return None
        ordered = sorted(ids)
        sample = ordered[:: max(1, len(ordered) // SAMPLE)]
        seen = Counter(
            CreditSnapshot.objects.filter(customer__in=sample, department__isnull=False).values_list(
                "department_id", flat=True
            )
        )
        if not seen:
            return None
        department = min(seen, key=lambda d: (-seen[d], d))
        members = frozenset(
            CreditSnapshot.objects.filter(customer__isnull=False, department_id=department).values_list(
                "customer_id", flat=True
            )
        )
        plus, minus = ids - members, members - ids
        if len(plus) > FEW_LEFT_OUT or len(minus) > FEW_LEFT_OUT:
            return None
        return Base(department, tuple(sorted(plus)), tuple(sorted(minus)))

    return _of_set(customers, "base", compute)


def base_sums(model, base: Base, months: list[date], fields) -> dict[date, dict[str, Decimal]]:
    """month → the sums of `fields` (MonthlyFact or SalesFact) over the files of `base`, for those of
    `months` whose stored sums the base has (its company or department row); less the rows of
    base.minus, plus those of base.plus."""
    rows = model.objects.filter(customer__isnull=True, month__in=months)
    rows = (
        rows.filter(department_id=base.department)
        if base.department
        else rows.filter(department__isnull=True)
    )
    out = {r["month"]: {f: r[f] for f in fields} for r in rows.values("month", *fields)}
    for ids, sign in ((base.minus, -1), (base.plus, 1)):
        if not ids or not out:
            continue
        for r in (
            model.objects.filter(month__in=list(out), customer__in=ids)
            .order_by()
            .values("month")
            .annotate(**{f: Sum(f) for f in fields})
        ):
            sums = out[r["month"]]
            for f in fields:
                sums[f] += sign * (r[f] or 0)
    return out


def sales_entries(customers, start: date, end: date):
    """The sales entries of `customers` (a queryset) dated start..end inclusive."""
    return of_customers(
        TradeEntry.objects.filter(SALES_FILTER, entry_on__gte=start, entry_on__lte=end), customers
    )


def sales_total():
    """The sales of the entries summed (signed_sales)."""
    return Coalesce(Sum(signed_sales()), Value(ZERO), output_field=MONEY)


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
    from ...models import SalesFact

    whole = [(y, m) for y, m in _months(start, end) if date(y, m, 1) >= start and _month_end(y, m) <= end]
    firsts = set(
        SalesFact.objects.filter(
            customer__isnull=True, department__isnull=True, month__in=[date(y, m, 1) for y, m in whole]
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
    from ...models import SalesFact

    return of_customers(SalesFact.objects.filter(customer__isnull=False, month__in=months), customers)


def customer_sums(customers, months: list[date]) -> list:
    """Querysets of rows with `customer_id` and `sales` that hold the sales of `customers` in those
    stored months: the yearly facts (SalesYear, a row per customer and year) for each year whose
    months in `months` run from January to the month its yearly facts reach, the monthly facts
    (SalesFact) for the other months."""
    from ...models import SalesYear

    by_year: dict[int, list[int]] = defaultdict(list)
    for m in months:
        by_year[m.year].append(m.month)
    whole = {(y, len(ms)) for y, ms in by_year.items() if sorted(ms) == list(range(1, len(ms) + 1))}
    marked = SalesYear.objects.filter(customer__isnull=True, year__in=[y for y, _n in whole])
    years = [y for y, n in marked.values_list("year", "months") if (y, n) in whole]
    rest = [m for m in months if m.year not in years]
    parts = [of_customers(SalesYear.objects.filter(customer__isnull=False, year__in=years), customers)]
    return (parts if years else []) + ([stored_facts(customers, rest)] if rest else [])


def sales_by_customer(customers, start: date, end: date) -> dict[int, Decimal]:
    """customer id → sales of start..end (those with a sales entry): the stored months' facts and the
    ledger's other days."""
    stored, live = split_period(start, end)
    out: dict[int, Decimal] = {}
    for part in customer_sums(customers, stored) if stored else []:
        for r in part.order_by().values("customer_id").annotate(total=Sum("sales")):
            out[r["customer_id"]] = out.get(r["customer_id"], ZERO) + r["total"]
    for a, b in live:
        rows = sales_entries(customers, a, b).order_by().values("customer_id").annotate(total=sales_total())
        for r in rows:
            out[r["customer_id"]] = out.get(r["customer_id"], ZERO) + r["total"]
    return out


def top_customers(customers, start: date, end: date, n: int) -> list[int]:
    """The ids of the `n` customers of the largest sales of start..end, largest first (ties by id):
    ordered and cut by the database when the stored facts hold the whole period."""
    stored, live = split_period(start, end)
    parts = customer_sums(customers, stored) if stored and not live else []
    if len(parts) == 1:
        rows = (
            parts[0]
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
    """(year, month) → sales: the closed months from the stored facts (the company's or a department's
    sums give or take a few files, base_of; or the rows of the files seen), the rest from the ledger."""
    from ...models import SalesFact

    stored, live = split_period(start, end)
    out: dict[tuple[int, int], Decimal] = {}
    base = base_of(customers) if stored else None
    if base is not None:
        sums = base_sums(SalesFact, base, stored, ("sales", "entries"))
        # a month of sales entries
        out = {(m.year, m.month): f["sales"] for m, f in sums.items() if f["entries"] > 0}
        stored = [m for m in stored if m not in sums]  # a department's not stored yet: its files' rows
    if stored:
        for r in stored_facts(customers, stored).order_by().values("month").annotate(total=Sum("sales")):
            out[(r["month"].year, r["month"].month)] = r["total"]
    for a, b in live:
        rows = (
            sales_entries(customers, a, b)
            .annotate(y=ExtractYear("entry_on"), m=ExtractMonth("entry_on"))
            .order_by()
            .values("y", "m")
            .annotate(total=sales_total())
        )
        out.update({(r["y"], r["m"]): r["total"] for r in rows})
    return out


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


# --- Seasonal index (004 第四条1) --------------------------------------------------------------
def seasonal_input(customers, *, last_year: int, years: int) -> dict[int, list[Decimal]]:
    """year → the 12 monthly sales, for the `years` calendar years ending with `last_year`."""
    first_year = last_year - years + 1
    sales = monthly_sales(customers, date(first_year, 1, 1), date(last_year, 12, 31))
    out: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    for year in range(first_year, last_year + 1):
        out[year] = [sales.get((year, m), ZERO) for m in range(1, 13)]
    return dict(out)
