"""Writing approvals: submit, approve a step, reject, return for changes, resubmit, withdraw,
comment, attach. Each write is one transaction, locks the request row first (select_for_update: of
two approvers acting on the same step at once exactly one wins, the other gets
"approval.already_decided"), and is audited in the same transaction. The domain object changes only
in the registered callbacks, which run inside that transaction; a DomainError from a callback rolls
the whole decision back.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xindang.accounts.roles import Role
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import ApprovalError
from ..models import (
    ApprovalComment,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    CommentKind,
    StepStatus,
)
from ..registry import get_kind

# Files a browser or the desktop would run; nothing an approval needs.


BLOCKED_EXTENSIONS = {
    ".exe", ".bat", ".cmd", ".com", ".scr", ".msi", ".dll", ".js", ".vbs", ".ps1", ".sh", ".jar",
    ".html", ".htm", ".svg",
}  # fmt: skip


def _error(code: str, **params) -> DomainError:
    """The DomainError of a problem the rules name by its code."""
    return DomainError(ApprovalError(code), **params)


def _object_ref(obj) -> tuple[str, str, str]:
    return obj._meta.label_lower, str(obj.pk), str(obj)[:255]


def _object_url(obj) -> str:
    getter = getattr(obj, "get_absolute_url", None)
    try:
        return getter() if getter else ""
    except Exception:  # a link is a convenience; no URL is fine
        return ""


def _customer_of(obj, customer):
    if customer is not None:
        return customer
    if obj._meta.label_lower == "customers.customer":
        return obj
    return getattr(obj, "customer", None)


def _make_steps(approval: ApprovalRequest, chain: list[str]) -> None:
    ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(request=approval, round=approval.round, position=i, role=role)
            for i, role in enumerate(chain, 1)
        ]
    )


def _check_chain(chain) -> list[str]:
    chain = [str(role) for role in (chain or [])]
    problem = rules.chain_problem(chain, set(Role.values))
    if problem:
        raise _error(problem)
    return chain


def _clean_warnings(warnings) -> list[str]:
    return [str(w).strip() for w in (warnings or []) if str(w).strip()]


def _amount(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@transaction.atomic
def submit_request(
    *,
    kind: str,
    obj,
    chain: list[str],
    requested_by,
    title: str,
    summary: str = "",
    amount=None,
    data: dict | None = None,
    warnings: list[str] | None = None,
    customer=None,
    object_url: str | None = None,
    request=None,
) -> ApprovalRequest:
    """Open an approval about `obj` with the steps `chain` (role codes, signed in order)."""
    if get_kind(kind) is None:
        raise _error("approval.unknown_kind", kind=kind)
    chain = _check_chain(chain)
    title = (title or "").strip()
    if not title:
        raise DomainError(ApprovalError.TITLE_REQUIRED, field="title")
    object_type, object_id, object_repr = _object_ref(obj)
    if ApprovalRequest.objects.filter(
        kind=kind, object_type=object_type, object_id=object_id, status=ApprovalStatus.PENDING
    ).exists():
        raise DomainError(ApprovalError.ALREADY_PENDING)
    customer = _customer_of(obj, customer)
    now = timezone.now()
    approval = ApprovalRequest.objects.create(
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        object_url=(_object_url(obj) if object_url is None else object_url)[:500],
        customer_ref=customer.pk if customer is not None else None,
        customer_name=str(getattr(customer, "name", customer))[:200] if customer is not None else "",
        title=title[:200],
        summary=summary or "",
        amount=_amount(amount),
        data=data or {},
        warnings=_clean_warnings(warnings),
        chain=chain,
        requested_by=requested_by,
        requested_at=now,
        submitted_at=now,
        policy_version=current_policy().version or None,
    )
    _make_steps(approval, chain)
    record_event(
        "approval.submit",
        actor=requested_by,
        request=request,
        obj=approval,
        data={
            "kind": kind,
            "object": f"{object_type}:{object_id}",
            "chain": chain,
            "amount": approval.amount,
            "warnings": approval.warnings,
        },
    )
    return approval


def lock_request(approval) -> ApprovalRequest:
    """The request (or its pk), re-read under a row lock held to the end of the transaction."""
    pk = approval.pk if isinstance(approval, ApprovalRequest) else approval
    return ApprovalRequest.objects.select_for_update().get(pk=pk)


def _sync(target, source: ApprovalRequest) -> ApprovalRequest:
    """Bring the caller's instance up to date (it may hold a stale status or position)."""
    if isinstance(target, ApprovalRequest) and target is not source:
        for field in source._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
        getattr(target, "_prefetched_objects_cache", {}).clear()
    return source


def _deciding_step(locked: ApprovalRequest, actor, position: int | None) -> ApprovalStep:
    """The current step, after checking it is still open, is the one the actor saw, and the actor
    may sign it."""
    if locked.status != ApprovalStatus.PENDING:
        raise DomainError(
            ApprovalError.ALREADY_DECIDED,
            status=locked.get_status_display(),
        )
    if position is not None and int(position) != locked.current_position:
        raise DomainError(
            ApprovalError.STEP_TAKEN,
        )
    # A locking read too: on MariaDB (repeatable read) a plain read could see a snapshot older than
    # the request row just locked, e.g. an earlier signature not yet visible.
    steps = list(locked.steps.filter(round=locked.round).order_by("position").select_for_update())
    step = next(s for s in steps if s.position == locked.current_position)
    if not getattr(actor, "is_active", False):
        raise _error(rules.WRONG_ROLE)
    problem = rules.signer_problem(
        rules.SignerCheck(
            user_id=actor.pk,
            user_roles=frozenset(actor.groups.values_list("name", flat=True)),
            requester_id=locked.requested_by_id,
            step_role=step.role,
            earlier_signer_ids=tuple(
                s.acted_by_id for s in steps if s.position < step.position and s.acted_by_id
            ),
            same_person_may_sign_multiple_steps=current_policy().approvals.same_person_may_sign_multiple_steps,
            assignee_id=step.assignee_id,
        )
    )
    if problem:
        raise _error(problem)
    step._round_steps = steps
    return step


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ApprovalError.REASON_REQUIRED, field="reason")
    return reason


def _skip_rest(step: ApprovalStep) -> None:
    for later in step._round_steps:
        if later.position > step.position and later.status == StepStatus.PENDING:
            later.status = StepStatus.SKIPPED
            later.save(update_fields=["status"])


def _audit_step(action, locked, step, actor, request, **extra):
    record_event(
        action,
        actor=actor,
        request=request,
        obj=locked,
        data={"kind": locked.kind, "round": locked.round, "step": step.position, "role": step.role, **extra},
    )


@transaction.atomic
def approve_step(
    *,
    approval,
    approver,
    comment: str = "",
    acknowledge_warnings: bool = False,
    position: int | None = None,
    request=None,
) -> ApprovalRequest:
    """Sign the current step. On the last step the request is approved and the kind's on_approved
    runs here, in this transaction. `position`: the step the approver saw (the UI sends it), so a step
    someone else just signed is refused as already decided instead of signing the next one."""
    locked = lock_request(approval)
    step = _deciding_step(locked, approver, position)
    if locked.warnings and not acknowledge_warnings:
        raise DomainError(
            ApprovalError.WARNINGS_NOT_ACKNOWLEDGED,
            field="acknowledge_warnings",
        )
    now = timezone.now()
    step.status = StepStatus.APPROVED
    step.acted_by = approver
    step.acted_at = now
    step.comment = (comment or "").strip()
    step.acknowledged_warnings = list(locked.warnings)
    step.save(update_fields=["status", "acted_by", "acted_at", "comment", "acknowledged_warnings"])
    last = step.position == len(step._round_steps)
    if last:
        entry = get_kind(locked.kind)
        if entry is None:
            raise _error("approval.unknown_kind", kind=locked.kind)
        locked.status = ApprovalStatus.APPROVED
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
    else:
        locked.current_position = step.position + 1
        locked.save(update_fields=["current_position"])
    _audit_step(
        "approval.approve",
        locked,
        step,
        approver,
        request,
        final=last,
        comment=step.comment,
        acknowledged_warnings=step.acknowledged_warnings,
    )
    if last and entry.on_approved:
        entry.on_approved(locked)
    return _sync(approval, locked)


@transaction.atomic
def reject(*, approval, approver, reason: str, position: int | None = None, request=None) -> ApprovalRequest:
    """Refuse at the current step: the request ends rejected; the later steps are skipped."""
    reason = _reason(reason)
    locked = lock_request(approval)
    step = _deciding_step(locked, approver, position)
    now = timezone.now()
    step.status, step.acted_by, step.acted_at, step.comment = StepStatus.REJECTED, approver, now, reason
    step.save(update_fields=["status", "acted_by", "acted_at", "comment"])
    _skip_rest(step)
    locked.status = ApprovalStatus.REJECTED
    locked.decided_at = now
    locked.save(update_fields=["status", "decided_at"])
    _audit_step("approval.reject", locked, step, approver, request, reason=reason)
    entry = get_kind(locked.kind)
    if entry and entry.on_rejected:
        entry.on_rejected(locked)
    return _sync(approval, locked)


@transaction.atomic
def return_for_changes(
    *, approval, approver, reason: str, position: int | None = None, request=None
) -> ApprovalRequest:
    """Send the request back to the requester, who may change it and resubmit (a new round from
    step 1; this round stays in the history) or withdraw it."""
    reason = _reason(reason)
    locked = lock_request(approval)
    step = _deciding_step(locked, approver, position)
    now = timezone.now()
    step.status, step.acted_by, step.acted_at, step.comment = StepStatus.RETURNED, approver, now, reason
    step.save(update_fields=["status", "acted_by", "acted_at", "comment"])
    _skip_rest(step)
    locked.status = ApprovalStatus.RETURNED
    locked.save(update_fields=["status"])
    _audit_step("approval.return", locked, step, approver, request, reason=reason)
    entry = get_kind(locked.kind)
    if entry and entry.on_returned:
        entry.on_returned(locked)
    return _sync(approval, locked)


def _requester_only(locked: ApprovalRequest, by) -> None:
    if by is None or by.pk != locked.requested_by_id:
        raise DomainError(ApprovalError.NOT_REQUESTER)


@transaction.atomic
def resubmit(
    *,
    approval,
    by,
    summary: str | None = None,
    amount=None,
    data: dict | None = None,
    warnings: list[str] | None = None,
    chain: list[str] | None = None,
    title: str | None = None,
    comment: str = "",
    request=None,
) -> ApprovalRequest:
    """The requester sends a returned request again: a new round starts at step 1 (with `chain` if
    given, else the same chain); the earlier rounds stay in the trail. None = keep the old value."""
    locked = lock_request(approval)
    _requester_only(locked, by)
    if locked.status != ApprovalStatus.RETURNED:
        raise DomainError(ApprovalError.NOT_RETURNED)
    if chain is not None:
        locked.chain = _check_chain(chain)
    if summary is not None:
        locked.summary = summary
    if amount is not None:
        locked.amount = _amount(amount)
    if data is not None:
        locked.data = data
    if warnings is not None:
        locked.warnings = _clean_warnings(warnings)
    if title is not None and title.strip():
        locked.title = title.strip()[:200]
    locked.round += 1
    locked.current_position = 1
    locked.status = ApprovalStatus.PENDING
    locked.submitted_at = timezone.now()
    locked.decided_at = None
    locked.policy_version = current_policy().version or None
    locked.save()
    _make_steps(locked, locked.chain)
    ApprovalComment.objects.create(
        request=locked,
        kind=CommentKind.RESUBMITTED,
        round=locked.round,
        author=by,
        body=(comment or "").strip(),
    )
    record_event(
        "approval.resubmit",
        actor=by,
        request=request,
        obj=locked,
        data={"kind": locked.kind, "round": locked.round, "chain": locked.chain, "amount": locked.amount},
    )
    entry = get_kind(locked.kind)
    if entry and entry.on_resubmitted:
        entry.on_resubmitted(locked)
    return _sync(approval, locked)


@transaction.atomic
def withdraw(*, approval, by, reason: str, request=None) -> ApprovalRequest:
    """The requester takes back a pending or returned request; its open steps are skipped."""
    reason = _reason(reason)
    locked = lock_request(approval)
    _requester_only(locked, by)
    if locked.status not in (ApprovalStatus.PENDING, ApprovalStatus.RETURNED):
        raise DomainError(
            ApprovalError.ALREADY_DECIDED,
            status=locked.get_status_display(),
        )
    now = timezone.now()
    locked.steps.filter(round=locked.round, status=StepStatus.PENDING).update(status=StepStatus.SKIPPED)
    locked.status = ApprovalStatus.WITHDRAWN
    locked.decided_at = now
    locked.save(update_fields=["status", "decided_at"])
    ApprovalComment.objects.create(
        request=locked, kind=CommentKind.WITHDRAWN, round=locked.round, author=by, body=reason
    )
    record_event(
        "approval.withdraw",
        actor=by,
        request=request,
        obj=locked,
        data={"kind": locked.kind, "reason": reason},
    )
    entry = get_kind(locked.kind)
    if entry and entry.on_withdrawn:
        entry.on_withdrawn(locked)
    return _sync(approval, locked)
