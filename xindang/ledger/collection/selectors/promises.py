"""Payment promises and the payments that keep them: a promise's state as shown (evaluated before the
daily job settles it), and the broken promises the rating facts count (ledger.facts)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from xindang.ledger.facts import COLLECTION_KINDS, MONEY
from xindang.ledger.models import ZERO, EntryKind, TradeEntry

from .. import rules
from ..models import PaymentPromise, PromiseStatus


def payments_between(customer_id: int, start: date, end: date) -> Decimal:
    """Payments received (cash and bills) from `start` to `end`, reversals left out."""
    total = TradeEntry.objects.filter(
        customer_id=customer_id,
        kind__in=[EntryKind.PAYMENT, EntryKind.NOTE_RECEIVED],
        entry_on__range=(start, end),
        reversed_by__isnull=True,
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    return total or ZERO


def promise_display_state(promise: PaymentPromise, today: date | None = None) -> str:
    """The stored status, except that an open promise past its date shows as broken before the daily
    job has flagged it (the job settles it with the payments; until then nothing was paid in full,
    or it would have been kept)."""
    today = today or timezone.localdate()
    if promise.status == PromiseStatus.OPEN and today > promise.promised_on:
        paid = payments_between(promise.customer_id, promise.made_on, promise.promised_on)
        return rules.promise_state(
            amount=promise.amount,
            made_on=promise.made_on,
            promised_on=promise.promised_on,
            paid_by_promise_date=paid,
            today=today,
        )
    return promise.status


def broken_promises_by_customer(ids, *, since: date, on: date) -> dict[int, int]:
    """Payment promises broken in [since, on) per customer, for the rating facts (ledger.facts): one
    aggregate (which also tells whether any are open), plus, when some are, the open ones past their
    date whose payments fall short (not yet marked broken)."""
    broken: dict = defaultdict(int)
    promises = PaymentPromise.objects.filter(customer_id__in=ids, promised_on__gte=since, promised_on__lt=on)
    any_open = False
    for r in (
        promises.filter(status__in=(PromiseStatus.BROKEN, PromiseStatus.OPEN))
        .order_by()
        .values("customer_id")
        .annotate(
            n=Count("id", filter=Q(status=PromiseStatus.BROKEN)),
            open=Count("id", filter=Q(status=PromiseStatus.OPEN)),
        )
    ):
        if r["n"]:
            broken[r["customer_id"]] += r["n"]
        any_open = any_open or bool(r["open"])
    if any_open:  # the open ones are known from the same aggregate
        paid = Subquery(
            TradeEntry.objects.filter(
                customer_id=OuterRef("customer_id"),
                kind__in=COLLECTION_KINDS,
                entry_on__gte=OuterRef("made_on"),
                entry_on__lte=OuterRef("promised_on"),
                reversed_by__isnull=True,
            )
            .order_by()
            .values("customer_id")
            .annotate(s=Sum("amount"))
            .values("s"),
            output_field=MONEY,
        )
        for r in (
            promises.filter(status=PromiseStatus.OPEN)
            .annotate(paid=Coalesce(paid, Value(ZERO), output_field=MONEY))
            .filter(paid__lt=F("amount"))
            .order_by()
            .values("customer_id")
            .annotate(n=Count("id"))
        ):
            broken[r["customer_id"]] += r["n"]
    return dict(broken)
