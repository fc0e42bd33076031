"""Handing a person's open requests to a successor (staff departure or job change, seed 001
公司客户信息管理办法 五): the successor becomes the requester of each pending or returned request, so the
request can still be resubmitted, withdrawn or answered. Steps wait for a role, not for a person, so
the signing side needs no move; the caller checks that someone can still sign."""

from django.db import transaction

from xindang.audit.services import record_events, spec
from xindang.core.errors import DomainError

from ..errors import ApprovalError
from ..models import ApprovalRequest, ApprovalStatus, ApprovalStep

OPEN = (ApprovalStatus.PENDING, ApprovalStatus.RETURNED)


@transaction.atomic
def transfer_requests(*, approval_ids, to, by, reason: str = "", request=None) -> list[ApprovalRequest]:
    """Make `to` the requester of the given open requests, one audit event each. Refused when `to`
    is not active, or already signed a step of the request's current round (four eyes: nobody
    decides on their own request). Caller checks the capability."""
    if to is None or not to.is_active:
        raise DomainError(ApprovalError.SUCCESSOR_INACTIVE)
    locked = list(
        ApprovalRequest.objects.select_for_update()
        .filter(pk__in=list(approval_ids), status__in=OPEN)
        .order_by("pk")
    )
    signed = set(
        ApprovalStep.objects.filter(request__in=locked, acted_by=to).values_list("request_id", "round")
    )
    events = []
    for approval in locked:
        if (approval.pk, approval.round) in signed:
            raise DomainError(
                ApprovalError.SUCCESSOR_SIGNED,
                user=to,
                title=approval.title,
            )
        old = approval.requested_by_id
        if old == to.pk:
            continue
        approval.requested_by = to
        approval.save(update_fields=["requested_by"])
        events.append(
            spec(
                "approval.requester_transferred",
                actor=by,
                request=request,
                obj=approval,
                data={"kind": approval.kind, "from": old, "to": to.pk, "reason": reason},
            )
        )
    record_events(events)
    return locked
