"""Reservations for the credit check: an amount held against the limit until a shipment or
prepayment posts with it, or the hold is released or runs out."""

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event

from .. import rules
from ..models import Exposure, Reservation
from .book import _error, lock_exposure
from .preparing import _decimal

# --- reservations (for the credit check) --------------------------------------------------------


def reserve(*, customer, amount, kind, expires_at, reference="", by=None) -> Reservation:
    """Hold `amount` against the customer's limit until consumed by a posting or released/expired.
    The caller holds the Exposure row lock (lock_exposure) in the current transaction."""
    amount = _decimal(amount)
    if amount is None or amount <= 0:
        raise _error("ledger.amount_not_positive", "amount")
    if kind not in rules.RESERVABLE_KINDS:
        raise _error("ledger.reservation_kind", "kind")
    exposure = lock_exposure(getattr(customer, "pk", customer))
    r = Reservation.objects.create(
        customer_id=exposure.customer_id,
        amount=amount,
        kind=kind,
        reference=str(reference)[:100],
        expires_at=expires_at,
        created_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
    )
    exposure.reservations_amount += amount
    exposure.save(update_fields=["reservations_amount", "updated_at"])
    return r


def _close_reservation(r: Reservation, status: str, exposure: Exposure) -> None:
    r.status = status
    r.closed_at = timezone.now()
    r.save(update_fields=["status", "closed_at"])
    exposure.reservations_amount -= r.amount
    exposure.save(update_fields=["reservations_amount", "updated_at"])


@transaction.atomic
def release_reservation(*, reservation, by=None, request=None) -> Reservation:
    """Give the held amount back (the order was cancelled). Idempotent for a closed reservation."""
    exposure = lock_exposure(reservation.customer_id)
    r = Reservation.objects.select_for_update().get(pk=getattr(reservation, "pk", reservation))
    if r.status == Reservation.Status.HELD:
        _close_reservation(r, Reservation.Status.RELEASED, exposure)
        record_event(
            "ledger.reservation_release",
            actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
            request=request,
            object_type="ledger.reservation",
            object_id=str(r.pk),
            data={"customer_id": r.customer_id, "amount": str(r.amount)},
        )
    return r


@transaction.atomic
def release_expired(customer=None, *, now=None) -> int:
    """Expire held reservations past their time (of one customer, or all). Returns how many."""
    now = now or timezone.now()
    qs = Reservation.objects.filter(status=Reservation.Status.HELD, expires_at__lte=now)
    if customer is not None:
        qs = qs.filter(customer_id=getattr(customer, "pk", customer))
    count = 0
    for cid in sorted(set(qs.values_list("customer_id", flat=True))):
        exposure = lock_exposure(cid)
        for r in Reservation.objects.select_for_update().filter(
            customer_id=cid, status=Reservation.Status.HELD, expires_at__lte=now
        ):
            _close_reservation(r, Reservation.Status.EXPIRED, exposure)
            count += 1
    return count
