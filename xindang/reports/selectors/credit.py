"""The credit picture of a portfolio (SPEC §10 credit analysis, XinDang's addition next to 003 篇五
第四条4 客户信用分析): grades and their migration, limits against exposure, ageing and the overdue trend
by month, bad debts, the largest risks, collection effectiveness, over-limit approvals.

Every figure is an aggregate query over the files the user may see (`customers`, a queryset from
visible_customers); the monthly trend is one ageing aggregate per month end (ledger.ageing), so a
dashboard is a few dozen grouped queries whatever the number of entries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.cache import cache
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
from .sales import MONEY, ZERO, of_customers

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
    pairs = [(b, a) for _pk, b, a in grades_now_and_then(customers, then)]
    used = [g for g in ALL_GRADES if any(g in p for p in pairs)] or list(GRADES)
    return {"grades": used, "matrix": rules.migration_matrix(pairs, used)}


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


def _monthly_kind_sums(customers, start: date, end: date, kinds) -> dict[tuple[int, int], Decimal]:
    sign_minus = Q(kind=REVERSAL)
    rows = (
        of_customers(
            TradeEntry.objects.filter(
                Q(kind__in=kinds) | Q(kind=REVERSAL, reverses__kind__in=kinds),
                entry_on__gte=start,
                entry_on__lte=end,
            ),
            customers,
        )
        .annotate(y=ExtractYear("entry_on"), m=ExtractMonth("entry_on"))
        .order_by()
        .values("y", "m")
        .annotate(
            plus=Coalesce(Sum("amount", filter=~sign_minus), Value(ZERO), output_field=MONEY),
            minus=Coalesce(Sum("amount", filter=sign_minus), Value(ZERO), output_field=MONEY),
        )
    )
    return {(r["y"], r["m"]): r["plus"] - r["minus"] for r in rows}


TREND_CACHE_SECONDS = 15 * 60


def monthly_trend(customers, on: date, months: int = 12) -> list[MonthFigures]:
    """The month-by-month figures (below), kept in the cache for a quarter of an hour per set of files
    and date: thirteen ageing aggregates are the dashboard's heaviest part, and a dashboard opened
    again (the workbench panel, a drill-down and back) should not recompute them on a 2-core server."""
    if customers.query.is_empty():
        return _monthly_trend(customers, on, months)
    key = "reports:trend:" + hashlib.sha256(f"{customers.query}|{on}|{months}".encode()).hexdigest()
    return cache.get_or_set(key, lambda: _monthly_trend(customers, on, months), TREND_CACHE_SECONDS)


def _monthly_trend(customers, on: date, months: int = 12) -> list[MonthFigures]:
    """Per month (oldest first): receivables, overdue and not-yet-due at its end (ageing at the month
    end, or `on` for the running month), credit sales, collections, bad debts and the collection
    effectiveness (rules.collection_effectiveness: opening = the previous month's end)."""
    buckets = policy_buckets()
    span = last_months(on, months)
    start = date(span[0][0], span[0][1], 1)
    credit_sales = _monthly_kind_sums(customers, start, on, (SHIPMENT, INVOICE))
    collected = _monthly_kind_sums(customers, start, on, (PAYMENT, NOTE_RECEIVED))
    written = _monthly_kind_sums(customers, start, on, (WRITE_OFF,))
    py, pm = (start.year, start.month - 1) if start.month > 1 else (start.year - 1, 12)
    opening = sum(_ageing_at(customers, month_end(py, pm), buckets), ZERO)
    out = []
    for y, m in span:
        at = min(month_end(y, m), on)
        amounts = _ageing_at(customers, at, buckets)
        f = MonthFigures(y, m)
        f.receivable = sum(amounts, ZERO)
        f.current = amounts[0]
        f.overdue = f.receivable - f.current
        f.sales = credit_sales.get((y, m), ZERO)
        f.collections = collected.get((y, m), ZERO)
        f.bad_debts = written.get((y, m), ZERO)
        f.effectiveness = rules.collection_effectiveness(
            opening=opening, sales=f.sales, closing=f.receivable, closing_current=f.current
        )
        opening = f.receivable
        out.append(f)
    return out


def ageing_now(customers, on: date) -> list[tuple[str, Decimal]]:
    buckets = policy_buckets()
    return list(zip([b.code for b in buckets], _ageing_at(customers, on, buckets), strict=True))


def overdue_by_customer(customers, on: date) -> dict[int, Decimal]:
    sums = ageing_sums(on=on, dimension="customer", customers=customers)
    return {cid: sum(amounts[1:], ZERO) for cid, amounts in sums.items() if sum(amounts[1:], ZERO) > 0}


def top_risks(customers, on: date, n: int = 10) -> list[dict]:
    """The n files with the most overdue, with grade, limit and exposure."""
    overdue = overdue_by_customer(customers, on)
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
