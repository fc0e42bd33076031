"""What the approval of a grant request decides: the company-wide cap checked on approval (002
第二十四条2①), activation and replacement, rejection and withdrawal — the approval callbacks."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindang.approvals import register
from xindang.audit.services import record_event
from xindang.core import dates
from xindang.core.errors import DomainError
from xindang.core.money import format_yuan
from xindang.policy.selectors import current_policy

from .. import rules, selectors
from ..errors import GrantError
from ..models import CreditGrant, GrantKind, GrantStatus, ReductionStep
from .requests import APPROVAL_KIND


def _grant_of(approval) -> CreditGrant:
    return CreditGrant.objects.select_for_update().get(pk=int(approval.object_id))


def _decider(approval):
    step = (
        approval.steps.filter(acted_by__isnull=False)
        .order_by("-acted_at", "-pk")
        .select_related("acted_by")
        .first()
    )
    return step.acted_by if step else None


def company_cap_reference_on(policy, today: date) -> date:
    return rules.company_cap_reference_on(today, policy.grants.company_cap_reference_on)


def check_company_cap(grant: CreditGrant, *, policy, today: date) -> rules.CapCheck | None:
    """第二十四条2①, on approval: the total of active limits incl. this one minus the one it replaces."""
    if not policy.grants.company_cap_enabled:
        return None
    on = company_cap_reference_on(policy, today)
    replaced = (
        grant.replaces.limit_amount
        if grant.replaces_id and grant.replaces.status == GrantStatus.ACTIVE
        else 0
    )
    check = rules.company_cap_check(
        selectors.total_active_limits(today, exclude_pk=grant.pk),
        grant.limit_amount,
        replaced,
        selectors.receivables_balance(on),
    )
    if not check.ok:
        raise DomainError(
            GrantError.COMPANY_CAP,
            total=format_yuan(check.total_after),
            cap=format_yuan(check.cap),
            excess=format_yuan(check.excess),
            on=on.isoformat(),
        )
    return check


def _activate(approval) -> CreditGrant:
    grant = _grant_of(approval)
    if grant.status != GrantStatus.PENDING:
        raise DomainError(GrantError.NOT_PENDING)
    # Serialise activations company-wide (the cap is a read-decide-write over every active grant).
    from xindang.core import numbering

    numbering.allocate("grants.activation")
    policy = current_policy()
    today = timezone.localdate()
    check = check_company_cap(grant, policy=policy, today=today)
    for old in (
        CreditGrant.objects.select_for_update()
        .filter(customer_id=grant.customer_id, status=GrantStatus.ACTIVE)
        .exclude(pk=grant.pk)
    ):
        old.status = GrantStatus.REPLACED
        old._history_user = _decider(approval)
        old.save(update_fields=["status"])
    grant.status = GrantStatus.ACTIVE
    grant.valid_from = today
    grant.valid_until = dates.add_months(today, policy.grants.validity_months)
    grant.decided_at = timezone.now()
    grant._history_user = _decider(approval)
    grant.save(update_fields=["status", "valid_from", "valid_until", "decided_at"])
    steps = list(grant.reduction_steps.all())
    for step in steps:
        step.from_on = dates.add_months(today, step.months)
    ReductionStep.objects.bulk_update(steps, ["from_on"])
    record_event(
        "grant.activate",
        actor=_decider(approval),
        obj=grant,
        data={
            "approval": approval.pk,
            "limit_amount": str(grant.limit_amount),
            "valid_until": grant.valid_until.isoformat(),
            "replaces": grant.replaces_id,
            "company_total": str(check.total_after) if check else None,
            "company_cap": str(check.cap) if check else None,
            "policy_version": policy.version,
        },
    )
    return grant


def _close(approval, status: str, action: str) -> None:
    grant = _grant_of(approval)
    if grant.status != GrantStatus.PENDING:
        return
    grant.status = status
    grant.decided_at = timezone.now()
    grant._history_user = _decider(approval)
    grant.save(update_fields=["status", "decided_at"])
    record_event(action, actor=_decider(approval), obj=grant, data={"approval": approval.pk})


def on_approved(approval) -> None:
    _activate(approval)


def on_rejected(approval) -> None:
    _close(approval, GrantStatus.REJECTED, "grant.reject")


def on_withdrawn(approval) -> None:
    _close(approval, GrantStatus.WITHDRAWN, "grant.withdraw")


def on_resubmitted(approval) -> None:
    """A returned request comes back: the limit the ceiling was checked against may not change."""
    grant = _grant_of(approval)
    if approval.amount is not None and approval.amount != grant.limit_amount:
        raise DomainError(GrantError.AMOUNT_CHANGED_ON_RESUBMIT)


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    """A grant request's recorded data as the approver reads it (labels in their language, amounts
    formatted), for the approval page; internal ids are left out (the page links the grant)."""
    items: list[tuple[str, str]] = []
    if data.get("kind") in GrantKind.values:
        items.append((_("Kind"), str(GrantKind(data["kind"]).label)))
    if data.get("limit_amount") is not None:
        items.append((_("Requested limit"), format_yuan(Decimal(str(data["limit_amount"])))))
    if data.get("term_days") is not None:
        items.append((_("Term"), _("%(days)s days") % {"days": data["term_days"]}))
    if data.get("ceiling_amount") is not None:
        items.append((_("Ceiling by the rules"), format_yuan(Decimal(str(data["ceiling_amount"])))))
    if data.get("grade"):
        items.append((_("Grade"), str(data["grade"])))
    return items


def register_approval_kind() -> None:
    register(
        APPROVAL_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_withdrawn=on_withdrawn,
        on_resubmitted=on_resubmitted,
        label=gettext_lazy("Credit grant"),
        describe=describe_approval_data,
    )
