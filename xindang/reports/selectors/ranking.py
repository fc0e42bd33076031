"""The ABC analysis and its two ends read from the ranking the daily run stores (reports.AbcRank,
services.refresh_abc_ranking) instead of the ledger: the same figures as sales.abc_report and
sales.core_and_tail (tests/test_ranking.py holds them equal), as of the day of the ranking.

A user who sees every stored customer (every file, or all but a few files none of which is in the
ranking) reads the stored rows a page at a time, in their stored order; so does a department manager
from their department's ranking (its files give or take a few unranked ones); a user who sees another
part of them has the same rules run over the stored figures of those files (no ledger read). A
ranking is read only when it was made with the policy's cut-offs, and — for the running year — when it
is of today or yesterday (the daily run has not run yet today); the page says as of when. Otherwise the
analysis is computed live."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When

from .. import rules
from ..models import AbcRank
from ..tables import LazyRows
from . import credit, sales, snapshot
from .sales import (
    ZERO,
    AbcReport,
    CoreTail,
    CoreTailFacts,
    abc_customer,
    abc_report_of,
    base_of,
    classify_core_tail,
    customer_refs,
    of_customers,
    with_customers,
    years_of_trade,
)

FRESH_DAYS = 1  # the running year's ranking is read when of today or of this many days before


def params_key(kind: str, policy) -> str:
    """The policy's cut-offs a ranking was made with (kept on its marker row)."""
    section = policy.reports
    key = f"{section.abc_a_pct}/{section.abc_b_pct}"
    return f"{key}/{section.seasonal_years}" if kind == AbcRank.Kind.CORE else key


def marker(kind: str, year: int | None, policy, department: int | None = None) -> AbcRank | None:
    """The marker of the stored ranking of `kind` (and `year`) of every file, or of `department`'s, if
    made with the policy's cut-offs."""
    qs = AbcRank.objects.filter(kind=kind, customer__isnull=True)
    qs = qs.filter(department__isnull=True) if department is None else qs.filter(department_id=department)
    if year is not None:
        qs = qs.filter(year=year)
    m = qs.order_by("-on").first()
    return m if m is not None and m.params == params_key(kind, policy) else None


def _rows(kind: str, year: int, department: int | None = None):
    qs = AbcRank.objects.filter(kind=kind, year=year, customer__isnull=False)
    return qs.filter(department__isnull=True) if department is None else qs.filter(department_id=department)


def whole_ranking(customers, kind: str, year: int, policy) -> tuple[bool, int | None]:
    """Whether `customers` (a visible_customers queryset) holds exactly the customers of a stored
    ranking, and whose: (True, None) every file's — every file, or all but a few of which none is
    ranked; (True, department) that department's — its files in the snapshot, give or take a few
    of which none is ranked; (False, None) neither."""
    base = None if customers.query.is_empty() else base_of(customers)
    if base is None:
        return False, None
    dept = base.department
    if dept is not None and marker(kind, year, policy, dept) is None:
        return False, None
    if base.minus and _rows(kind, year, dept).filter(customer__in=base.minus).exists():
        return False, None
    if base.plus and _rows(kind, year).filter(customer__in=base.plus).exists():
        return False, None
    return True, dept


def abc_report(customers, year: int, today: date, policy) -> AbcReport | None:
    """The ABC report of `year` from the stored ranking: this year's when stored today or yesterday
    (its sales run to that day), an earlier year's when stored after the year ended; None otherwise."""
    m = marker(AbcRank.Kind.SALES, year, policy)
    if m is None:
        return None
    end = date(year, 12, 31)
    if year >= today.year and not (today - timedelta(days=FRESH_DAYS) <= m.on <= today):
        return None
    if year < today.year and m.on < end:
        return None
    start, end = date(year, 1, 1), min(end, m.on)
    whole, dept = whole_ranking(customers, AbcRank.Kind.SALES, year, policy)
    if not whole:
        qs = of_customers(_rows(AbcRank.Kind.SALES, year), customers)
        amounts = dict(qs.values_list("customer_id", "amount"))
        return abc_report_of(amounts, start, end, policy, as_of=m.computed_at)
    qs = _rows(AbcRank.Kind.SALES, year, dept)
    section = policy.reports
    by_class = {
        r["klass"]: r
        for r in qs.order_by()
        .values("klass")
        .annotate(n=Count("pk"), amount=Sum("amount", filter=Q(amount__gt=0)))
    }
    total = sum((Decimal(r["amount"] or 0) for r in by_class.values()), ZERO).quantize(Decimal("0.01"))
    summary = []
    for klass in (rules.A, rules.B, rules.C):
        r = by_class.get(klass, {})
        amount = Decimal(r.get("amount") or 0).quantize(Decimal("0.01"))
        summary.append(rules.AbcSummary(klass, r.get("n", 0), amount, rules.share(amount, total)))
    count = sum(s.count for s in summary)

    def fetch(lo: int, hi: int) -> list:
        part = list(
            qs.order_by("rank").values_list("customer_id", "amount", "share", "cumulative", "klass", "rank")[
                lo:hi
            ]
        )
        refs = customer_refs(r[0] for r in part)
        return [abc_customer((refs[r[0]], *r[1:]), section.required_share_pct) for r in part]

    return AbcReport(
        start,
        end,
        LazyRows(count, fetch),
        summary,
        total,
        section.abc_a_pct,
        section.abc_b_pct,
        section.required_share_pct,
        m.computed_at,
    )


def min_days(min_years: Decimal) -> int:
    """The fewest days of trade that make `min_years` (rules.is_core reads days ÷ 365.25)."""
    days = max(0, math.ceil(Decimal(min_years) * Decimal("365.25")))
    while days > 0 and years_of_trade(days - 1) >= min_years:
        days -= 1
    while years_of_trade(days) < min_years:
        days += 1
    return days


def core_and_tail(customers, *, on: date, today: date, policy) -> tuple[CoreTail, AbcRank] | None:
    """The two ends as of `on` from the stored ranking (and its marker): stored on `on` (today, or the
    end of last year), or — when `on` is today — yesterday, before today's daily run. None when not
    stored."""
    m = marker(AbcRank.Kind.CORE, on.year, policy)
    if m is None or not (m.on == on or (on == today and m.on == today - timedelta(days=FRESH_DAYS))):
        return None
    whole, dept = whole_ranking(customers, AbcRank.Kind.CORE, m.year, policy)
    qs = _rows(AbcRank.Kind.CORE, m.year, dept)
    if not whole:
        facts = {
            cid: CoreTailFacts(
                amount, days, tuple(reasons.split(",")) if reasons else (), overdue, grade or None
            )
            for cid, amount, days, reasons, overdue, grade in of_customers(qs, customers).values_list(
                "customer_id", "amount", "days_of_trade", "reasons", "overdue", "grade"
            )
        }
        ct = classify_core_tail(facts, policy)
        return CoreTail(with_customers(ct.core), with_customers(ct.tail), ct.middle_count), m
    min_years = policy.reports.core_min_years
    is_core = Q(klass=rules.A, days_of_trade__gte=min_days(min_years))
    if min_years <= 0:  # no first entry counts as no years of trade
        is_core |= Q(klass=rules.A, days_of_trade__isnull=True)
    qs = qs.annotate(
        is_core=Case(When(is_core, then=Value(True)), default=Value(False), output_field=BooleanField())
    )
    core_qs = qs.filter(is_core=True).order_by("-amount", "customer_id")
    tail_qs = qs.filter(is_core=False, signs__gt=0).order_by("-signs", "-overdue", "customer_id")
    counts = qs.aggregate(
        n=Count("pk"),
        core=Count("pk", filter=Q(is_core=True)),
        tail=Count("pk", filter=Q(is_core=False, signs__gt=0)),
    )

    def core_rows(lo: int, hi: int) -> list:
        part = list(core_qs.values_list("customer_id", "amount", "days_of_trade", "grade")[lo:hi])
        refs = customer_refs(r[0] for r in part)
        return [(refs[c], a, years_of_trade(d).quantize(Decimal("0.1")), g or None) for c, a, d, g in part]

    def tail_rows(lo: int, hi: int) -> list:
        part = list(tail_qs.values_list("customer_id", "reasons", "overdue", "grade")[lo:hi])
        refs = customer_refs(r[0] for r in part)
        return [(refs[c], reasons.split(","), o, g or None) for c, reasons, o, g in part]

    ct = CoreTail(
        LazyRows(counts["core"], core_rows),
        LazyRows(counts["tail"], tail_rows),
        counts["n"] - counts["core"] - counts["tail"],
    )
    return ct, m


# --- What the pages and the API show: the stored analysis, else the live one ----------------------
def abc_of_year(customers, year: int, today: date, policy) -> AbcReport:
    """The ABC analysis of `year` to `today`: from the stored ranking when there is one (abc_report),
    else computed from the ledger."""
    report = abc_report(customers, year, today, policy)
    if report is None:
        report = sales.abc_report(customers, date(year, 1, 1), min(date(year, 12, 31), today), policy)
    return report


def two_ends(customers, *, year: int, today: date, policy) -> tuple[CoreTail, AbcRank | None]:
    """The core customers and the tail (001 抓两头放中间) as of the end of `year` (or today), with the
    marker of the stored ranking they were read from (None: computed from a snapshot's grades and
    overdue amounts of that day, the daily one or that of the end of last year, else from the
    ledger)."""
    on = min(date(year, 12, 31), today)
    stored = core_and_tail(customers, on=on, today=today, policy=policy)
    if stored:
        return stored
    snap = snapshot.for_day(on) or snapshot.year_end_of(on)  # today's, or of the end of last year
    if snap:
        grades, earlier = snapshot.grades_now_and_then(customers, snap)
        overdue = snapshot.overdue_by_customer(customers, snap)
    else:
        grades, earlier, overdue = credit.risk_inputs(customers, on)
    live = sales.core_and_tail(
        customers, on=on, policy=policy, grades=grades, earlier=earlier, overdue=overdue
    )
    return live, None
