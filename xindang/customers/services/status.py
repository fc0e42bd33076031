"""A file's lifecycle status (SPEC §8): each change keeps who, when, why and, for a suspension or an
end of trade, how the customer was told."""

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from .. import permissions, rules
from ..choices import NoticeChannel
from ..errors import CustomerError
from ..models import Customer, StatusChange
from ..permissions import CustomerPermission
from .access import require_capability, visible_or_404


def change_status(
    *,
    by,
    customer_id: int,
    to_status: str,
    reason: str,
    notified_via: str = "",
    notified_on=None,
    request=None,
) -> Customer:
    """Lifecycle transition (SPEC §8): who, when and why are kept; the table is rules.TRANSITIONS.
    Suspending or ending trade also keeps how and when the customer was told (004 客户信息管理制度
    第十一条2(4), rules.notice_required). Needs CHANGE_STATUS and a file the actor sees."""
    require_capability(by, CustomerPermission.CHANGE_STATUS)
    visible_or_404(by, customer_id, request)
    return _change_status(
        by=by,
        customer_id=customer_id,
        to_status=to_status,
        reason=reason,
        notice=(notified_via or "", notified_on),
        request=request,
    )


@transaction.atomic
def _change_status(*, by, customer_id: int, to_status: str, reason: str, notice=("", None), request=None):
    customer = permissions.get_customer_for_user(by, customer_id, request=request, for_update=True)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CustomerError.REASON_REQUIRED, field="reason")
    if not rules.can_transition(customer.status, to_status):
        raise DomainError(
            CustomerError.BAD_TRANSITION,
            **{
                "from": customer.get_status_display(),
                "to": dict(Customer._meta.get_field("status").choices).get(to_status, to_status),
            },
        )
    notified_via, notified_on = notice
    if rules.notice_required(customer.status, to_status):
        if notified_via not in NoticeChannel.values or notified_on is None:
            raise DomainError(
                CustomerError.NOTICE_REQUIRED,
                field="notified_via" if notified_via not in NoticeChannel.values else "notified_on",
            )
    else:
        notified_via, notified_on = "", None
    old = customer.status
    StatusChange.objects.create(
        customer=customer,
        from_status=old,
        to_status=to_status,
        reason=reason[:500],
        changed_by=by,
        notified_via=notified_via,
        notified_on=notified_on,
    )
    customer.status = to_status
    customer.status_changed_at = timezone.now()
    customer.version += 1
    customer.updated_by = by
    customer._history_user = by
    customer._change_reason = reason[:100]
    customer.save()
    record_event(
        "customer.status",
        actor=by,
        request=request,
        obj=customer,
        purpose=reason[:255],
        data={"from": old, "to": to_status}
        | ({"notified_via": notified_via, "notified_on": str(notified_on)} if notified_via else {}),
    )
    return customer
