"""The fast path's ORM twin: the same interface as sql.py, answered through the neighbours' public
selectors and services one question at a time. Slower (a dozen ORM queries a check) and the
reference the hand-written statements are held to (tests/test_fastpath.py), on every engine."""

from datetime import date

from django.db import transaction

from xindang.credit import selectors as credit_selectors
from xindang.credit.grants import selectors as grant_selectors
from xindang.customers.models import Customer
from xindang.ledger import selectors as ledger_selectors
from xindang.ledger import services as ledger_services
from xindang.ledger.collection import selectors as collection_selectors
from xindang.ledger.models import Reservation
from xindang.onboarding import selectors as onboarding_selectors
from xindang.policy.selectors import version_in_force

from ..models import CreditCheck, ShipmentStop
from .facts import Facts, OverdueRow
from .sql import no_such_customer


def _overdue_row(entry) -> OverdueRow | None:
    if entry is None:
        return None
    return OverdueRow(
        entry_id=entry.pk,
        kind=entry.kind,
        entry_on=entry.entry_on,
        due_on=entry.due_on,
        amount=entry.amount,
        open_amount=entry.open_amount,
    )


def read_facts(
    customer_id: int, *, on: date, now, lock: bool = True, create: bool = True, next_check_id: bool = False
) -> Facts | None:
    """sql.read_facts through the ORM. next_check_id is not drawn here (always None)."""
    if lock or create:
        if ledger_selectors.fetch_exposure(customer_id) is None:
            no_such_customer(customer_id)
        with transaction.atomic():
            exposure = ledger_services.lock_exposure(customer_id)
    else:
        exposure = ledger_selectors.fetch_exposure(customer_id)
        if exposure is None:
            return None
    grant = grant_selectors.active_grant(customer_id, on)
    rating = credit_selectors.current_rating(customer_id)
    customer = Customer.objects.only("onboarding").get(pk=customer_id)
    return Facts(
        exposure=exposure.figures(),
        grant_limit_amount=grant_selectors.limit_in_force(grant, on) if grant is not None else None,
        grant_valid_until=grant.valid_until if grant is not None else None,
        grant_kind=grant.kind if grant is not None else None,
        grade=rating.grade if rating is not None else None,
        oldest_overdue=_overdue_row(ledger_selectors.oldest_overdue_item(customer_id, on)),
        previous_month_debt=_overdue_row(
            ledger_selectors.oldest_unsettled_before(customer_id, on.replace(day=1))
        ),
        expired_reservations=Reservation.objects.filter(
            customer_id=customer_id, status=Reservation.Status.HELD, expires_at__lte=now
        ).count(),
        trade_suspended=bool(collection_selectors.is_trade_suspended(customer_id)),
        shipments_stopped=ShipmentStop.objects.filter(
            customer_id=customer_id, lifted_at__isnull=True
        ).exists(),
        card_pending=not onboarding_selectors.is_onboarded(customer),
        conditions=tuple(onboarding_selectors.conditions_of(customer_id)),
        policy_key=policy_key(now),
        next_check_id=None,
    )


def policy_key(now) -> str | None:
    version = version_in_force(now)
    return f"{version.pk}|{version.number}|{version.effective_from.isoformat()}" if version else None


def insert_check(values: dict) -> int:
    return CreditCheck.objects.create(**values).pk
