"""The monthly figures the daily run stores for the analyses (`manage.py warm_reports` by hand): the
dashboard's monthly facts, the monthly and yearly sales facts, and each department's sums of them.
Caches that can always be rebuilt: each refresh is idempotent and replaces its rows in one
transaction."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min

from xindang.ledger.models import TradeEntry

ZERO = Decimal("0.00")


# --- Monthly facts (the dashboard's closed months) ---------------------------------------------
FACT_MONTHS = 13  # the dashboard's twelve months and the opening month before them


def fact_months(today: date) -> int:
    """How many closed months the daily run keeps as monthly facts: the dashboard's (FACT_MONTHS), and
    every month of last year with the December before it (the yearly report's months, any day of the
    year: 24 in December)."""
    return max(FACT_MONTHS, 12 + today.month)


def closed_months(today: date, n: int = FACT_MONTHS) -> list[tuple[int, int]]:
    """The n calendar months before today's month, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        out.append((y, m))
    return out[::-1]


LATE_COMMIT = timedelta(hours=1)  # an entry committed this long after its created_at is still seen


def months_to_refresh(
    span: list[tuple[int, int]], *, full: bool = False, model=None
) -> list[tuple[int, int]]:
    """The months of `span` whose facts are to be (re)computed: those not stored yet, and those a
    later posting can have changed — every month ending on or after the earliest entry date among the
    entries posted since the months were stored. The ledger only grows: a posting is an entry, and
    every allocation it makes is dated on or after the entry's own date (ledger.services.book), so no
    earlier month's receivables, sales or collections can have changed. `full`: every month. `model`:
    the facts (MonthlyFact, or SalesFact), whose company row (customer NULL) marks a stored month."""
    from ..models import MonthlyFact
    from ..selectors import credit

    if full:
        return list(span)
    firsts = {date(y, m, 1): (y, m) for y, m in span}
    stored = dict(
        (model or MonthlyFact)
        .objects.filter(customer__isnull=True, department__isnull=True, month__in=list(firsts))
        .values_list("month", "computed_at")
    )
    todo = {ym for first, ym in firsts.items() if first not in stored}
    if stored:
        since = min(stored.values()) - LATE_COMMIT
        earliest = TradeEntry.objects.filter(created_at__gte=since).aggregate(on=Min("entry_on"))["on"]
        if earliest is not None:
            todo |= {ym for ym in span if credit.month_end(*ym) >= earliest}
    return [ym for ym in span if ym in todo]


def refresh_monthly_facts(*, today: date | None = None, months: int | None = None, full: bool = False) -> int:
    """Store the figures of the `months` closed months before today's (default fact_months: those the
    dashboard and the yearly report of last year read) (reports.MonthlyFact): per
    customer and for the company, the receivables and the not-yet-due part at each month's end, the
    month's credit sales, collections and bad debts — the same computation as the dashboard's live one
    (selectors.credit.live_facts), grouped by customer. Incremental: only the months not stored yet
    and those that entries posted since can have changed (months_to_refresh; `full`: all of them).
    Idempotent: each month's rows are replaced in one transaction, so a second run gives the same
    table, and entries posted with an earlier date since the last run are taken in. The months before
    fact_months are deleted: no longer refreshed, a later posting dated in them would leave them stale
    (a report of those months computes them from the ledger). Returns the rows stored."""
    from django.utils import timezone

    from xindang.ledger.ageing import ageing_sums, policy_buckets

    from ..models import MonthlyFact
    from ..selectors import credit

    now = timezone.now()  # before reading: an entry posted meanwhile is seen by the next run
    today = today or timezone.localdate()
    MonthlyFact.objects.filter(month__lt=date(*closed_months(today, fact_months(today))[0], 1)).delete()
    span = months_to_refresh(closed_months(today, months or fact_months(today)), full=full)
    if not span:
        return 0
    buckets = policy_buckets()
    start, end = date(span[0][0], span[0][1], 1), credit.month_end(*span[-1])
    by_month: dict[tuple[int, int], dict[int, dict]] = {}
    for name, kinds in (
        ("sales", credit.SALES_KINDS),
        ("collections", credit.COLLECTION_KINDS),
        ("bad_debts", credit.BAD_DEBT_KINDS),
    ):
        for (cid, vy, vm), amount in credit.monthly_kind_sums(
            None, start, end, kinds, by_customer=True
        ).items():
            if amount:
                by_month.setdefault((vy, vm), {}).setdefault(cid, {})[name] = amount
    stored = 0
    for y, m in span:
        ageing = ageing_sums(on=credit.month_end(y, m), dimension="customer", buckets=buckets)
        per = by_month.get((y, m), {})
        for cid, amounts in ageing.items():
            per.setdefault(cid, {})["receivable"] = sum(amounts, ZERO)
            per[cid]["current"] = amounts[0]
        rows = [
            MonthlyFact(customer_id=cid, month=date(y, m, 1), computed_at=now, **f) for cid, f in per.items()
        ]
        company = {f: sum((r.get(f, ZERO) for r in per.values()), ZERO) for f in credit.FACT_FIELDS}
        rows.append(MonthlyFact(customer=None, month=date(y, m, 1), computed_at=now, **company))
        with transaction.atomic():
            MonthlyFact.objects.filter(month=date(y, m, 1)).delete()
            MonthlyFact.objects.bulk_create(rows, batch_size=5000)
            store_department_sums(MonthlyFact, credit.FACT_FIELDS, months=[date(y, m, 1)], now=now)
        stored += len(rows)
    return stored


# --- Monthly sales facts (the composition and the seasonal index) -----------------------------------
def sales_fact_months(today: date, years: int) -> list[tuple[int, int]]:
    """The closed months kept as sales facts: from January `years` + 1 years before today's year (the
    seasonal index of last year and the years before it, and last year's composition) to last month."""
    first = (today.year - years - 1, 1)
    return [ym for ym in closed_months(today, (today.year - first[0]) * 12 + today.month - 1) if ym >= first]


def refresh_sales_facts(*, today: date | None = None, full: bool = False) -> int:
    """Store each customer's sales of each closed month (reports.SalesFact) as the analyses count them
    (selectors.sales.sales_entries: one grouped aggregate of the ledger over the months to refresh) and
    the company's, for the months sales_fact_months keeps; older months are deleted. Incremental as
    the monthly facts (months_to_refresh); idempotent (a month's rows are replaced in one transaction).
    Returns the rows stored."""
    from django.db.models import Count
    from django.db.models.functions import ExtractMonth, ExtractYear
    from django.utils import timezone

    from xindang.customers.models import Customer
    from xindang.policy.selectors import current_policy

    from ..models import SalesFact, SalesYear
    from ..selectors import credit, sales

    now = timezone.now()
    today = today or timezone.localdate()
    keep = sales_fact_months(today, current_policy().reports.seasonal_years)
    SalesFact.objects.filter(month__lt=date(*keep[0], 1)).delete()
    SalesYear.objects.filter(year__lt=keep[0][0]).delete()
    span = months_to_refresh(keep, full=full, model=SalesFact)
    if not span:
        return 0
    start, end = date(span[0][0], span[0][1], 1), credit.month_end(*span[-1])
    by_month: dict[tuple[int, int], list] = {}
    rows = (
        sales.sales_entries(Customer.objects.all(), start, end)
        .annotate(y=ExtractYear("entry_on"), m=ExtractMonth("entry_on"))
        .order_by()
        .values("customer_id", "y", "m")
        .annotate(total=sales.sales_total(), n=Count("pk"))
    )
    for r in rows.iterator(chunk_size=20000):
        by_month.setdefault((r["y"], r["m"]), []).append((r["customer_id"], r["total"], r["n"]))
    stored = 0
    for y, m in span:
        first = date(y, m, 1)
        per = by_month.get((y, m), [])
        facts = [
            SalesFact(customer_id=c, month=first, sales=t, entries=n, computed_at=now) for c, t, n in per
        ]
        facts.append(
            SalesFact(
                customer=None,
                month=first,
                sales=sum((t for _c, t, _n in per), ZERO),
                entries=sum(n for _c, _t, n in per),
                computed_at=now,
            )
        )
        with transaction.atomic():
            SalesFact.objects.filter(month=first).delete()
            SalesYear.objects.filter(year=y).delete()  # read from the months until stored again below
            SalesFact.objects.bulk_create(facts, batch_size=5000)
            store_department_sums(SalesFact, SALES_FACT_FIELDS, months=[first], now=now)
        stored += len(facts)
    for year in sorted({y for y, _m in span}):
        stored += store_sales_year(year, now=now)
    return stored


def store_sales_year(year: int, *, now) -> int:
    """Replace the yearly sales facts of `year` (reports.SalesYear) by the sums of its stored months'
    facts per customer and for the company, in one transaction; none when January is not stored (the
    year's sum would not start there). Returns the rows stored."""
    from django.db.models import Sum

    from ..models import SalesFact, SalesYear

    with transaction.atomic():
        SalesYear.objects.filter(year=year).delete()
        facts = SalesFact.objects.filter(month__year=year, department__isnull=True)
        months = sorted(facts.filter(customer__isnull=True).values_list("month", flat=True))
        if not months or months[0].month != 1 or len(months) != months[-1].month:
            return 0
        rows = [
            SalesYear(year=year, months=len(months), computed_at=now, **r)
            for r in facts.order_by()
            .values("customer_id")
            .annotate(sales=Sum("sales"), entries=Sum("entries"))
            .iterator(chunk_size=20000)
        ]
        SalesYear.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


SALES_FACT_FIELDS = ("sales", "entries")


def store_department_sums(model, fields, *, months: list[date] | None = None, now=None) -> int:
    """Replace the departments' rows of `model` (MonthlyFact or SalesFact: customer NULL, department
    set) of `months` (every stored month when None) by the sums of `fields` over their files' rows,
    a department's files being those the credit snapshot gives it (CreditSnapshot.department): one
    grouped aggregate. Every department of the snapshot gets a row in every stored month, zeros when
    its files have none (the row says the month is stored for it). No rows without a snapshot. To be
    called in the transaction that wrote the files' rows, or the snapshot. Returns the rows stored."""
    from django.db.models import F, Sum
    from django.utils import timezone

    from ..models import CreditSnapshot

    company = model.objects.filter(customer__isnull=True, department__isnull=True)
    if months is not None:
        company = company.filter(month__in=months)
    months = list(company.values_list("month", flat=True))
    model.objects.filter(customer__isnull=True, department__isnull=False, month__in=months).delete()
    departments = set(
        CreditSnapshot.objects.filter(customer__isnull=False, department__isnull=False)
        .order_by()
        .values_list("department_id", flat=True)
        .distinct()
    )
    if not months or not departments:
        return 0
    sums = {
        (r["dept"], r["month"]): r
        for r in model.objects.filter(customer__credit_snapshot__department__isnull=False, month__in=months)
        .order_by()
        .values("month", dept=F("customer__credit_snapshot__department"))
        .annotate(**{f: Sum(f) for f in fields})
    }
    now = now or timezone.now()
    rows = [
        model(
            customer=None,
            department_id=d,
            month=m,
            computed_at=now,
            **{f: (sums.get((d, m)) or {}).get(f) or 0 for f in fields},
        )
        for d in sorted(departments)
        for m in months
    ]
    model.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
