"""The demo step: grants in force for a share of the A and B customers (B with collateral), none for C,
and pending requests waiting for the approvers."""

import random

from django.utils import timezone

from xindang.approvals.models import ApprovalRequest
from xindang.core.demo import DemoContext
from xindang.credit.grants.demo import seed_grants
from xindang.credit.grants.models import CreditGrant


def test_seed_grants(make_customer, salesperson, marketing_manager, rate):
    customers = []
    for i in range(60):
        customer = make_customer(salesperson, name=f"演示{i:02d}号商贸有限公司")
        rate(customer, "ABC"[i % 3])
        customers.append(customer)
    ctx = DemoContext(
        customers=customers,
        users={"yingxiao": marketing_manager},
        departments={},
        today=timezone.localdate(),
        rng=random.Random(7),
    )
    summary = seed_grants(ctx)
    grants = CreditGrant.objects.all()
    assert grants.exists() and "grants" in summary
    assert not grants.filter(grade="C").exists()
    for grant in grants.filter(grade="B").exclude(status="pending"):
        assert grant.collaterals.exists()
        assert grant.collaterals.get().value_amount >= grant.limit_amount
    assert grants.first().history.exists()
    pending = grants.filter(status="pending")
    assert ApprovalRequest.objects.filter(kind="credit.grant").count() == pending.count()
