"""Manual holds (a litigation or audit hold): placed and lifted, with a reason."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.selectors import can_see_customer

from .. import rules
from ..errors import RetentionError
from ..models import (
    ManualHold,
)
from ..permissions import RetentionPermission
from .checks import reason_text, require


@transaction.atomic
def place_hold(
    *, by, customer, kind: str, reason: str, until: date | None = None, documents=(), request=None
) -> ManualHold:
    """Place a manual hold on a customer's file, or on some of its documents: while it lasts nothing it
    covers is destroyed and the person's data is not erased. `until` None: until lifted; a date in the
    past is refused."""
    require(by, RetentionPermission.PLACE_HOLD)
    if not can_see_customer(by, customer):
        raise DomainError(RetentionError.NOT_ALLOWED)
    reason = reason_text(reason)
    if not rules.hold_until_ok(until, timezone.localdate()):
        raise DomainError(RetentionError.UNTIL_PAST, field="until", until=until.isoformat())
    docs = list(documents)
    for doc in docs:
        if doc.customer_id != customer.pk:
            raise DomainError(RetentionError.DOCUMENT_NOT_IN_FILE, field="documents", title=doc.title)
    hold = ManualHold(
        customer=customer,
        kind=kind,
        reason=reason,
        until=until,
        placed_by=by,
        placed_at=timezone.now(),
    )
    hold.full_clean(exclude=["documents"])
    hold.save()
    if docs:
        hold.documents.set(docs)
    record_event(
        "retention.hold_placed",
        actor=by,
        request=request,
        obj=hold,
        data={
            "customer_id": customer.pk,
            "kind": kind,
            "reason": reason,
            "until": until.isoformat() if until else None,
            "documents": [d.pk for d in docs],
        },
    )
    return hold


@transaction.atomic
def lift_hold(*, by, hold: ManualHold, reason: str, request=None) -> ManualHold:
    """Lift a manual hold before its date (or one without a date), with a reason."""
    require(by, RetentionPermission.LIFT_HOLD)
    locked = ManualHold.objects.select_for_update().get(pk=hold.pk)
    if not can_see_customer(by, locked.customer):
        raise DomainError(RetentionError.NOT_ALLOWED)
    if locked.lifted_at is not None:
        raise DomainError(RetentionError.HOLD_LIFTED)
    locked.lift_reason = reason_text(reason)
    locked.lifted_by = by
    locked.lifted_at = timezone.now()
    locked.save(update_fields=["lift_reason", "lifted_by", "lifted_at"])
    record_event(
        "retention.hold_lifted",
        actor=by,
        request=request,
        obj=locked,
        data={"customer_id": locked.customer_id, "reason": locked.lift_reason},
    )
    return locked
