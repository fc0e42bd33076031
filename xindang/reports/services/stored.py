"""The figures the daily run stores for the analyses (`manage.py warm_reports` by hand): the
dashboard's monthly facts, the monthly and yearly sales facts, the credit snapshot, the ABC ranking
and the two ends — the company's and each department's. Caches that can always be rebuilt: each
refresh is idempotent and replaces its rows in one transaction."""

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


# --- The credit snapshot (the dashboard's per-customer figures as of the daily run) ---------------
def refresh_credit_snapshot(*, today: date | None = None) -> int:
    """Store each customer's credit figures as of `today` (reports.CreditSnapshot): the amounts per
    ageing bucket of the policy and the overdue part, the limit in force, the exposure and its
    utilisation band, the grade now, a year before and at the end of last year, whether the file is
    open — computed by the same functions as the dashboard's live figures (set-wide aggregates: one
    ageing of the ledger, one read of limits and exposures, one of grades), then written in one
    transaction that replaces the previous snapshot: idempotent, and readers see the old snapshot or
    the new one, never a half. The marker row keeps the company's sums (grades, their migrations,
    bands, ageing) and each department's, from which a user who sees every file, or a department's,
    or all of them but a few, has them without a sum over every row. The departments' monthly sums
    (MonthlyFact and SalesFact) are rewritten in the same transaction: their files are the snapshot's.
    Returns the rows stored (one a customer and the marker)."""
    from django.utils import timezone

    from ..models import CreditSnapshot
    from ..selectors import credit, snapshot

    today = today or timezone.localdate()
    now = timezone.now()
    rows = _snapshot_rows(CreditSnapshot, today, now)
    with transaction.atomic():
        CreditSnapshot.objects.all().delete()
        if not rows:  # buckets beyond MAX_BUCKETS: the policy's validation keeps within; no snapshot
            return 0
        CreditSnapshot.objects.bulk_create(rows, batch_size=5000)
        CreditSnapshot.objects.filter(customer__isnull=True).update(totals=snapshot.stored_totals())
        # the departments' files are the snapshot's now: their stored sums follow in the same transaction
        from ..models import AbcRank, MonthlyFact, SalesFact

        store_department_sums(MonthlyFact, credit.FACT_FIELDS, now=now)
        store_department_sums(SalesFact, SALES_FACT_FIELDS, now=now)
        # the departments' rankings were of the previous snapshot's files (refresh_abc_ranking follows)
        AbcRank.objects.filter(department__isnull=False).delete()
    return len(rows)


def refresh_year_end_snapshot(*, today: date | None = None) -> int:
    """Store the snapshot's figures as of the end of last year (reports.YearEndSnapshot), which the
    yearly report of that year reads (000 合同 4: due before 10 January): the same computation as
    refresh_credit_snapshot as of 31 December, from the live data as it is today, so that entries
    posted late with a December date are in by the next daily run. Replaces the stored one in one
    transaction; returns the rows stored."""
    from django.utils import timezone

    from ..models import YearEndSnapshot
    from ..selectors import snapshot

    today = today or timezone.localdate()
    end = snapshot.last_year_end(today)
    rows = _snapshot_rows(YearEndSnapshot, end, timezone.now())
    with transaction.atomic():
        YearEndSnapshot.objects.all().delete()
        if not rows:
            return 0
        YearEndSnapshot.objects.bulk_create(rows, batch_size=5000)
        marker = YearEndSnapshot.objects.get(customer__isnull=True, on=end)
        marker.totals = snapshot.stored_totals(marker)
        marker.save(update_fields=["totals"])
    return len(rows)


def _snapshot_rows(model, on: date, now) -> list:
    """Each customer's credit figures as of `on` and the marker row, as `model` rows (CreditSnapshot
    or YearEndSnapshot): three set-wide aggregates (one ageing of the ledger, one read of limits and
    exposures, one of grades). None when the policy has more ageing buckets than the model holds."""
    from xindang.customers.models import Customer
    from xindang.ledger.ageing import ageing_sums, policy_buckets

    from ..models import MAX_BUCKETS
    from ..selectors import credit, snapshot

    buckets = policy_buckets()
    if len(buckets) > MAX_BUCKETS:
        return []
    everyone = Customer.objects.all()
    aged = ageing_sums(on=on, dimension="customer", buckets=buckets)
    limits = {r["pk"]: r for r in credit.limits_and_exposure(everyone, on)}
    grades = everyone.annotate(
        now=credit.grade_at(),
        before=credit.grade_at(snapshot.year_before(on)),
        year_end=credit.grade_at(snapshot.last_year_end(on)),
    ).values_list("pk", "status", "now", "before", "year_end", "department_id")
    rows = []
    for cid, status, grade, before, year_end, department in grades.iterator(chunk_size=20000):
        amounts = aged.get(cid) or [ZERO] * len(buckets)
        lim = limits.get(cid)
        row = model(
            customer_id=cid,
            department_id=department,
            on=on,
            is_open=status != "past",
            grade=grade or "",
            grade_year_ago=before or "",
            grade_year_end=year_end or "",
            overdue=sum(amounts[1:], ZERO),
            in_limits=lim is not None,
            limit=lim["limit"] if lim else None,
            exposure=lim["exposure"] if lim else ZERO,
            band=lim["band"] if lim else "",
            computed_at=now,
        )
        for i, amount in enumerate(amounts):
            setattr(row, f"a{i}", amount)
        rows.append(row)
    rows.append(model(customer=None, on=on, buckets=snapshot.bounds_key(buckets), computed_at=now))
    return rows


# --- The ABC ranking and the two ends (the ABC analysis read a page at a time) ---------------------
def refresh_abc_ranking(*, today: date | None = None) -> int:
    """Store the ABC ranking of this year's and last year's sales (to `today`) and the two ends of
    抓两头放中间 as of `today` and as of the end of last year (reports.AbcRank) over every customer, and
    over each department's files (those the credit snapshot gives it): the same computation as the ABC
    page's live one — set-wide
    aggregates of the ledger (sales per customer, first entries, write-offs) and the risk inputs of
    today's credit snapshot and of the end of last year's (stored just before by the daily run;
    computed if missing), ranked by the
    same rules (rules.abc_classes) — then written in one transaction that replaces the previous
    ranking: idempotent, readers see the old ranking or the new one. Returns the rows stored."""
    from django.utils import timezone

    from xindang.customers.models import Customer
    from xindang.policy.selectors import current_policy

    from ..models import AbcRank, CreditSnapshot
    from ..selectors import credit, ranking, sales, snapshot

    today = today or timezone.localdate()
    policy = current_policy()
    everyone = Customer.objects.all()
    now = timezone.now()
    stamp = {"on": today, "computed_at": now}
    # the departments' files as the snapshot has them (its sums are of the same files)
    groups: dict[int | None, set[int] | None] = {None: None}
    if snapshot.latest() is not None:
        for cid, dept in CreditSnapshot.objects.filter(
            customer__isnull=False, department__isnull=False
        ).values_list("customer_id", "department_id"):
            groups.setdefault(dept, set()).add(cid)
    rows = []
    for year in (today.year - 1, today.year):
        amounts = sales.sales_by_customer(everyone, date(year, 1, 1), min(date(year, 12, 31), today))
        params = ranking.params_key(AbcRank.Kind.SALES, policy)
        for dept, ids in groups.items():
            part = ((cid, a) for cid, a in amounts.items() if a and (ids is None or cid in ids))
            rows += _sales_ranking(part, year=year, department=dept, policy=policy, stamp=stamp)
            rows.append(
                AbcRank(kind=AbcRank.Kind.SALES, year=year, department_id=dept, params=params, **stamp)
            )
    # the two ends as of today, and as of the end of last year (the ABC page of last year)
    params = ranking.params_key(AbcRank.Kind.CORE, policy)
    end = snapshot.last_year_end(today)
    for on, snap in ((today, snapshot.for_day(today)), (end, snapshot.year_end_of(end))):
        if snap:
            grades, earlier = snapshot.grades_now_and_then(everyone, snap)
            overdue = snapshot.overdue_by_customer(everyone, snap)
        else:
            grades, earlier, overdue = credit.risk_inputs(everyone, on)
        facts = sales.core_tail_facts(
            everyone, on=on, policy=policy, grades=grades, earlier=earlier, overdue=overdue
        )
        at = {"on": on, "computed_at": now}
        for dept, ids in groups.items():
            part = facts if ids is None else {cid: f for cid, f in facts.items() if cid in ids}
            rows += _core_ranking(part, year=on.year, department=dept, policy=policy, stamp=at)
            rows.append(
                AbcRank(kind=AbcRank.Kind.CORE, year=on.year, department_id=dept, params=params, **at)
            )
    with transaction.atomic():
        AbcRank.objects.all().delete()
        AbcRank.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _sales_ranking(amounts, *, year: int, department, policy, stamp) -> list:
    """The rows of the ABC ranking of these sales ((customer id, amount) of those with sales)."""
    from .. import rules
    from ..models import AbcRank

    section = policy.reports
    return [
        AbcRank(
            kind=AbcRank.Kind.SALES,
            year=year,
            customer_id=r.key,
            department_id=department,
            rank=r.rank,
            amount=r.amount,
            share=r.share,
            cumulative=r.cumulative,
            klass=r.klass,
            **stamp,
        )
        for r in rules.abc_classes(amounts, a_pct=section.abc_a_pct, b_pct=section.abc_b_pct)
    ]


def _core_ranking(facts: dict, *, year: int, department, policy, stamp) -> list:
    """The rows of the two ends of these customers' facts (sales.core_tail_facts)."""
    from .. import rules
    from ..models import AbcRank

    section = policy.reports
    ranked = {
        r.key: r
        for r in rules.abc_classes(
            ((cid, f.average) for cid, f in facts.items() if f.average is not None),
            a_pct=section.abc_a_pct,
            b_pct=section.abc_b_pct,
        )
    }
    out = []
    for cid, f in facts.items():
        r = ranked.get(cid)
        out.append(
            AbcRank(
                kind=AbcRank.Kind.CORE,
                year=year,
                customer_id=cid,
                department_id=department,
                rank=r.rank if r else None,
                amount=f.average,
                share=r.share if r else None,
                cumulative=r.cumulative if r else None,
                klass=r.klass if r else rules.C,
                days_of_trade=f.days,
                grade=f.grade or "",
                overdue=f.overdue,
                reasons=",".join(f.reasons),
                signs=len(f.reasons),
                **stamp,
            )
        )
    return out
