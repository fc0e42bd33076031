"""Two (or eight) approvers acting on the same step at once: exactly one wins, the others get
"approval.already_decided" (the request row is locked with select_for_update) — on every engine."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.approvals import registry, services
from xindang.approvals.models import ApprovalRequest, ApprovalStatus, StepStatus
from xindang.core.errors import DomainError
from xindang.testing.concurrency import THREADS, run_concurrently

from .conftest import KIND

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def approvers(dept_xs1):
    group = Group.objects.get(name=Role.MARKETING_MANAGER)
    users = []
    for i in range(THREADS):
        user = User.objects.create_user(username=f"yx{i}", password="x", display_name=f"营销经理{i}")
        user.groups.add(group)
        users.append(user.pk)
    return users


@pytest.fixture
def calls():
    seen = []
    registry.register(KIND, on_approved=lambda a: seen.append(("approved", a.pk)),
                      on_rejected=lambda a: seen.append(("rejected", a.pk)), label="测试")  # fmt: skip
    yield seen
    registry.unregister(KIND)


def _race(approval_pk, approver_pks, action, requester_pk=None):
    def work(i):
        user = User.objects.get(pk=approver_pks[i])
        approval = ApprovalRequest.objects.get(pk=approval_pk)
        try:
            if action(i) == "approve":
                services.approve_step(approval=approval, approver=user, position=1)
            elif action(i) == "withdraw":
                requester = User.objects.get(pk=requester_pk)
                services.withdraw(approval=approval, by=requester, reason="客户取消")
            else:
                services.reject(approval=approval, approver=user, reason=f"不同意{i}", position=1)
        except DomainError as exc:
            return exc.code
        return "won"

    return run_concurrently(work)


@pytest.mark.parametrize(
    "chain, action",
    [
        (["marketing_manager"], lambda i: "approve"),  # a one-step chain: the winner decides it
        (["marketing_manager", "cfo"], lambda i: "approve"),  # the winner moves it to step 2
        (["marketing_manager", "cfo"], lambda i: "approve" if i % 2 else "reject"),  # mixed decisions
    ],
)
def test_exactly_one_of_n_parallel_approvers_wins(customer, salesperson, approvers, calls, chain, action):
    approval = services.submit_request(
        kind=KIND, obj=customer, chain=chain, requested_by=salesperson, title="并发审批", amount=Decimal("1")
    )
    results = _race(approval.pk, approvers, action)
    assert results.count("won") == 1, results
    assert set(results) == {"won", "approval.already_decided"}, results
    step = approval.steps.get(round=1, position=1)
    assert step.status in (StepStatus.APPROVED, StepStatus.REJECTED)
    winner = approvers[results.index("won")]
    assert step.acted_by_id == winner
    fresh = ApprovalRequest.objects.get(pk=approval.pk)
    if step.status == StepStatus.REJECTED:
        assert fresh.status == ApprovalStatus.REJECTED and calls == [("rejected", approval.pk)]
    elif len(chain) == 1:
        assert fresh.status == ApprovalStatus.APPROVED and calls == [("approved", approval.pk)]
    else:
        assert fresh.status == ApprovalStatus.PENDING and fresh.current_position == 2 and calls == []


def test_a_withdrawal_racing_one_step_approvals_leaves_one_outcome(customer, salesperson, approvers, calls):
    approval = services.submit_request(
        kind=KIND, obj=customer, chain=["marketing_manager"], requested_by=salesperson, title="并发撤回"
    )
    results = _race(approval.pk, approvers, lambda i: "withdraw" if i == 0 else "approve", salesperson.pk)
    assert results.count("won") == 1, results
    assert set(results) == {"won", "approval.already_decided"}, results
    fresh = ApprovalRequest.objects.get(pk=approval.pk)
    if results[0] == "won":
        assert fresh.status == ApprovalStatus.WITHDRAWN and calls == []
        assert fresh.steps.get().status == StepStatus.SKIPPED
    else:
        assert fresh.status == ApprovalStatus.APPROVED and calls == [("approved", approval.pk)]
