"""Reading grant evaluations, and computing their figures from the ledger (seed 002 第三十七–四十二条).

The figures of a month come from a handful of grouped queries for all the month's customers at once
(entries before the month by kind, entries in the month by day and kind, the open items at month end,
promises, credit checks and over-limit approvals); the running exposure is then one pass over the days
that have movements (rules.exposure_figures) — never a query per day or per customer.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from xindang.credit.control.models import CreditCheck, Outcome, OverLimitRequest, OverLimitStatus
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.ledger.collection.models import PaymentPromise
from xindang.ledger.models import TradeEntry
from xindang.ledger.selectors import open_items

from .. import rules

CHUNK = 1000


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


# --- Which grants are evaluated for a month ---------------------------------------------------------
@dataclass(frozen=True)
class GrantPeriod:
    grant: object
    starts_on: date | None
    ends_on: date | None


def grants_in_month(month: date) -> list[GrantPeriod]:
    """Every grant in force on any day of `month` (第三十八条: each granted customer is checked monthly),
    with the days it was in force. A replaced grant ends the day before its successor starts."""

    first, last = rules.month_start(month), rules.month_end(month)
    qs = (
        CreditGrant.objects.filter(
            status__in=[GrantStatus.ACTIVE, GrantStatus.REPLACED, GrantStatus.EXPIRED],
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .select_related("customer")
        .order_by("customer_id", "pk")
    )
    grants = list(qs)
    successors: dict[int, date] = {}
    replaced_ids = [g.pk for g in grants if g.status == GrantStatus.REPLACED]
    for chunk in _chunks(replaced_ids):
        rows = (
            CreditGrant.objects.filter(replaces_id__in=chunk, valid_from__isnull=False)
            .exclude(
                status__in=[
                    GrantStatus.DRAFT,
                    GrantStatus.PENDING,
                    GrantStatus.REJECTED,
                    GrantStatus.WITHDRAWN,
                ]
            )
            .values_list("replaces_id", "valid_from")
        )
        for replaced_id, starts in rows:
            successors[replaced_id] = min(starts, successors.get(replaced_id, starts))
    periods = []
    for g in grants:
        ends = g.valid_until
        if g.pk in successors:
            cut = successors[g.pk] - timedelta(days=1)
            ends = cut if ends is None else min(ends, cut)
        if rules.active_in_period(starts_on=g.valid_from, ends_on=ends, first_day=first, last_day=last):
            periods.append(GrantPeriod(g, g.valid_from, ends))
    return periods


# --- The figures ------------------------------------------------------------------------------------
@dataclass
class CustomerMonth:
    """What the ledger, collection and credit control say of one customer in one month."""

    opening: rules.Balances = field(default_factory=rules.Balances)
    movements: dict = field(default_factory=dict)  # day -> Balances
    shipments_amount: Decimal = rules.ZERO
    collections_amount: Decimal = rules.ZERO
    overdue: rules.OverdueFigures = field(default_factory=lambda: rules.OverdueFigures(rules.ZERO, 0, 0))
    promises: list = field(default_factory=list)  # (made_on, promised_on, status)
    over_limit_approvals: int = 0
    blocked_checks: int = 0


def _entry_rows(customer_ids, **filters):
    return TradeEntry.objects.filter(customer_id__in=customer_ids, **filters).values(
        "customer_id", "kind", "reverses__kind"
    )


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def month_ledger_figures(customer_ids, month: date) -> dict[int, CustomerMonth]:
    """The month's raw figures per customer, in a fixed number of grouped queries per 1,000 customers."""
    first, last = rules.month_start(month), rules.month_end(month)
    result: dict[int, CustomerMonth] = defaultdict(CustomerMonth)
    ids = sorted(set(customer_ids))
    for chunk in _chunks(ids):
        # Balances carried into the month: the whole history before it, grouped by kind.
        for row in _entry_rows(chunk, entry_on__lt=first).annotate(total=Sum("amount")):
            cm = result[row["customer_id"]]
            move = rules.entry_movement(row["kind"], row["total"], reversed_kind=row["reverses__kind"])
            cm.opening = cm.opening.plus(move)
        # The month's movements, by day and kind.
        rows = _entry_rows(chunk, entry_on__gte=first, entry_on__lte=last).values(
            "customer_id", "entry_on", "kind", "reverses__kind"
        )
        for row in rows.annotate(total=Sum("amount")):
            cm = result[row["customer_id"]]
            kind, reversed_kind, amount = row["kind"], row["reverses__kind"], row["total"]
            move = rules.entry_movement(kind, amount, reversed_kind=reversed_kind)
            day = row["entry_on"]
            cm.movements[day] = cm.movements.get(day, rules.Balances()).plus(move)
            effective, sign = (reversed_kind, -1) if kind == "reversal" else (kind, 1)
            if effective in rules.COLLECTION_KINDS:
                cm.collections_amount += sign * amount
            elif effective in rules.SALES_KINDS:
                cm.shipments_amount += sign * amount
        _overdue_into(result, chunk, last)
        _promises_into(result, chunk, first, last)
        _control_into(result, chunk, first, last)
    return dict(result)


def _overdue_into(result, customer_ids, last: date) -> None:
    """Overdue at the end of the month: the open debits as of that day past their due date."""

    per_customer = defaultdict(list)
    for item in open_items(on=last, customer_ids=customer_ids):
        per_customer[item.customer_id].append((item.due_on, item.open_amount))
    for customer_id, items in per_customer.items():
        result[customer_id].overdue = rules.overdue_figures(items, on=last)


def _promises_into(result, customer_ids, first: date, last: date) -> None:
    rows = (
        PaymentPromise.objects.filter(customer_id__in=customer_ids)
        .filter(Q(made_on__gte=first, made_on__lte=last) | Q(promised_on__gte=first, promised_on__lte=last))
        .values_list("customer_id", "made_on", "promised_on", "status")
    )
    for customer_id, made_on, promised_on, status in rows:
        result[customer_id].promises.append((made_on, promised_on, status))


def _control_into(result, customer_ids, first: date, last: date) -> None:
    """Breaches (第三十二条): credit checks that blocked or sent a shipment to approval, and over-limit
    approvals used, in the month."""

    start, end = _day_bounds(first, last)
    blocked = (
        CreditCheck.objects.filter(
            customer_id__in=customer_ids,
            checked_at__gte=start,
            checked_at__lt=end,
            outcome__in=[Outcome.BLOCK, Outcome.APPROVAL_REQUIRED],
        )
        .values("customer_id")
        .annotate(n=Count("pk"))
    )
    for row in blocked:
        result[row["customer_id"]].blocked_checks = row["n"]
    used = (
        OverLimitRequest.objects.filter(
            customer_id__in=customer_ids, status=OverLimitStatus.USED, used_at__gte=start, used_at__lt=end
        )
        .values("customer_id")
        .annotate(n=Count("pk"))
    )
    for row in used:
        result[row["customer_id"]].over_limit_approvals = row["n"]


def evaluation_figures(period: GrantPeriod, cm: CustomerMonth, month: date) -> dict:
    """The figure fields of one grant's evaluation from its customer's month (field name -> value)."""
    first, last = rules.month_start(month), rules.month_end(month)
    grant = period.grant
    exposure = rules.exposure_figures(
        opening=cm.opening,
        movements=sorted(cm.movements.items()),
        first_day=first,
        last_day=last,
        limit_amount=grant.limit_amount,
        limit_from=period.starts_on,
        limit_until=period.ends_on,
    )
    promises = rules.promise_figures(cm.promises, first_day=first, last_day=last)
    return {
        "limit_amount": grant.limit_amount,
        "term_days": grant.term_days,
        "grant_from": period.starts_on,
        "grant_until": period.ends_on,
        "opening_exposure_amount": exposure.opening_amount,
        "peak_exposure_amount": exposure.peak_amount,
        "peak_exposure_on": exposure.peak_on,
        "end_exposure_amount": exposure.end_amount,
        "shipments_amount": cm.shipments_amount,
        "collections_amount": cm.collections_amount,
        "overdue_amount": cm.overdue.amount,
        "oldest_overdue_days": cm.overdue.oldest_days,
        "days_over_limit": exposure.days_over_limit,
        "over_limit_approvals": cm.over_limit_approvals,
        "blocked_checks": cm.blocked_checks,
        "promises_made": promises.made,
        "promises_kept": promises.kept,
        "promises_broken": promises.broken,
    }


FIGURE_FIELDS = (
    "limit_amount",
    "term_days",
    "grant_from",
    "grant_until",
    "opening_exposure_amount",
    "peak_exposure_amount",
    "peak_exposure_on",
    "end_exposure_amount",
    "shipments_amount",
    "collections_amount",
    "overdue_amount",
    "oldest_overdue_days",
    "days_over_limit",
    "over_limit_approvals",
    "blocked_checks",
    "promises_made",
    "promises_kept",
    "promises_broken",
)
