"""Handing a person's open requests to a successor (staff departure or job change, seed 001
公司客户信息管理办法 五): the successor becomes the requester of each pending or returned request, so the
request can still be resubmitted, withdrawn or answered. Steps wait for a role, not for a person, so
the signing side needs no move; the caller checks that someone can still sign."""

from django.db import transaction

from xindang.audit.services import record_events, spec
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import rules
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


@transaction.atomic
def assign_steps(*, step_ids, to, by, reason: str = "", request=None) -> list[ApprovalStep]:
    """Name `to` as the signer of the given waiting steps (the current step of a pending request), in
    place of the role's holders: a handover passes the leaver's waiting steps to the successor (seed
    001 公司客户信息管理办法 五). Refused when `to` is not active, is the requester, or already signed an
    earlier step of the round while the policy wants a different person per step (four eyes). One
    audit event per step. Caller checks the capability."""
    if to is None or not to.is_active:
        raise DomainError(ApprovalError.SUCCESSOR_INACTIVE)
    same_person = current_policy().approvals.same_person_may_sign_multiple_steps
    steps = list(
        ApprovalStep.objects.select_for_update()
        .filter(pk__in=list(step_ids))
        .select_related("request")
        .order_by("pk")
    )
    events = []
    for step in steps:
        approval = step.request
        if (
            approval.status != ApprovalStatus.PENDING
            or step.round != approval.round
            or step.position != approval.current_position
        ):
            continue  # decided meanwhile: nothing waits any more
        earlier = tuple(
            ApprovalStep.objects.filter(
                request=approval, round=step.round, position__lt=step.position, acted_by__isnull=False
            ).values_list("acted_by_id", flat=True)
        )
        problem = rules.signer_problem(
            rules.SignerCheck(
                user_id=to.pk,
                user_roles=frozenset(),
                requester_id=approval.requested_by_id,
                step_role=step.role,
                earlier_signer_ids=earlier,
                same_person_may_sign_multiple_steps=same_person,
                assignee_id=to.pk,
            )
        )
        if problem:
            raise DomainError(ApprovalError.SUCCESSOR_CANNOT_SIGN, user=to, title=approval.title)
        old = step.assignee_id
        if old == to.pk:
            continue
        step.assignee = to
        step.save(update_fields=["assignee"])
        events.append(
            spec(
                "approval.step_assigned",
                actor=by,
                request=request,
                obj=approval,
                data={
                    "kind": approval.kind,
                    "round": step.round,
                    "step": step.position,
                    "role": step.role,
                    "from": old,
                    "to": to.pk,
                    "reason": reason,
                },
            )
        )
    record_events(events)
    return steps
