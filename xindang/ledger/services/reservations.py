"""Reservations for the credit check: an amount held against the limit until a shipment or
prepayment posts with it, or the hold is released or runs out."""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.db import fetchone
from xindang.core.errors import DomainError

from .. import rules
from ..errors import LedgerError
from ..models import Exposure, Reservation
from .locking import lock_exposure
from .values import to_decimal

# --- reservations (for the credit check) --------------------------------------------------------


def reserve(*, customer, amount, kind, expires_at, reference="", by=None) -> Reservation:
    """Hold `amount` against the customer's limit until consumed by a posting or released/expired.
    The caller holds the Exposure row lock (lock_exposure) in the current transaction."""
    amount = to_decimal(amount)
    if amount is None or amount <= 0:
        raise DomainError(LedgerError.AMOUNT_NOT_POSITIVE, field="amount")
    if kind not in rules.RESERVABLE_KINDS:
        raise DomainError(LedgerError.RESERVATION_KIND, field="kind")
    customer_id = getattr(customer, "pk", customer)
    now = timezone.now()
    r = Reservation(
        customer_id=customer_id,
        amount=amount,
        kind=kind,
        reference=str(reference)[:100],
        status=Reservation.Status.HELD,
        expires_at=expires_at,
        created_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        created_at=now,
    )
    # One UPDATE adds the hold (row-locked until commit, like lock_exposure) if the committed sum
    # (exposure + reservations) still fits its column afterwards; a customer without an exposure row
    # gets one first, and a refused UPDATE is told apart from a missing row under the lock. On
    # PostgreSQL both statements are prepared once per connection (a reserving credit check runs them
    # every time); MariaDB has no UPDATE … RETURNING.
    if amount > rules.MAX_AMOUNT:
        raise DomainError(LedgerError.TOTAL_TOO_LARGE, field="amount")
    room = rules.MAX_AMOUNT - amount
    if connection.vendor != "postgresql":
        committed = sum((F(f) for f in rules.COMMITTED_FIGURES[1:]), F(rules.COMMITTED_FIGURES[0]))
        rows = Exposure.objects.alias(committed=committed).filter(
            customer_id=customer_id, committed__lte=room
        )
        if not rows.update(reservations_amount=F("reservations_amount") + amount, updated_at=now):
            _refuse_if_full(customer_id, amount)
            rows.update(reservations_amount=F("reservations_amount") + amount, updated_at=now)
        r.save(force_insert=True)
        return r
    if fetchone(_sql("hold"), [amount, now, customer_id, room]) is None:
        _refuse_if_full(customer_id, amount)
        fetchone(_sql("hold"), [amount, now, customer_id, room])
    (r.pk,) = fetchone(
        _sql("insert"),
        [customer_id, amount, r.kind, r.reference, r.status, expires_at, r.created_by_id, now],
    )
    r._state.adding = False
    return r


def _refuse_if_full(customer_id, amount) -> None:
    """Under the exposure lock (created if missing): refuse a hold that takes the committed sum past
    what its column holds."""
    exposure = lock_exposure(customer_id)
    if not rules.figures_fit(
        {**exposure.figures(), "reservations_amount": exposure.reservations_amount + amount}
    ):
        raise DomainError(LedgerError.TOTAL_TOO_LARGE, field="amount")


_SQL: dict[str, str] = {}


def _sql(name: str) -> str:
    if name not in _SQL:
        q = connection.ops.quote_name

        def col(model, field):
            return q(model._meta.get_field(field).column)

        e, r = Exposure, Reservation
        _SQL["hold"] = (
            f"UPDATE {q(e._meta.db_table)} SET {col(e, 'reservations_amount')} = "  # noqa: S608
            f"{col(e, 'reservations_amount')} + %s, {col(e, 'updated_at')} = %s "
            f"WHERE {col(e, 'customer')} = %s "
            f"AND {' + '.join(col(e, f) for f in rules.COMMITTED_FIGURES)} <= %s "
            f"RETURNING {col(e, 'customer')}"
        )
        fields = (
            "customer",
            "amount",
            "kind",
            "reference",
            "status",
            "expires_at",
            "created_by",
            "created_at",
        )
        _SQL["insert"] = (
            f"INSERT INTO {q(r._meta.db_table)} ({', '.join(col(r, f) for f in fields)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {col(r, 'id')}"
        )
    return _SQL[name]


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
