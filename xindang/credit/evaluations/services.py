"""Writing grant evaluations (seed 002 第三十七–四十二条): the monthly generation, the finance credit
controller's signature, the salesperson's report and the marketing manager's review (with an optional
adjustment proposal into the grant approval chain). Every write is audited in its transaction.
Callers check the capability (permissions.EvaluationPermission); the object rules are enforced here."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xindang.accounts.roles import Role
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.numbering import allocate
from xindang.credit.grants import services as grants
from xindang.credit.grants.selectors import active_grant
from xindang.policy.selectors import current_policy

from . import rules, selectors
from .errors import EvaluationError
from .models import GrantEvaluation


@dataclass(frozen=True)
class GenerationResult:
    created: int
    existing: int
    refreshed: int

    def __iter__(self):  # `created, existing = generate_month(...)`
        return iter((self.created, self.existing))


def _status(ev: GrantEvaluation) -> str:
    return rules.status_of(
        signed=ev.is_signed, reported=ev.is_reported, reviewed=ev.is_reviewed, vp=ev.has_vp_opinion
    )


@transaction.atomic
def generate_month(month: date, *, by=None, request=None) -> GenerationResult:
    """One evaluation for every grant in force on any day of `month` (第三十七–三十八条), idempotent:
    a grant that has its evaluation keeps it (unique grant+month); figures not yet signed by the finance
    credit controller are recomputed; signed ones are the record and stay. Audited once for the run."""
    month = rules.month_start(month)
    # One run per month at a time: the counter row of the month is locked until this transaction
    # ends, so a second run waits and then finds the evaluations the first one made.
    run_no = allocate(f"evaluations.generate.{month:%Y-%m}")
    periods = selectors.grants_in_month(month)
    figures_by_customer = selectors.month_ledger_figures([p.grant.customer_id for p in periods], month)
    existing = {
        ev.grant_id: ev
        for ev in GrantEvaluation.objects.select_for_update().filter(month=month).order_by("pk")
    }
    now = timezone.now()
    policy_version = current_policy().version
    new, refreshed = [], []
    for period in periods:
        grant = period.grant
        figures = selectors.evaluation_figures(
            period, figures_by_customer.get(grant.customer_id) or selectors.CustomerMonth(), month
        )
        ev = existing.get(grant.pk)
        if ev is None:
            new.append(
                GrantEvaluation(
                    grant=grant,
                    customer_id=grant.customer_id,
                    month=month,
                    salesperson_id=grant.customer.owner_id,
                    figures_at=now,
                    policy_version=policy_version,
                    **figures,
                )
            )
        elif rules.figures_may_change(signed=ev.is_signed):
            changed = [name for name, value in figures.items() if getattr(ev, name) != value]
            if changed:
                for name in changed:
                    setattr(ev, name, figures[name])
                ev.figures_at = now
                ev.policy_version = policy_version
                ev.save(update_fields=[*changed, "figures_at", "policy_version"])
                refreshed.append(ev)
    GrantEvaluation.objects.bulk_create(new, batch_size=500)
    result = GenerationResult(created=len(new), existing=len(existing), refreshed=len(refreshed))
    record_event(
        "evaluation.generate",
        actor=by,
        request=request,
        object_type="evaluations.grantevaluation",
        object_id=f"{month:%Y-%m}",
        object_repr=f"{month:%Y-%m}",
        data={
            "month": f"{month:%Y-%m}",
            "created": result.created,
            "existing": result.existing,
            "refreshed": result.refreshed,
            "run": run_no,
        },
    )
    return result


def _locked(evaluation) -> GrantEvaluation:
    pk = getattr(evaluation, "pk", evaluation)
    return GrantEvaluation.objects.select_for_update().get(pk=pk)


def _check_step(ev: GrantEvaluation, step: str) -> None:
    problem = rules.step_problem(
        step, signed=ev.is_signed, reported=ev.is_reported, reviewed=ev.is_reviewed, vp=ev.has_vp_opinion
    )
    if problem:
        raise DomainError(EvaluationError(problem))


@transaction.atomic
def refresh_figures(*, evaluation, by, request=None) -> GrantEvaluation:
    """Recompute one evaluation's figures from the ledger (until the controller signs them)."""
    ev = _locked(evaluation)
    if not rules.figures_may_change(signed=ev.is_signed):
        raise DomainError(EvaluationError.ALREADY_SIGNED)
    periods = [p for p in selectors.grants_in_month(ev.month) if p.grant.pk == ev.grant_id]
    # A grant withdrawn from the month afterwards keeps its last known period.
    period = periods[0] if periods else selectors.GrantPeriod(ev.grant, ev.grant_from, ev.grant_until)
    cm = (
        selectors.month_ledger_figures([ev.customer_id], ev.month).get(ev.customer_id)
        or selectors.CustomerMonth()
    )
    figures = selectors.evaluation_figures(period, cm, ev.month)
    for name, value in figures.items():
        setattr(ev, name, value)
    ev.figures_at = timezone.now()
    ev._history_user = by
    ev.save()
    record_event("evaluation.refresh", actor=by, request=request, obj=ev, data={"month": f"{ev.month:%Y-%m}"})
    return ev


@transaction.atomic
def sign_figures(*, evaluation, by, remarks: str = "", request=None) -> GrantEvaluation:
    """The finance credit controller completes the form with remarks and signs the figures (第四十条:
    财务部门对财务数据的真实性负责); from then on the figures no longer change."""
    ev = _locked(evaluation)
    _check_step(ev, rules.SIGN)
    ev.controller_remarks = (remarks or "").strip()
    ev.controller_signed_by = by
    ev.controller_signed_at = timezone.now()
    ev.status = _status(ev)
    ev._history_user = by
    ev.save()
    record_event(
        "evaluation.sign",
        actor=by,
        request=request,
        obj=ev,
        data={
            "month": f"{ev.month:%Y-%m}",
            "peak_exposure_amount": ev.peak_exposure_amount,
            "end_exposure_amount": ev.end_exposure_amount,
            "overdue_amount": ev.overdue_amount,
        },
    )
    return ev


@transaction.atomic
def submit_report(
    *, evaluation, by, operations_report: str, payment_outlook: str = "", confirmed: bool, request=None
) -> GrantEvaluation:
    """The business supervisor's written report on the customer's operations, signed as true (第三十九条:
    业务主管……对汇报的真实性负全部责任). By the policy's reading of 业务主管 the manager of the
    customer's department writes it (or, as a departure, the salesperson responsible for the file)."""
    ev = _locked(evaluation)
    _check_step(ev, rules.REPORT)
    if not may_report(by, ev):
        _refuse_reporter(ev)
    operations_report = (operations_report or "").strip()
    if not operations_report:
        raise DomainError(EvaluationError.TEXT_REQUIRED, field="operations_report")
    if not confirmed:
        raise DomainError(EvaluationError.NOT_CONFIRMED, field="confirmed")
    ev.operations_report = operations_report
    ev.payment_outlook = (payment_outlook or "").strip()
    ev.reported_by = by
    ev.reported_at = timezone.now()
    ev.status = _status(ev)
    ev._history_user = by
    ev.save()
    record_event("evaluation.report", actor=by, request=request, obj=ev, data={"month": f"{ev.month:%Y-%m}"})
    return ev


def may_report(user, evaluation, *, reporter: str | None = None) -> bool:
    """Whether `user` writes the report (第三十九条 业务主管), by the policy's reading: a department
    manager of the customer's department; or (departure) the salesperson responsible for the file —
    the owner when the evaluation was generated, or the file's owner now if it was handed over."""

    reporter = reporter or current_policy().evaluations.reporter
    if reporter == rules.SALESPERSON:
        return user.pk in (evaluation.salesperson_id, evaluation.customer.owner_id)
    return (
        user.department_id is not None
        and user.department_id == evaluation.customer.department_id
        and user.groups.filter(name=Role.DEPARTMENT_MANAGER).exists()
    )


def _refuse_reporter(ev: GrantEvaluation):
    users = get_user_model().objects.filter(is_active=True)
    if current_policy().evaluations.reporter == rules.SALESPERSON:
        who = users.filter(pk=ev.customer.owner_id).first()
        name = (who.get_full_name() or who.get_username()) if who else "—"
        raise DomainError(EvaluationError.NOT_SALESPERSON, user=name)
    managers = users.filter(department_id=ev.customer.department_id, groups__name=Role.DEPARTMENT_MANAGER)
    names = "、".join(u.get_full_name() or u.get_username() for u in managers.order_by("username")) or "—"
    raise DomainError(EvaluationError.NOT_SUPERVISOR, user=names)


def reviewer_problem(user, evaluation) -> str | None:
    """None if `user` may review this evaluation: a marketing manager any; a department manager only
    the department's customers (第四十一条); never the person who wrote the report."""

    if evaluation.reported_by_id == user.pk:
        return EvaluationError.OWN_REPORT.value
    if user.is_superuser or user.groups.filter(name=Role.MARKETING_MANAGER).exists():
        return None
    if user.department_id and user.department_id == evaluation.customer.department_id:
        return None
    return EvaluationError.NOT_REVIEWER.value


def _copy_security(grant):
    collateral = [
        {
            "type": c.type,
            "description": c.description,
            "value_amount": c.value_amount,
            "documents": list(c.documents.all()),
        }
        for c in grant.collaterals.all()
    ]
    guarantees = [
        {
            "guarantor_name": g.guarantor_name,
            "credit_code": g.credit_code,
            "amount": g.amount,
            "document": g.document,
        }
        for g in grant.guarantees.all()
    ]
    return collateral, guarantees


@transaction.atomic
def review_evaluation(
    *,
    evaluation,
    by,
    opinion: str,
    proposed_limit_amount: Decimal | None = None,
    proposal_reason: str = "",
    request=None,
) -> GrantEvaluation:
    """The marketing manager's written opinion on the report and the figures (第四十一条), with an
    optional adjustment of the limit: a grant request replacing the grant in force, into the grant
    approval chain (request_grant); an increase carries the 第四十二条 warning the approvers acknowledge."""

    ev = _locked(evaluation)
    _check_step(ev, rules.REVIEW)
    problem = reviewer_problem(by, ev)
    if problem:
        raise DomainError(EvaluationError(problem))
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(EvaluationError.TEXT_REQUIRED, field="opinion")
    proposal_reason = (proposal_reason or "").strip()
    proposed = Decimal(proposed_limit_amount) if proposed_limit_amount not in (None, "") else None
    in_force = None
    if proposed is not None:
        in_force = active_grant(ev.customer_id)
        if in_force is None:
            raise DomainError(EvaluationError.GRANT_NOT_ACTIVE, field="proposed_limit_amount")
        problem = rules.adjustment_problem(
            current_limit=in_force.limit_amount, proposed_limit=proposed, reason=proposal_reason
        )
        if problem:
            field = (
                "proposal_reason" if problem == EvaluationError.REASON_REQUIRED else "proposed_limit_amount"
            )
            raise DomainError(EvaluationError(problem), field=field)
    ev.review_opinion = opinion
    ev.reviewed_by = by
    ev.reviewed_at = timezone.now()
    ev.proposed_limit_amount = proposed
    ev.proposal_reason = proposal_reason if proposed is not None else ""
    if proposed is not None:
        collateral, guarantees = _copy_security(in_force)
        ev.proposed_grant = grants.request_grant(
            customer=ev.customer,
            by=by,
            kind=in_force.kind,
            limit_amount=proposed,
            term_days=in_force.term_days,
            reason=proposal_reason,
            collateral=collateral,
            guarantees=guarantees,
            replaces=in_force,
            request=request,
        )
    ev.status = _status(ev)
    ev._history_user = by
    ev.save()
    record_event(
        "evaluation.review",
        actor=by,
        request=request,
        obj=ev,
        data={
            "month": f"{ev.month:%Y-%m}",
            "proposed_limit_amount": proposed,
            "current_limit_amount": in_force.limit_amount if in_force else None,
            "warnings": rules.adjustment_warnings(
                current_limit=in_force.limit_amount, proposed_limit=proposed
            )
            if in_force
            else [],
            "proposed_grant": ev.proposed_grant_id,
        },
    )
    return ev


@transaction.atomic
def give_vp_opinion(*, evaluation, by, opinion: str, request=None) -> GrantEvaluation:
    """The VP marketing's opinion on the reviewed evaluation (第四十一条: 营销部经理……签署书面评价意见,
    上报营销主管副总), signed once; not by the manager who signed the review. Caller checks the
    capability (EvaluationPermission.VP_OPINION)."""
    ev = _locked(evaluation)
    _check_step(ev, rules.VP)
    if ev.reviewed_by_id == by.pk:
        raise DomainError(EvaluationError.OWN_REPORT)
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(EvaluationError.TEXT_REQUIRED, field="opinion")
    ev.vp_opinion = opinion
    ev.vp_signed_by = by
    ev.vp_signed_at = timezone.now()
    ev.status = _status(ev)
    ev._history_user = by
    ev.save()
    record_event(
        "evaluation.vp_opinion", actor=by, request=request, obj=ev, data={"month": f"{ev.month:%Y-%m}"}
    )
    return ev


def record_view(*, evaluation, by, request=None, fmt: str = "screen") -> None:
    record_event("evaluation.view", actor=by, request=request, obj=evaluation, data={"format": fmt})


def record_export(*, by, request=None, filters: dict, count: int) -> None:
    record_event(
        "evaluation.export",
        actor=by,
        request=request,
        object_type="evaluations.grantevaluation",
        data={"filters": filters, "count": count},
    )
