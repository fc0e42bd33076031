"""Over-limit approval (超额审批, 002 第三十二条): a blocked amount sent up the policy's tier of approvers;
an approved request lets exactly that amount through once within its validity (used by check_credit)."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.approvals import register
from xindang.approvals.services import submit_request
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.money import format_yuan
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import ControlError
from ..models import OverLimitRequest, OverLimitStatus
from ..texts import over_limit_summary, over_limit_title, reasons_out
from .inputs import check_inputs, read_for_check
from .question import actor_name, checked_amount, validate_question

OVER_LIMIT_KIND = "credit.over_limit"


@transaction.atomic
def request_over_limit(
    *,
    customer,
    amount,
    kind: str = "shipment",
    control_point: str = rules.SHIPMENT,
    reference: str = "",
    reason: str = "",
    by,
    api_key=None,
    request=None,
) -> OverLimitRequest:
    """Send a blocked shipment or prepayment up for the formal over-limit approval (超额审批, 002
    第三十二条). The approvers come from the policy's tiers by overage and grade (004 客户信息管理制度
    第九条3(3):
    every chain ends with the general manager). Refused when the amount passes anyway or when an
    approval could not lift the block (a C customer, a suspended trade, an emergency stop, a customer
    without a limit — 第三十四条 — unless the policy's GM-only exception is on)."""
    amount = checked_amount(amount)
    validate_question(kind, control_point)
    if kind not in rules.RAISING_KINDS:
        raise DomainError(ControlError.OVER_LIMIT_NOT_NEEDED)
    if not getattr(by, "is_authenticated", False):
        raise DomainError(ControlError.OVER_LIMIT_REQUESTER)
    policy = current_policy()
    section = policy.credit_control
    now = timezone.now()
    on = timezone.localdate(now)
    read = read_for_check(customer, on=on, now=now)
    inputs = check_inputs(read, amount=amount, kind=kind, control_point=control_point, on=on)
    grade = read[0].grade
    decision = rules.decide(inputs, section.control_policy())
    if not decision.violations:
        raise DomainError(ControlError.OVER_LIMIT_NOT_NEEDED)
    if not decision.approvable:
        lifts = rules.APPROVABLE | (rules.NO_LIMIT_CODES if decision.exception else frozenset())
        why = [r for r in reasons_out(decision.violations) if r["code"] not in lifts]
        why = why or [r for r in reasons_out(decision.violations) if r["code"] in rules.NO_LIMIT_CODES]
        raise DomainError(ControlError.OVER_LIMIT_NOT_APPROVABLE, why="; ".join(r["message"] for r in why))
    return submit_over_limit(
        customer=customer,
        amount=amount,
        kind=kind,
        control_point=control_point,
        reference=(reference or "")[:100],
        reason=(reason or "").strip(),
        decision=decision,
        grade=grade,
        section=section,
        policy_version=policy.version,
        by=by,
        api_key=api_key,
        request=request,
    )


# --- Approval callbacks (run inside the deciding transaction) -------------------------------------


def _for_approval(approval) -> OverLimitRequest:
    return OverLimitRequest.objects.select_for_update().get(pk=int(approval.object_id))


def on_approved(approval) -> None:
    olr = _for_approval(approval)
    now = timezone.now()
    days = current_policy().credit_control.over_limit_validity_days
    olr.status, olr.decided_at, olr.valid_until = OverLimitStatus.APPROVED, now, now + timedelta(days=days)
    olr.save(update_fields=["status", "decided_at", "valid_until"])
    record_event(
        "over_limit.approved", obj=olr, data={"approval": approval.pk, "valid_until": olr.valid_until}
    )


def _closer(status, action):
    def close(approval) -> None:
        olr = _for_approval(approval)
        olr.status, olr.decided_at = status, timezone.now()
        olr.save(update_fields=["status", "decided_at"])
        record_event(action, obj=olr, data={"approval": approval.pk})

    return close


on_rejected = _closer(OverLimitStatus.REJECTED, "over_limit.rejected")
on_returned = _closer(OverLimitStatus.RETURNED, "over_limit.returned")
on_withdrawn = _closer(OverLimitStatus.WITHDRAWN, "over_limit.withdrawn")


def on_resubmitted(approval) -> None:
    olr = _for_approval(approval)
    olr.status = OverLimitStatus.PENDING
    olr.save(update_fields=["status"])


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    """An over-limit request's recorded figures for the approval page, labelled in the reader's
    language and formatted like the amounts beside them."""

    items: list[tuple[str, str]] = []
    figures = (("limit", _("Limit")), ("exposure", _("Exposure")), ("overage", _("Over the limit by")))
    for key, label in figures:
        if data.get(key) is not None:
            items.append((str(label), format_yuan(Decimal(str(data[key])))))
    if data.get("grade"):
        items.append((str(_("Grade")), str(data["grade"])))
    if data.get("reference"):
        items.append((str(_("Reference")), str(data["reference"])))
    return items


def register_approval_kind() -> None:
    register(
        OVER_LIMIT_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_returned=on_returned,
        on_withdrawn=on_withdrawn,
        on_resubmitted=on_resubmitted,
        label=_("Over-limit approval"),
        title=_approval_title,
        summary=_approval_summary,
        describe=describe_approval_data,
    )


def _approval_title(approval) -> str:
    """Rendered when shown, in the reader's language (the stored title is the submitter's)."""
    return over_limit_title(
        {"kind": approval.data.get("kind", ""), "customer": approval.customer_name, "amount": approval.amount}
    )


def _approval_summary(approval) -> str:
    olr = OverLimitRequest.objects.filter(pk=approval.object_id).only("reason", "reasons").first()
    if olr is None:
        return approval.summary
    return over_limit_summary({"reason": olr.reason, "reasons": olr.reasons})


def submit_over_limit(
    *,
    customer,
    amount,
    kind,
    control_point,
    reference,
    reason,
    decision,
    grade,
    section,
    policy_version,
    by,
    api_key=None,
    request=None,
) -> OverLimitRequest:
    """Open the over-limit request and its approval, inside the caller's transaction: for
    request_over_limit, and for a check the control matrix routes to approval (check_credit)."""
    chain = section.approval_chain(overage=decision.overage_amount, grade=grade, exception=decision.exception)
    reasons = [{"code": r.code, "article": r.article, "params": r.params} for r in decision.reasons]
    olr = OverLimitRequest.objects.create(
        customer=customer,
        amount=amount,
        kind=kind,
        control_point=control_point,
        reference=reference,
        reason=reason,
        limit_amount=decision.limit_amount,
        exposure_amount=decision.exposure_amount,
        overage_amount=decision.overage_amount,
        grade=grade or "",
        reasons=reasons,
        chain=chain,
        requested_by=by,
        api_key_name=actor_name(api_key),
        policy_version=policy_version or 0,
    )
    approval = submit_request(
        kind=OVER_LIMIT_KIND,
        obj=olr,
        chain=chain,
        requested_by=by,
        # Stored for search and as a fallback; shown rendered from kind, customer and amount.
        title=over_limit_title({"kind": kind, "customer": customer.name, "amount": amount}),
        summary=over_limit_summary({"reason": reason, "reasons": reasons}),
        amount=amount,
        data={
            "kind": kind,
            "limit": str(decision.limit_amount) if decision.limit_amount is not None else None,
            "exposure": str(decision.exposure_amount),
            "overage": str(decision.overage_amount),
            "grade": grade or "",
            "reference": reference,
            "codes": decision.codes,
            **({"exception": True} if decision.exception else {}),  # 第三十四条 departure: GM only
        },
        customer=customer,
        request=request,
    )
    olr.approval = approval
    olr.save(update_fields=["approval"])
    record_event(
        "over_limit.request",
        actor=by,
        request=request,
        obj=olr,
        data={
            "amount": str(amount),
            "overage": str(decision.overage_amount),
            "chain": chain,
            "approval": approval.pk,
        },
    )
    return olr
