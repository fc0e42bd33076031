"""Every write to a credit grant: request (ceiling checked before any approver sees it), the approval
callbacks (company-wide cap, activation, replacement), expiry. Atomic and audited."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindang.approvals import register
from xindang.approvals.services import submit_request
from xindang.audit.services import record_event
from xindang.core import dates
from xindang.core.errors import DomainError
from xindang.core.money import format_yuan
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from . import rules, selectors
from .errors import GrantError
from .models import BacktestRun, Collateral, CreditGrant, GrantKind, GrantStatus, Guarantee, ReductionStep
from .texts import reason_text, reasons_text, schedule_text

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
    *, customer, kind: str, collateral_value=ZERO, on: date | None = None, policy=None, replaces=None
) -> CeilingContext:
    """The ceiling of a grant of `kind` for `customer` now: grade from the current rating (credit),
    credit history and averages from the ledger facts over the policy window, the collateral given,
    and the grant in force (a lower existing limit stays the ceiling)."""
    on = on or timezone.localdate()
    policy = policy or current_policy()
    section = policy.grants
    rating = selectors.current_rating(customer)
    scheme = _scheme(rating, policy)
    grade = getattr(rating, "grade", "") or ""
    facts = selectors.ledger_facts(customer.pk, on=on, window_months=section.window_months)
    existing = replaces if replaces is not None else selectors.active_grant(customer, on)
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


@transaction.atomic
def expire_grants(*, on: date | None = None, by=None) -> int:
    """Mark active grants past valid_until as expired (idempotent; `manage.py expire_grants`)."""
    on = on or timezone.localdate()
    grants = list(
        CreditGrant.objects.select_for_update()
        .filter(status=GrantStatus.ACTIVE, valid_until__lt=on)
        .order_by("pk")
    )
    for grant in grants:
        grant.status = GrantStatus.EXPIRED
        grant._history_user = by
        grant.save(update_fields=["status"])
        record_event("grant.expire", actor=by, obj=grant, data={"valid_until": grant.valid_until.isoformat()})
    return len(grants)


def record_notice_download(*, grant, by, request=None) -> None:
    record_event("grant.notice", actor=by, request=request, obj=grant, data={"customer": grant.customer_id})


def grant_url(grant) -> str:
    return reverse("grants:detail", args=[grant.pk])


@transaction.atomic
def record_backtest(*, result, draft, by=None, request=None):
    """A completed back-test of `draft` (its summary), kept so the draft can be put in force; audited."""

    run = BacktestRun.objects.create(
        version=draft,
        draft_updated_at=draft.updated_at,
        in_force_number=result.in_force_number,
        on=result.on,
        customers=result.customers,
        grade_changed=result.grade_changed,
        below_limit=result.below_limit,
        blocked=result.blocked,
        newly_blocked=result.newly_blocked,
        ceiling_raised=result.ceiling_raised,
        ceiling_lowered=result.ceiling_lowered,
        seconds=Decimal(str(round(result.seconds, 2))),
        computed_at=result.computed_at or timezone.now(),
        computed_by=by,
    )
    record_event(
        "grant.backtest",
        actor=by,
        request=request,
        obj=draft,
        data={
            "run": run.pk,
            "customers": result.customers,
            "grade_changed": result.grade_changed,
            "below_limit": result.below_limit,
            "blocked": result.blocked,
            "newly_blocked": result.newly_blocked,
            "ceiling_raised": result.ceiling_raised,
            "ceiling_lowered": result.ceiling_lowered,
            "seconds": round(result.seconds, 2),
        },
    )
    return run
