"""The demo step: grants requested and approved through the real services for a share of the A and B
customers (B with collateral), none for C — each with its approval trail signed by the users of the
chain's roles, ending with the general manager and the chairman (002 第三十条)."""

import random

from django.utils import timezone

from xindang.approvals.models import ApprovalRequest
from xindang.core.demo import DemoContext
from xindang.credit.grants.demo import seed_grants
from xindang.credit.grants.models import CreditGrant, GrantStatus

from .conftest import make_facts


def test_seed_grants_carry_their_approval_trails(
    make_customer, salesperson, marketing_manager, vp_marketing, cfo, gm, chairman, rate, ledger
):
    customers = []
    for i in range(60):
        customer = make_customer(salesperson, name=f"华信{i:02d}号商贸有限公司")
        rate(customer, "ABC"[i % 3])
        ledger.facts[customer.pk] = make_facts(shipments="300000", collections="250000")
        customers.append(customer)
    users = {"yingxiao": marketing_manager, "fz": vp_marketing, "cw": cfo, "zjl": gm, "dsz": chairman}
    ctx = DemoContext(
        customers=customers, users=users, departments={}, today=timezone.localdate(), rng=random.Random(7)
    )
    summary = seed_grants(ctx)
    grants = CreditGrant.objects.all()
    assert grants.filter(status=GrantStatus.ACTIVE).exists() and "grants" in summary
    assert not grants.filter(grade="C").exists()
    for grant in grants.exclude(status=GrantStatus.PENDING):
        approval = ApprovalRequest.objects.get(pk=grant.approval_id)
        steps = approval.current_steps()
        assert approval.status == "approved"
        assert [s.role for s in steps][-2:] == ["general_manager", "chairman"]
        assert all(s.acted_by is not None and s.acted_by.groups.filter(name=s.role).exists() for s in steps)
        assert timezone.localtime(approval.decided_at).date() == grant.valid_from
        assert grant.limit_amount <= grant.ceiling_amount
        if grant.grade == "B":
            assert grant.collaterals.get().value_amount >= grant.limit_amount
    assert grants.first().history.exists()
    assert "demo" not in " ".join(grants.values_list("reason", flat=True)).lower()
