"""Over-limit approval (超额审批, 002 第三十二条): a blocked amount sent up the policy's tier of approvers;
an approved request lets exactly that amount through once within its validity (used by check_credit)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import rules
from ..models import OverLimitRequest, OverLimitStatus
from ..texts import reasons_out
from .inputs import _actor_name, _amount, _exposure_figures, _read_locked, _validate

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
    第三十二条). The approvers come from the policy's tiers by overage and grade (004 第九条3(3):
    the largest go to the general manager). Refused when the amount passes anyway or when an
    approval could not lift the block (a C customer, a suspended trade)."""
    amount = _amount(amount)
    _validate(kind, control_point)
    if kind not in rules.RAISING_KINDS:
        raise DomainError(
            "over_limit.not_needed", _t("Only shipments and prepayments need over-limit approval.")
        )
    if not getattr(by, "is_authenticated", False):
        raise DomainError(
            "over_limit.requester_required", _t("An over-limit request needs a person who asks.")
        )
    policy = current_policy()
    section = policy.credit_control
    now = timezone.now()
    on = timezone.localdate(now)
    facts, grant, overdue, _shown = _read_locked(customer, on=on, now=now)
    grade, suspended = facts.grade, facts.trade_suspended
    inputs = rules.CheckInputs(
        grade=grade,
        grant=grant,
        exposure=_exposure_figures(facts.exposure),
        amount=amount,
        kind=kind,
        control_point=control_point,
        on=on,
        oldest_overdue=overdue,
        trade_suspended=suspended,
    )
    decision = rules.decide(inputs, section.control_policy())
    if not decision.violations:
        raise DomainError(
            "over_limit.not_needed", _t("This amount is within the limit: no approval is needed.")
        )
    if not decision.approvable:
        raise DomainError(
            "over_limit.not_approvable",
            _t("An over-limit approval cannot lift this block: %(why)s")
            % {
                "why": "; ".join(
                    r["message"]
                    for r in reasons_out(decision.violations)
                    if r["code"] not in rules.APPROVABLE
                )
            },
        )
    return _submit_over_limit(
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
    from decimal import Decimal

    from xindang.core.money import format_yuan

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
    from xindang.approvals import register

    register(
        OVER_LIMIT_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_returned=on_returned,
        on_withdrawn=on_withdrawn,
        on_resubmitted=on_resubmitted,
        label=_("Over-limit approval"),
        describe=describe_approval_data,
    )


def _submit_over_limit(
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
    from xindang.approvals.services import submit_request

    chain = section.approval_chain(overage=decision.overage_amount, grade=grade)
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
        api_key_name=_actor_name(by, api_key),
        policy_version=policy_version or 0,
    )
    summary = "\n".join(r["message"] for r in reasons_out(reasons))
    if reason:
        summary = f"{reason}\n{summary}"
    approval = submit_request(
        kind=OVER_LIMIT_KIND,
        obj=olr,
        chain=chain,
        requested_by=by,
        title=_t("Over-limit %(kind)s for %(customer)s: %(amount)s")
        % {"kind": olr.get_kind_display(), "customer": customer.name, "amount": amount},
        summary=summary,
        amount=amount,
        data={
            "limit": str(decision.limit_amount) if decision.limit_amount is not None else None,
            "exposure": str(decision.exposure_amount),
            "overage": str(decision.overage_amount),
            "grade": grade or "",
            "reference": reference,
            "codes": decision.codes,
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
