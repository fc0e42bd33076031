"""The credit picture of a portfolio (SPEC §10 credit analysis, XinDang's addition next to 003 篇五
第四条4 客户信用分析): grades and their migration, limits against exposure, ageing and the overdue trend
by month, bad debts, the largest risks, collection effectiveness, over-limit approvals.

Every figure is an aggregate query over the files the user may see (`customers`, a queryset from
visible_customers); the monthly trend reads the closed months from the facts the daily run stores
(reports.MonthlyFact, services.refresh_monthly_facts) and computes only the running month from the
ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from xindang.core.dates import month_end
from xindang.credit.control.models import OverLimitRequest, OverLimitStatus
from xindang.credit.grants.selectors import in_force_limit_expression
from xindang.credit.models import Grade, Rating, RatingStatus
from xindang.ledger.ageing import ageing_sums, policy_buckets
from xindang.ledger.models import Exposure, TradeEntry
from xindang.ledger.rules import INVOICE, NOTE_RECEIVED, PAYMENT, REVERSAL, SHIPMENT, WRITE_OFF

from .. import rules
from .sales import MONEY, ZERO, base_of, base_sums, of_customers

GRADES = ("A", "B", "C")  # the A/B/C scheme (002 第十三–十八条); 甲/乙/丙 shown beside when used
ALL_GRADES = tuple(Grade.values)


def last_months(on: date, n: int = 12) -> list[tuple[int, int]]:
    """The n calendar months ending with on's month, oldest first."""
    out = []
    y, m = on.year, on.month
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def grade_at(at: date | None = None):
    """Subquery: the grade in force for the outer customer at the end of `at` (None: now)."""
    if at is None:
        qs = Rating.objects.filter(customer=OuterRef("pk"), status=RatingStatus.APPROVED)
    else:
        qs = Rating.objects.filter(
            customer=OuterRef("pk"),
            status__in=(RatingStatus.APPROVED, RatingStatus.SUPERSEDED),
            effective_at__lte=_moment(at),
        )
    return Subquery(qs.order_by("-effective_at", "-id").values("grade")[:1])


def grade_distribution(customers) -> dict[str, int]:
    """grade → customers ("" for no grade in force), among the open files (prospective, active,
    suspended)."""
    rows = (
        customers.exclude(status="past").annotate(g=grade_at()).order_by().values("g").annotate(n=Count("pk"))
    )
    return {r["g"] or "": r["n"] for r in rows}


def grades_now_and_then(customers, then: date) -> list[tuple[int, str | None, str | None]]:
    """(customer id, grade at `then`, grade now) for each file with a grade at either moment."""
    rows = (
        customers.annotate(before=grade_at(then), after=grade_at())
        .filter(Q(before__isnull=False) | Q(after__isnull=False))
        .values_list("pk", "before", "after")
    )
    return list(rows)


def migration(customers, then: date) -> dict:
    return migration_of([(b, a) for _pk, b, a in grades_now_and_then(customers, then)])


def migration_of(pairs: list[tuple[str | None, str | None]]) -> dict:
    used = [g for g in ALL_GRADES if any(g in p for p in pairs)] or list(GRADES)
    return {"grades": used, "matrix": rules.migration_matrix(pairs, used)}


def bands(
    customers, on: date
) -> tuple[dict[str, tuple[int, Decimal, Decimal]], tuple[int, Decimal, Decimal]]:
    """band → (customers, limits, exposure), and the same over every file with a limit or exposure."""
    out: dict[str, tuple[int, Decimal, Decimal]] = {}
    n, limits, exposure = 0, ZERO, ZERO
    for r in limits_and_exposure(customers, on):
        c, lim, exp = out.get(r["band"], (0, ZERO, ZERO))
        out[r["band"]] = (c + 1, lim + (r["limit"] or ZERO), exp + r["exposure"])
        n, limits, exposure = n + 1, limits + (r["limit"] or ZERO), exposure + r["exposure"]
    return out, (n, limits, exposure)


def limits_and_exposure(customers, on: date) -> list[dict]:
    """Per customer with a limit in force or an exposure: limit, exposure, utilisation, band."""
    exposure = Exposure.objects.filter(customer=OuterRef("pk"))
    total = (
        F("open_shipments_amount") + F("open_invoices_amount") + F("prepayments_amount") + F("notes_amount")
    )
    rows = (
        customers.annotate(
            limit=in_force_limit_expression(on),
            exposure=Coalesce(
                Subquery(exposure.annotate(t=total).values("t")[:1], output_field=MONEY),
                Value(ZERO),
                output_field=MONEY,
            ),
        )
        .filter(Q(limit__isnull=False) | Q(exposure__gt=0))
        .values("pk", "name", "file_no", "limit", "exposure")
    )
    out = []
    for r in rows:
        r["utilisation"] = rules.utilisation(r["exposure"], r["limit"])
        r["band"] = rules.utilisation_band(r["exposure"], r["limit"])
        out.append(r)
    return out


@dataclass
class MonthFigures:
    year: int
    month: int
    receivable: Decimal = ZERO
    overdue: Decimal = ZERO
    current: Decimal = ZERO  # not yet due
    sales: Decimal = ZERO  # credit sales booked in the month
    collections: Decimal = ZERO
    bad_debts: Decimal = ZERO
    effectiveness: Decimal | None = None

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def _ageing_at(customers, on: date, buckets) -> list[Decimal]:
    return ageing_sums(on=on, dimension="company", buckets=buckets, customers=customers).get(
        0, [ZERO] * len(buckets)
    )


def monthly_kind_sums(
    customers, start: date, end: date, kinds, *, by_customer: bool = False
) -> dict[tuple, Decimal]:
    """(year, month) → the entries of `kinds` dated start..end, net of their reversals; by_customer:
    (customer id, year, month) → the same. `customers` None: every file."""
    sign_minus = Q(kind=REVERSAL)
    qs = TradeEntry.objects.filter(
        Q(kind__in=kinds) | Q(kind=REVERSAL, reverses__kind__in=kinds),
        entry_on__gte=start,
        entry_on__lte=end,
    )
    if customers is not None:
        qs = of_customers(qs, customers)
    keys = ("customer_id", "y", "m") if by_customer else ("y", "m")
    rows = (
        qs.annotate(y=ExtractYear("entry_on"), m=ExtractMonth("entry_on"))
        .order_by()
        .values(*keys)
        .annotate(
            plus=Coalesce(Sum("amount", filter=~sign_minus), Value(ZERO), output_field=MONEY),
            minus=Coalesce(Sum("amount", filter=sign_minus), Value(ZERO), output_field=MONEY),
        )
    )
    return {tuple(r[k] for k in keys): r["plus"] - r["minus"] for r in rows}


SALES_KINDS = (SHIPMENT, INVOICE)
COLLECTION_KINDS = (PAYMENT, NOTE_RECEIVED)
BAD_DEBT_KINDS = (WRITE_OFF,)


def _previous(y: int, m: int) -> tuple[int, int]:
    return (y, m - 1) if m > 1 else (y - 1, 12)


@dataclass
class Facts:
    """A month's stored figures summed over a set of files."""

    receivable: Decimal = ZERO
    current: Decimal = ZERO
    sales: Decimal = ZERO
    collections: Decimal = ZERO
    bad_debts: Decimal = ZERO


FACT_FIELDS = ("receivable", "current", "sales", "collections", "bad_debts")


def stored_facts(customers, months: list[tuple[int, int]]) -> dict[tuple[int, int], Facts]:
    """The figures of those `months` that the daily run has stored (reports.MonthlyFact), summed over
    `customers`: the company's or a department's stored sums give or take a few files (base_of), else
    the files' own rows; a month not refreshed yet is absent (to be computed live)."""
    from xindang.reports.models import MonthlyFact

    firsts = [date(y, m, 1) for y, m in months]
    company = MonthlyFact.objects.filter(customer__isnull=True, department__isnull=True, month__in=firsts)
    if customers.query.is_empty():
        return {(d.year, d.month): Facts() for d in company.values_list("month", flat=True)}
    base = base_of(customers)
    out = {}
    if base is not None:
        out = {
            (m.year, m.month): Facts(**{f: sums[f] for f in FACT_FIELDS})
            for m, sums in base_sums(MonthlyFact, base, firsts, FACT_FIELDS).items()
        }
        if base.department is None:
            return out
    have = [d for d in company.values_list("month", flat=True) if (d.year, d.month) not in out]
    out.update({(d.year, d.month): Facts() for d in have})
    if not have:
        return out
    rows = (
        MonthlyFact.objects.filter(month__in=have, customer__in=customers.values("pk"))
        .order_by()
        .values("month")
        .annotate(**{f: Sum(f) for f in FACT_FIELDS})
    )
    for r in rows:
        out[(r["month"].year, r["month"].month)] = Facts(**{f: r[f] or ZERO for f in FACT_FIELDS})
    return out


def live_facts(customers, months: list[tuple[int, int]], on: date, buckets=None, current=None) -> dict:
    """The same figures computed from the ledger: receivables at each month's end (or `on` for the
    running month), sales, collections and bad debts of the month. `current`: the amounts per
    policy bucket at `on` when the caller has them already (ageing_total)."""
    if not months:
        return {}
    buckets = buckets or policy_buckets()
    first = min(months)
    start, end = date(first[0], first[1], 1), min(month_end(*max(months)), on)
    sums = {
        name: monthly_kind_sums(customers, start, end, kinds)
        for name, kinds in (
            ("sales", SALES_KINDS),
            ("collections", COLLECTION_KINDS),
            ("bad_debts", BAD_DEBT_KINDS),
        )
    }
    out = {}
    for y, m in months:
        at = min(month_end(y, m), on)
        amounts = current if current is not None and at == on else _ageing_at(customers, at, buckets)
        out[(y, m)] = Facts(
            receivable=sum(amounts, ZERO),
            current=amounts[0],
            **{name: sums[name].get((y, m), ZERO) for name in sums},
        )
    return out


def monthly_trend(
    customers, on: date, months: int = 12, *, use_facts: bool = True, current: list | None = None
) -> list[MonthFigures]:
    """Per month (oldest first): receivables, overdue and not-yet-due at its end (ageing at the month
    end, or `on` for the running month), credit sales, collections, bad debts and the collection
    effectiveness (rules.collection_effectiveness: opening = the previous month's end).

    Closed months come from the facts the daily run stored (stored_facts: a few rows summed); the
    running month, and a closed month not stored yet, are computed live from the ledger (live_facts)."""
    span = last_months(on, months)
    opening_month = _previous(*span[0])
    wanted = [opening_month, *span]
    closed = [ym for ym in wanted if month_end(*ym) <= on]  # as of its last day: a closed month's
    figures = stored_facts(customers, closed) if use_facts else {}
    figures.update(live_facts(customers, [ym for ym in wanted if ym not in figures], on, current=current))
    opening = figures[opening_month].receivable
    out = []
    for y, m in span:
        src = figures[(y, m)]
        f = MonthFigures(y, m)
        f.receivable, f.current = src.receivable, src.current
        f.overdue = f.receivable - f.current
        f.sales, f.collections, f.bad_debts = src.sales, src.collections, src.bad_debts
        f.effectiveness = rules.collection_effectiveness(
            opening=opening, sales=f.sales, closing=f.receivable, closing_current=f.current
        )
        opening = f.receivable
        out.append(f)
    return out


def ageing_by_customer(customers, on: date) -> dict[int, list[Decimal]]:
    """customer id → the amounts per policy bucket at `on`: one ageing aggregate from which the
    dashboard takes the ageing, the overdue files and the running month's receivables."""
    return ageing_sums(on=on, dimension="customer", buckets=policy_buckets(), customers=customers)


def ageing_total(by_customer: dict[int, list[Decimal]]) -> list[Decimal]:
    n = len(policy_buckets())
    return [sum((amounts[i] for amounts in by_customer.values()), ZERO) for i in range(n)]


def ageing_now(customers, on: date, by_customer: dict | None = None) -> list[tuple[str, Decimal]]:
    buckets = policy_buckets()
    amounts = ageing_total(by_customer) if by_customer is not None else _ageing_at(customers, on, buckets)
    return list(zip([b.code for b in buckets], amounts, strict=True))


def overdue_by_customer(customers, on: date, by_customer: dict | None = None) -> dict[int, Decimal]:
    sums = by_customer if by_customer is not None else ageing_by_customer(customers, on)
    return {cid: sum(amounts[1:], ZERO) for cid, amounts in sums.items() if sum(amounts[1:], ZERO) > 0}


def top_risks(customers, on: date, n: int = 10, overdue: dict | None = None) -> list[dict]:
    """The n files with the most overdue, with grade, limit and exposure."""
    overdue = overdue if overdue is not None else overdue_by_customer(customers, on)
    top = sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    ids = [cid for cid, _a in top]
    info = {r["pk"]: r for r in limits_and_exposure(customers.filter(pk__in=ids), on)}
    grades = dict(customers.filter(pk__in=ids).annotate(g=grade_at()).values_list("pk", "g"))
    names = dict(customers.filter(pk__in=ids).values_list("pk", "name"))
    return [
        {
            "pk": cid,
            "name": names.get(cid, ""),
            "overdue": amount,
            "grade": grades.get(cid) or "",
            "limit": info.get(cid, {}).get("limit"),
            "exposure": info.get(cid, {}).get("exposure", ZERO),
        }
        for cid, amount in top
    ]


def risk_inputs(customers, on: date) -> tuple[dict, dict, dict]:
    """What the tail of 抓两头放中间 reads: customer id → grade now, grade a year before `on`, overdue
    amount at `on`."""
    then = date(on.year - 1, on.month, min(on.day, 28))
    pairs = grades_now_and_then(customers, then)
    grades = {pk: after for pk, _b, after in pairs if after}
    earlier = {pk: before for pk, before, _a in pairs if before}
    return grades, earlier, overdue_by_customer(customers, on)


def over_limit_requests(customers, start: date, end: date):
    return OverLimitRequest.objects.filter(
        customer__in=customers.values("pk"),
        requested_at__gte=timezone.make_aware(datetime.combine(start, time.min)),
        requested_at__lte=_moment(end),
    )


def over_limit_by_status(customers, start: date, end: date) -> dict[str, dict]:
    rows = (
        over_limit_requests(customers, start, end)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), amount=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))
    )
    labels = dict(OverLimitStatus.choices)
    return {r["status"]: {"label": str(labels.get(r["status"], r["status"])), **r} for r in rows}


def bad_debt_entries(customers, start: date, end: date):
    return TradeEntry.objects.filter(
        customer__in=customers.values("pk"),
        kind=WRITE_OFF,
        entry_on__gte=start,
        entry_on__lte=end,
        reversed_by__isnull=True,
    ).select_related("customer")
