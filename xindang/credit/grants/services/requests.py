"""Requesting a credit grant: the ceiling by the rules (seed 002 第二十四–二十七条), checked before any
approver sees the request, the reduction schedule, and the request sent into its approval chain."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.approvals.services import submit_request
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.money import format_yuan
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from .. import rules, selectors
from ..errors import GrantError
from ..known import KnownCredit
from ..models import Collateral, CreditGrant, GrantStatus, Guarantee, ReductionStep
from ..texts import reason_text, reasons_text, schedule_text

APPROVAL_KIND = "credit.grant"
ZERO = Decimal("0")


@dataclass
class CeilingContext:
    """The ceiling for one customer and kind, with what it was computed from."""

    ceiling: rules.Ceiling
    rating: object
    grade: str
    scheme: str
    facts: dict = field(default_factory=dict)
    existing: CreditGrant | None = None


def _scheme(rating, policy) -> str:
    scheme = (
        getattr(rating, "scheme", "") or getattr(getattr(policy, "credit", None), "scheme", "") or rules.ABC
    )
    return rules.JYB if scheme == rules.JYB else rules.ABC


def compute_ceiling(
    *,
    customer,
    kind: str,
    collateral_value=ZERO,
    on: date | None = None,
    policy=None,
    replaces=None,
    known: KnownCredit | None = None,
) -> CeilingContext:
    """The ceiling of a grant of `kind` for `customer` now: grade from the current rating (credit),
    credit history and averages from the ledger facts over the policy window, the collateral given,
    and the grant in force (a lower existing limit stays the ceiling). `known`: what the page already
    read of the customer today (rating, grant in force, ledger facts), not asked again."""
    on = on or timezone.localdate()
    policy = policy or current_policy()
    section = policy.grants
    known = known if known is not None and known.on == on else KnownCredit(customer, on)
    rating = known.rating
    scheme = _scheme(rating, policy)
    grade = getattr(rating, "grade", "") or ""
    facts = known.facts(section.window_months)
    existing = replaces if replaces is not None else known.in_force
    ceiling = rules.grant_ceiling(
        grade or None,
        scheme,
        kind,
        facts.has_credit_history,
        facts.avg_monthly_shipments,
        facts.avg_monthly_collections,
        Decimal(collateral_value or 0),
        existing.limit_amount if existing else None,
        section,
    )
    used = {
        "on": on.isoformat(),
        "window_months": section.window_months,
        "has_credit_history": facts.has_credit_history,
        "avg_monthly_shipments": str(facts.avg_monthly_shipments),
        "avg_monthly_collections": str(facts.avg_monthly_collections),
        "collateral_value": str(Decimal(collateral_value or 0)),
        "existing_limit": str(existing.limit_amount) if existing else None,
    }
    return CeilingContext(ceiling, rating, grade, scheme, used, existing)


def _check_request(ctx: CeilingContext, *, limit_amount: Decimal, term_days: int) -> None:
    ceiling = ctx.ceiling
    if not ceiling.allowed:
        codes = {r.code for r in ceiling.reasons}
        if rules.NO_RATING in codes:
            raise DomainError(GrantError.NO_RATING)
        if rules.C_NO_CREDIT in codes:
            raise DomainError(GrantError.NO_CREDIT_FOR_C)
        raise DomainError(GrantError.NOT_ALLOWED, reasons=reasons_text(ceiling.reasons))
    for problem in ceiling.problems(limit_amount, term_days):
        if problem == "over_ceiling":
            raise DomainError(
                GrantError.OVER_CEILING,
                field="limit_amount",
                limit=f"{limit_amount:,.2f}",
                ceiling=f"{ceiling.amount:,.2f}",
                reasons=reasons_text(ceiling.reasons),
            )
        if problem == "term_too_long":
            raise DomainError(
                GrantError.TERM_TOO_LONG, field="term_days", term=term_days, max=ceiling.max_term_days
            )


def _documents_of(customer, documents) -> list:
    docs = [d for d in documents or () if d is not None]
    if any(getattr(d, "customer_id", None) != customer.pk for d in docs):
        raise DomainError(GrantError.DOCUMENT_OTHER_CUSTOMER)
    return docs


@transaction.atomic
def request_grant(
    *,
    customer,
    by,
    kind: str,
    limit_amount,
    term_days: int,
    reason: str = "",
    collateral=(),
    guarantees=(),
    replaces=None,
    request=None,
) -> CreditGrant:
    """A grant request: refused here (DomainError) when the rules allow nothing or the request is
    above the ceiling; otherwise stored as pending and sent to the policy's approval chain. It
    replaces the grant in force (第四十二条: an increase is a warning the approvers acknowledge, and
    needs a reason). `collateral`: dicts (type, description, value_amount, documents);
    `guarantees`: dicts (guarantor_name, credit_code, amount, document)."""

    customer = Customer.objects.select_for_update().get(pk=customer.pk)  # one request at a time per file
    limit_amount = Decimal(limit_amount)
    term_days = int(term_days)
    reason = (reason or "").strip()
    if kind not in rules.KINDS:
        raise DomainError(GrantError.INVALID, field="kind")
    if limit_amount < 0:
        raise DomainError(GrantError.NEGATIVE, field="limit_amount")
    if term_days < 1:
        raise DomainError(GrantError.TERM_REQUIRED, field="term_days")
    if selectors.pending_grant(customer) is not None:
        raise DomainError(GrantError.PENDING_EXISTS)
    today = timezone.localdate()
    in_force = selectors.active_grant(customer, today)
    if replaces is not None and (in_force is None or replaces.pk != in_force.pk):
        raise DomainError(GrantError.BAD_REPLACES)
    replaces = in_force
    collateral = [dict(c) for c in collateral or ()]
    guarantees = [dict(g) for g in guarantees or ()]
    for item in collateral:
        item["documents"] = _documents_of(customer, item.get("documents"))
        if Decimal(item.get("value_amount") or 0) < 0:
            raise DomainError(GrantError.NEGATIVE, field="collateral")
    for item in guarantees:
        _documents_of(customer, [item.get("document")])
    collateral_value = sum((Decimal(c.get("value_amount") or 0) for c in collateral), ZERO)

    policy = current_policy()
    ctx = compute_ceiling(
        customer=customer,
        kind=kind,
        collateral_value=collateral_value,
        on=today,
        policy=policy,
        replaces=replaces,
    )
    _check_request(ctx, limit_amount=limit_amount, term_days=term_days)
    plan = reduction_plan(ctx, limit_amount=limit_amount, section=policy.grants, customer=customer)
    warnings = rules.adjustment_warnings(replaces.limit_amount if replaces else None, limit_amount)
    if warnings and not reason:
        raise DomainError(GrantError.REASON_REQUIRED, field="reason")
    # 第三十三条: a limit below what is owed puts the customer on the reduction list at once.
    below = rules.below_exposure_warnings(limit_amount, selectors.committed_amount(customer))

    grant = CreditGrant(
        customer=customer,
        kind=kind,
        limit_amount=limit_amount,
        term_days=term_days,
        reason=reason,
        status=GrantStatus.PENDING,
        rating=ctx.rating if getattr(ctx.rating, "pk", None) else None,
        grade=ctx.grade,
        scheme=ctx.scheme,
        policy_version=policy.version,
        policy_version_ref_id=policy.version_id,
        ceiling_amount=ctx.ceiling.amount,
        ceiling_reasons=ctx.ceiling.reasons_json(),
        facts=ctx.facts,
        replaces=replaces,
        requested_by=by,
    )
    grant._history_user = by
    grant.save()
    ReductionStep.objects.bulk_create(
        [ReductionStep(grant=grant, months=step.months, limit_amount=step.limit_amount) for step in plan]
    )
    for item in collateral:
        row = Collateral.objects.create(
            grant=grant,
            type=item["type"],
            description=item.get("description", ""),
            value_amount=Decimal(item.get("value_amount") or 0),
        )
        if item["documents"]:
            row.documents.set(item["documents"])
    for item in guarantees:
        Guarantee.objects.create(
            grant=grant,
            guarantor_name=item["guarantor_name"],
            credit_code=item.get("credit_code", "") or "",
            amount=Decimal(item.get("amount") or 0),
            document=item.get("document"),
        )

    chain = _requester_proposes(
        rules.grant_chain(ctx.grade, kind, limit_amount, policy.grants, scheme=ctx.scheme), by
    )
    approval = submit_request(
        kind=APPROVAL_KIND,
        obj=grant,
        chain=chain,
        requested_by=by,
        title=_("Credit grant: %(customer)s, %(kind)s %(limit)s")
        % {"customer": customer.name, "kind": grant.get_kind_display(), "limit": format_yuan(limit_amount)},
        summary="\n".join(
            [
                _("Grade %(grade)s; ceiling %(ceiling)s; term %(term)s days.")
                % {"grade": ctx.grade, "ceiling": format_yuan(ctx.ceiling.amount), "term": term_days},
                *(reason_text(r) for r in ctx.ceiling.reasons),
                *(reason_text(w) for w in below),
                schedule_text(plan),
                reason,
            ]
        ).strip(),
        amount=limit_amount,
        data={
            "grant": grant.pk,
            "kind": kind,
            "limit_amount": str(limit_amount),
            "term_days": term_days,
            "ceiling_amount": str(ctx.ceiling.amount),
            "grade": ctx.grade,
            "replaces": replaces.pk if replaces else None,
            "reduction": [_step_json(step) for step in plan],
        },
        warnings=[reason_text(w) for w in [*warnings, *below]],
        customer=customer,
        request=request,
    )
    # Linking the approval is not a change of the grant a reader needs twice in its history: one
    # "awaiting approval" row, written above with its requester.
    CreditGrant.objects.filter(pk=grant.pk).update(approval=approval)
    grant.approval = approval
    record_event(
        "grant.request",
        actor=by,
        request=request,
        obj=grant,
        data={
            "customer": customer.pk,
            "kind": kind,
            "limit_amount": str(limit_amount),
            "term_days": term_days,
            "ceiling_amount": str(ctx.ceiling.amount),
            "grade": ctx.grade,
            "replaces": replaces.pk if replaces else None,
            "chain": chain,
            "reduction": [_step_json(step) for step in plan],
            "policy_version": policy.version,
        },
    )
    return grant


def _step_json(step: rules.ReductionStep) -> dict:
    return {"months": step.months, "limit_amount": str(step.limit_amount)}


def reduction_plan(ctx: CeilingContext, *, limit_amount, section, customer) -> list[rules.ReductionStep]:
    """第二十六条2 / 第二十七条 并应逐步减少: where the customer's existing limit (without one, its
    exposure) stands above what the rules now allow, the grant steps down to `limit_amount` on the
    policy's schedule; otherwise (or with 0 months) the new limit applies at once."""
    existing = ctx.existing.limit_amount if ctx.existing else None
    start = rules.reduction_start(existing, selectors.exposure_amount(customer) if existing is None else None)
    ceiling = ctx.ceiling.amount
    if start is None or ceiling is None or start <= ceiling:
        return []
    return rules.reduction_schedule(start, limit_amount, section.reduction_steps, section.reduction_months)


def _requester_proposes(chain: list[str], by) -> list[str]:
    """第二十七条 由营销部经理上报: when the requester holds the role of the chain's first step(s), their
    request is that proposal — those steps are dropped (nobody approves their own request)."""
    roles = set(by.groups.values_list("name", flat=True))
    while len(chain) > 1 and chain[0] in roles:
        chain = chain[1:]
    return chain
