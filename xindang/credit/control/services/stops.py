"""Emergency stops of shipments (004 客户信息管理制度 第十一条1(3): 作为应急措施,营销人员有权暂时停止
贷货): the salesperson in charge stops at once, the department manager confirms or lifts."""

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer

from ..errors import ControlError
from ..models import ShipmentStop, ShipmentStopStatus
from ..permissions import ControlPermission


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(ControlError.REASON_REQUIRED, field="reason")
    return text


def _open_stop(customer) -> ShipmentStop | None:
    return ShipmentStop.objects.select_for_update().filter(customer=customer, lifted_at__isnull=True).first()


def can_decide_stop(user, customer) -> bool:
    """The manager of the customer's department (who holds the capability) decides on the stop."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm(ControlPermission.DECIDE_STOP)
        and user.department_id is not None
        and user.department_id == customer.department_id
    )


def can_stop_shipments(user, customer) -> bool:
    """The salesperson in charge of the customer (who holds the capability) may stop at once."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm(ControlPermission.STOP_SHIPMENTS)
        and customer.owner_id == user.pk
    )


@transaction.atomic
def stop_shipments(*, customer, by, reason: str, request=None) -> ShipmentStop:
    """Stop shipments to `by`'s own customer at once (the credit check blocks from now on); the
    manager of its department sees it on the workbench to confirm or lift. Audited."""
    if not can_stop_shipments(by, customer):
        raise DomainError(ControlError.STOP_FORBIDDEN)
    reason = _reason(reason)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)  # one open stop at a time
    if _open_stop(customer) is not None:
        raise DomainError(ControlError.STOP_ACTIVE)
    stop = ShipmentStop.objects.create(
        customer=customer, reason=reason, stopped_by=by, stopped_at=timezone.now()
    )
    record_event(
        "shipment_stop.stop",
        actor=by,
        request=request,
        obj=customer,
        data={"stop": stop.pk, "reason": reason},
    )
    return stop


@transaction.atomic
def confirm_shipment_stop(*, customer, by, note: str = "", request=None) -> ShipmentStop:
    """The department manager confirms the stop: shipments stay stopped until someone lifts it."""
    if not can_decide_stop(by, customer):
        raise DomainError(ControlError.STOP_DECIDE_FORBIDDEN)
    stop = _open_stop(customer)
    if stop is None:
        raise DomainError(ControlError.STOP_NOT_FOUND)
    if stop.status == ShipmentStopStatus.CONFIRMED:
        raise DomainError(ControlError.STOP_ALREADY_CONFIRMED)
    stop.status, stop.confirmed_by, stop.confirmed_at = ShipmentStopStatus.CONFIRMED, by, timezone.now()
    stop.confirm_note = (note or "").strip()
    stop.save(update_fields=["status", "confirmed_by", "confirmed_at", "confirm_note"])
    record_event(
        "shipment_stop.confirm",
        actor=by,
        request=request,
        obj=customer,
        data={"stop": stop.pk, "note": stop.confirm_note},
    )
    return stop


@transaction.atomic
def lift_shipment_stop(*, customer, by, reason: str, request=None) -> ShipmentStop:
    """The department manager lifts the stop (with a reason): the credit check no longer blocks on it."""
    if not can_decide_stop(by, customer):
        raise DomainError(ControlError.STOP_DECIDE_FORBIDDEN)
    reason = _reason(reason)
    stop = _open_stop(customer)
    if stop is None:
        raise DomainError(ControlError.STOP_NOT_FOUND)
    stop.status, stop.lifted_by, stop.lifted_at = ShipmentStopStatus.LIFTED, by, timezone.now()
    stop.lift_reason = reason
    stop.save(update_fields=["status", "lifted_by", "lifted_at", "lift_reason"])
    record_event(
        "shipment_stop.lift",
        actor=by,
        request=request,
        obj=customer,
        data={"stop": stop.pk, "reason": reason},
    )
    return stop
