"""The company-wide cap (002 第二十四条2①) under concurrency: two chairmen approving the last step
(002 第三十条) of two grants at once, with room under the cap for only one — exactly one is activated."""

from decimal import Decimal

import pytest

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.approvals import services as approvals
from xindang.approvals.models import ApprovalRequest
from xindang.core.errors import DomainError
from xindang.credit.grants import services
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.testing.concurrency import run_concurrently

from .conftest import make_facts

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_approvals_at_once_stay_under_the_company_cap(
    make_customer, salesperson, vp_marketing, cfo, gm, ledger, rate
):
    chairmen = [make_user(f"dongshizhang{i}", Role.CHAIRMAN) for i in range(2)]
    grants = []
    for i in range(2):
        customer = make_customer(salesperson, name=f"并发测试{i}号贸易有限公司")
        rate(customer, "A")
        ledger.facts[customer.pk] = make_facts()
        grant = services.request_grant(
            customer=customer, by=salesperson, kind="long_term", limit_amount=Decimal("60000"), term_days=30
        )
        for user in (vp_marketing, cfo, gm):
            approvals.approve_step(approval=ApprovalRequest.objects.get(pk=grant.approval_id), approver=user)
        grants.append(grant)
    ledger.receivables = Decimal("100000")  # room for one 60,000 grant, not two

    def work(i):
        try:
            approvals.approve_step(
                approval=ApprovalRequest.objects.get(pk=grants[i].approval_id), approver=chairmen[i]
            )
        except DomainError as exc:
            return exc.code
        return "ok"

    results = run_concurrently(work, threads=2)
    assert sorted(results) == ["grant.company_cap", "ok"]
    assert CreditGrant.objects.filter(status=GrantStatus.ACTIVE).count() == 1
    assert CreditGrant.objects.filter(status=GrantStatus.PENDING).count() == 1
