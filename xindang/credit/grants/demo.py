"""Demo step "grants" (order 20, after the ratings): grants in force for a share of the A and B
customers (B with collateral), and a pending request or two waiting for the approvers.

The ledger is seeded after this step (order 30), so the ceilings cannot be computed from trade yet:
the grants in force are written in bulk as if approved earlier, and the pending requests are sent
to the approval engine directly with the policy's chain."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from xindang.policy.selectors import current_policy

from . import rules
from .models import Collateral, CollateralType, CreditGrant, GrantStatus


def _grades(customers) -> dict[int, str]:
    from xindang.credit.selectors import current_grades

    return current_grades([c.pk for c in customers])


def seed_grants(ctx) -> str:
    policy = current_policy()
    grades = _grades(ctx.customers)
    requester = ctx.users.get("yingxiao") or ctx.users.get("xinyong")
    rows, collateral, pending = [], [], []
    for customer in ctx.customers:
        grade = grades.get(customer.pk)
        if grade not in (rules.A, rules.B) or ctx.rng.random() > 0.6:
            continue
        if len(pending) < 2 and ctx.rng.random() < 0.05:
            pending.append((customer, grade))
            continue
        limit = Decimal(ctx.rng.choice([5, 8, 10, 15, 20, 30, 50, 80])) * 10000
        kind = rules.LONG_TERM if grade == rules.A or ctx.rng.random() < 0.7 else rules.TEMPORARY
        term = 30 if kind == rules.LONG_TERM else (15 if grade == rules.B else 30)
        valid_from = ctx.today - timedelta(days=ctx.rng.randint(10, 380))
        valid_until = rules.add_months(valid_from, policy.grants.validity_months)
        grant = CreditGrant(
            customer=customer,
            kind=kind,
            limit_amount=limit,
            term_days=term,
            reason="年度授信" if kind == rules.LONG_TERM else "临时赊销",
            status=GrantStatus.ACTIVE if valid_until >= ctx.today else GrantStatus.EXPIRED,
            valid_from=valid_from,
            valid_until=valid_until,
            grade=grade,
            policy_version=policy.version,
            policy_version_ref_id=policy.version_id,
            ceiling_amount=limit,
            requested_by=requester,
            decided_at=timezone.now(),
        )
        rows.append(grant)
        if grade == rules.B:
            collateral.append((len(rows) - 1, limit * Decimal(ctx.rng.choice(["1.2", "1.5", "2"]))))
    with transaction.atomic():
        rows = bulk_create_with_history(rows, CreditGrant, batch_size=500, default_user=requester)
        Collateral.objects.bulk_create(
            [
                Collateral(
                    grant=rows[index],
                    type=CollateralType.REAL_ESTATE,
                    description="厂房抵押(不动产权证)",
                    value_amount=value,
                )
                for index, value in collateral
            ]
        )
        submitted = _pending_requests(pending, requester, policy)
    return f"{len(rows)} grants ({len(collateral)} with collateral), {submitted} pending"


def _pending_requests(pending, requester, policy) -> int:
    from xindang.approvals.services import submit_request

    count = 0
    for customer, grade in pending:
        limit = Decimal(100000)
        grant = CreditGrant.objects.create(
            customer=customer,
            kind=rules.LONG_TERM,
            limit_amount=limit,
            term_days=30,
            reason="新签年度合同, 申请长期赊销额度",
            status=GrantStatus.PENDING,
            grade=grade,
            policy_version=policy.version,
            policy_version_ref_id=policy.version_id,
            requested_by=customer.owner or requester,
        )
        if grade == rules.B:
            Collateral.objects.create(
                grant=grant, type=CollateralType.REAL_ESTATE, description="厂房抵押", value_amount=limit * 2
            )
        grant.approval = submit_request(
            kind="credit.grant",
            obj=grant,
            chain=rules.grant_chain(grade, rules.LONG_TERM, limit, policy.grants),
            requested_by=grant.requested_by,
            title=f"授信申请: {customer.name}, 长期 ¥{limit:,.2f}",
            amount=limit,
            data={"grant": grant.pk, "grade": grade},
            customer=customer,
        )
        grant.save(update_fields=["approval"])
        count += 1
    return count
