"""Demo step "grants" (order 35, after the ratings and a year of trade): grants requested and approved
as a user would — request_grant() (the ceiling from the customer's real averages, B with collateral)
and every step of the policy's chain signed through the approval service — for a share of the A and
B customers, and a request or two left with the approvers.

The story is a year long: a grant approved today is dated back to the day the story has it requested
(its request, the steps of its approval trail and its validity move together), so the book holds
grants expiring over the coming months, some already expired (expire_grants), and the monthly
evaluations have grants to evaluate. The audit log keeps the real time the demo was loaded."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xindang.approvals.demo import approve_through, users_by_role
from xindang.approvals.models import ApprovalRequest, ApprovalStep
from xindang.core import dates
from xindang.core.errors import DomainError
from xindang.credit.selectors import current_grades
from xindang.policy.selectors import current_policy

from . import rules, services
from .models import CollateralType, CreditGrant

PENDING = 2
REASONS = {rules.LONG_TERM: "年度授信, 按合同约定长期赊销。", rules.TEMPORARY: "旺季备货, 申请临时赊销。"}


def _grades(customers) -> dict[int, str]:
    return current_grades([c.pk for c in customers])


def seed_grants(ctx) -> str:
    policy = current_policy()
    grades = _grades(ctx.customers)
    approvers = users_by_role(ctx.users)
    requester = ctx.users.get("yingxiao") or ctx.users.get("xinyong")
    granted = pending = refused = 0
    for customer in ctx.customers:
        grade = grades.get(customer.pk)
        if grade not in (rules.A, rules.B) or ctx.rng.random() > 0.6:
            continue
        kind = rules.LONG_TERM if grade == rules.A or ctx.rng.random() < 0.7 else rules.TEMPORARY
        ceiling = services.compute_ceiling(customer=customer, kind=kind, collateral_value=Decimal("1e12"))
        if not ceiling.ceiling.allowed or not ceiling.ceiling.amount:
            continue
        # A round limit below the ceiling (第二十六、二十七条), B secured by a property worth more.
        share = Decimal(ctx.rng.choice(["0.5", "0.6", "0.8"]))
        limit = (ceiling.ceiling.amount * share / 10000).to_integral_value() * 10000
        if limit <= 0:
            continue
        collateral = []
        if grade == rules.B:
            value = limit * Decimal(ctx.rng.choice(["1.2", "1.5", "2"]))
            collateral = [
                {
                    "type": CollateralType.REAL_ESTATE,
                    "description": "厂房抵押(不动产权证)",
                    "value_amount": value,
                }
            ]
        by = customer.owner if customer.owner_id and customer.owner.is_active else requester
        term = ceiling.ceiling.max_term_days or 30
        try:
            with transaction.atomic():
                grant = services.request_grant(
                    customer=customer,
                    by=by,
                    kind=kind,
                    limit_amount=limit,
                    term_days=term,
                    reason=REASONS[kind],
                    collateral=collateral,
                )
        except DomainError:
            refused += 1
            continue
        if pending < PENDING and granted % 25 == 12:  # a couple stay with the approvers
            pending += 1
            continue
        requested_on = ctx.today - timedelta(days=ctx.rng.randint(10, 380))
        try:
            with transaction.atomic():
                approve_through(grant.approval, approvers, comment="同意授信。", acknowledge=True)
                _date_back(grant, requested_on, policy)
        except DomainError:  # e.g. the company-wide cap (第二十四条2①): left with the last approver
            pending += 1
            continue
        granted += 1
    expired = services.expire_grants(on=ctx.today)
    return f"{granted} grants approved ({expired} since expired), {pending} pending, {refused} refused"


def _date_back(grant, requested_on, policy) -> None:
    """Move the grant's request, approval trail and validity to `requested_on` (approved over the
    following days), keeping their order."""

    tz = timezone.get_current_timezone()
    at = timezone.make_aware(datetime.combine(requested_on, time(9, 30)), tz)
    steps = list(ApprovalStep.objects.filter(request_id=grant.approval_id).order_by("position"))
    for i, step in enumerate(steps):
        step.acted_at = at + timedelta(days=i // 2, hours=2 * (i + 1))
    ApprovalStep.objects.bulk_update(steps, ["acted_at"])
    decided = steps[-1].acted_at if steps else at
    ApprovalRequest.objects.filter(pk=grant.approval_id).update(
        requested_at=at, submitted_at=at, decided_at=decided
    )
    valid_from = timezone.localtime(decided).date()
    CreditGrant.objects.filter(pk=grant.pk).update(
        requested_at=at,
        decided_at=decided,
        valid_from=valid_from,
        valid_until=dates.add_months(valid_from, policy.grants.validity_months),
    )
