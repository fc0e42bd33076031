"""ABC by cumulative sales share (004 客户信息管理制度 第三条2–3) and the two ends, 抓两头放中间 (001)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Min

from xindang.ledger.models import TradeEntry
from xindang.ledger.rules import REVERSAL, WRITE_OFF

from ... import rules
from ...tables import LazyRows
from .figures import ZERO, CustomerRef, customer_refs, of_customers, sales_by_customer


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
