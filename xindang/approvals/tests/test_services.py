"""The approval engine: order, decisions, separation of duties (seed 002 第十九、
二十六、二十七条: signed in turn by different people, never by the requester), warnings (第四十二条),
the domain change only on the last approval, in one transaction."""

from decimal import Decimal

import pytest

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.approvals import selectors, services
from xindang.approvals.models import ApprovalRequest, ApprovalStatus, StepStatus
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.testing.samples import set_policy

pytestmark = pytest.mark.django_db


def codes_of(approval):
    return [(s.round, s.position, s.role, s.status) for s in approval.steps.order_by("round", "position")]


def test_submit_creates_the_chain_and_is_audited(submit, customer, salesperson):
    approval = submit(chain=["marketing_manager", "vp_marketing", "cfo"])
    assert approval.status == ApprovalStatus.PENDING
    assert approval.current_position == 1
    assert approval.customer_ref == customer.pk and approval.customer_name == "华夏钢铁贸易有限公司"
    assert approval.object_type == "customers.customer" and approval.object_id == str(customer.pk)
    assert approval.amount == Decimal("500000.00")
    assert approval.object_url == customer.get_absolute_url()
    assert codes_of(approval) == [
        (1, 1, "marketing_manager", "pending"),
        (1, 2, "vp_marketing", "pending"),
        (1, 3, "cfo", "pending"),
    ]
    assert AuditEvent.objects.filter(action="approval.submit", object_id=str(approval.pk)).exists()


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"kind": "no.such.kind"}, "approval.unknown_kind"),
        ({"chain": []}, "approval.empty_chain"),
        ({"chain": ["marketing_manager", "pope"]}, "approval.unknown_role"),
        ({"chain": ["cfo"] * 11}, "approval.chain_too_long"),
        ({"title": "  "}, "approval.title_required"),
    ],
)
def test_submit_refuses_bad_requests(submit, kwargs, code):
    with pytest.raises(DomainError) as exc:
        submit(**kwargs)
    assert exc.value.code == code
    assert not ApprovalRequest.objects.exists()


def test_a_second_pending_request_of_the_same_kind_for_the_object_is_refused(submit):
    submit()
    with pytest.raises(DomainError) as exc:
        submit()
    assert exc.value.code == "approval.already_pending"


def test_full_chain_approves_and_runs_on_approved_once_at_the_end(
    submit, recorder, marketing_manager, vp_marketing
):
    approval = submit()
    services.approve_step(approval=approval, approver=marketing_manager, comment="同意")
    assert approval.status == ApprovalStatus.PENDING and approval.current_position == 2
    assert recorder.calls == []  # nothing changes before the last step
    services.approve_step(approval=approval, approver=vp_marketing)
    assert approval.status == ApprovalStatus.APPROVED and approval.decided_at is not None
    assert recorder.calls == [("approved", approval.pk, "approved")]
    assert [s[3] for s in codes_of(approval)] == ["approved", "approved"]
    assert approval.steps.get(position=1).comment == "同意"


def test_step_two_cannot_act_before_step_one(submit, vp_marketing):
    approval = submit()
    for action in (
        lambda: services.approve_step(approval=approval, approver=vp_marketing),
        lambda: services.reject(approval=approval, approver=vp_marketing, reason="不同意"),
        lambda: services.return_for_changes(approval=approval, approver=vp_marketing, reason="补材料"),
    ):
        with pytest.raises(DomainError) as exc:
            action()
        assert exc.value.code == "approval.wrong_role"
    assert approval.steps.filter(status=StepStatus.PENDING).count() == 2


def test_acting_on_a_step_already_signed_is_already_decided(
    submit, marketing_manager, vp_marketing, dept_xs1
):
    approval = submit(chain=["marketing_manager", "marketing_manager"])
    second = make_user("yingxiao2", Role.MARKETING_MANAGER, department=dept_xs1)
    services.approve_step(approval=approval, approver=marketing_manager, position=1)
    with pytest.raises(DomainError) as exc:  # saw step 1 on the page; someone signed it meanwhile
        services.approve_step(approval=approval, approver=second, position=1)
    assert exc.value.code == "approval.already_decided"


def test_rejection_ends_it_skips_the_rest_and_calls_on_rejected(
    submit, recorder, marketing_manager, vp_marketing
):
    approval = submit(chain=["marketing_manager", "vp_marketing", "cfo"])
    services.approve_step(approval=approval, approver=marketing_manager)
    services.reject(approval=approval, approver=vp_marketing, reason="回款不稳定")
    assert approval.status == ApprovalStatus.REJECTED
    assert [s[3] for s in codes_of(approval)] == ["approved", "rejected", "skipped"]
    assert recorder.names() == ["rejected"]
    with pytest.raises(DomainError) as exc:
        services.approve_step(approval=approval, approver=vp_marketing)
    assert exc.value.code == "approval.already_decided"


@pytest.mark.parametrize("action", ["reject", "return_for_changes", "withdraw"])
def test_a_reason_is_required(submit, marketing_manager, salesperson, action):
    approval = submit()
    kwargs = {"by": salesperson} if action == "withdraw" else {"approver": marketing_manager}
    with pytest.raises(DomainError) as exc:
        getattr(services, action)(approval=approval, reason="  ", **kwargs)
    assert exc.value.code == "approval.reason_required"


def test_return_and_resubmit_restarts_the_chain_and_keeps_history(
    submit, recorder, salesperson, marketing_manager, vp_marketing
):
    approval = submit()
    services.approve_step(approval=approval, approver=marketing_manager)
    services.return_for_changes(approval=approval, approver=vp_marketing, reason="请补充担保材料")
    assert approval.status == ApprovalStatus.RETURNED
    assert recorder.names() == ["returned"]
    with pytest.raises(DomainError) as exc:
        services.approve_step(approval=approval, approver=vp_marketing)
    assert exc.value.code == "approval.already_decided"
    with pytest.raises(DomainError) as exc:
        services.resubmit(approval=approval, by=marketing_manager)
    assert exc.value.code == "approval.not_requester"
    services.resubmit(approval=approval, by=salesperson, amount=Decimal("300000"), comment="已降低额度")
    assert (
        approval.status == ApprovalStatus.PENDING and approval.round == 2 and approval.current_position == 1
    )
    assert approval.amount == Decimal("300000.00")
    assert codes_of(approval) == [
        (1, 1, "marketing_manager", "approved"),
        (1, 2, "vp_marketing", "returned"),
        (2, 1, "marketing_manager", "pending"),
        (2, 2, "vp_marketing", "pending"),
    ]
    # the same marketing manager signs again in the new round: a new round, a new signature
    services.approve_step(approval=approval, approver=marketing_manager)
    services.approve_step(approval=approval, approver=vp_marketing)
    assert approval.status == ApprovalStatus.APPROVED
    assert recorder.names() == ["returned", "approved"]
    rows = selectors.trail_rows(approval)
    assert [r["kind"] for r in rows] == ["submitted", "step", "step", "resubmitted", "step", "step"]
    assert rows[3]["comment"] == "已降低额度"


def test_resubmit_only_when_returned(submit, salesperson):
    approval = submit()
    with pytest.raises(DomainError) as exc:
        services.resubmit(approval=approval, by=salesperson)
    assert exc.value.code == "approval.not_returned"


def test_withdraw_by_requester_only(submit, recorder, salesperson, marketing_manager):
    approval = submit()
    with pytest.raises(DomainError) as exc:
        services.withdraw(approval=approval, by=marketing_manager, reason="撤回")
    assert exc.value.code == "approval.not_requester"
    services.withdraw(approval=approval, by=salesperson, reason="客户取消订单")
    assert approval.status == ApprovalStatus.WITHDRAWN
    assert [s[3] for s in codes_of(approval)] == ["skipped", "skipped"]
    assert recorder.names() == ["withdrawn"]
    assert selectors.trail_rows(approval)[-1]["kind"] == "withdrawn"
    with pytest.raises(DomainError) as exc:
        services.withdraw(approval=approval, by=salesperson, reason="再撤回")
    assert exc.value.code == "approval.already_decided"


def test_nobody_approves_their_own_request(submit, dept_xs1):
    boss = make_user("boss", Role.MARKETING_MANAGER, Role.VP_MARKETING, department=dept_xs1)
    approval = submit(by=boss)
    for action in ("approve_step", "reject", "return_for_changes"):
        kwargs = {} if action == "approve_step" else {"reason": "理由"}
        with pytest.raises(DomainError) as exc:
            getattr(services, action)(approval=approval, approver=boss, **kwargs)
        assert exc.value.code == "approval.self_approval"


@pytest.mark.parametrize(
    "role", [Role.SALESPERSON, Role.VP_MARKETING, Role.CREDIT_MANAGER, Role.GENERAL_MANAGER]
)
def test_the_approver_must_hold_the_step_role(submit, role):
    approval = submit()
    user = make_user(f"u_{role}", role)
    with pytest.raises(DomainError) as exc:
        services.approve_step(approval=approval, approver=user)
    assert exc.value.code == "approval.wrong_role"


@pytest.mark.parametrize("switch, allowed", [(False, False), (True, True)])
def test_one_person_for_two_steps_only_with_the_policy_switch(submit, sysadmin, dept_xs1, switch, allowed):
    if switch:
        set_policy(sysadmin, "approvals", same_person_may_sign_multiple_steps=True)
    both = make_user("both", Role.MARKETING_MANAGER, Role.VP_MARKETING, department=dept_xs1)
    approval = submit()
    services.approve_step(approval=approval, approver=both)
    assert selectors.pending_for_user(both).filter(pk=approval.pk).exists() is allowed
    if allowed:
        services.approve_step(approval=approval, approver=both)
        assert approval.status == ApprovalStatus.APPROVED
        # each signature is its own step action
        assert list(approval.steps.values_list("position", "acted_by")) == [(1, both.pk), (2, both.pk)]
    else:
        with pytest.raises(DomainError) as exc:
            services.approve_step(approval=approval, approver=both)
        assert exc.value.code == "approval.same_person"


def test_warnings_must_be_acknowledged_and_are_stored(submit, marketing_manager, vp_marketing):
    warning = "调整后的额度应低于原额度(第四十二条)：原额度 40万元，申请 50万元"
    approval = submit(warnings=[warning, " "])
    assert approval.warnings == [warning]
    with pytest.raises(DomainError) as exc:
        services.approve_step(approval=approval, approver=marketing_manager)
    assert exc.value.code == "approval.warnings_not_acknowledged"
    services.approve_step(approval=approval, approver=marketing_manager, acknowledge_warnings=True)
    step = approval.steps.get(position=1)
    assert step.acknowledged_warnings == [warning] and step.acted_by == marketing_manager
    # rejecting needs no acknowledgement
    services.reject(approval=approval, approver=vp_marketing, reason="额度不应上调")
    assert approval.status == ApprovalStatus.REJECTED


def test_domain_error_in_on_approved_rolls_everything_back(submit, recorder, marketing_manager, vp_marketing):
    approval = submit()
    services.approve_step(approval=approval, approver=marketing_manager)
    recorder.fail_on_approved = True
    events_before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        services.approve_step(approval=approval, approver=vp_marketing)
    assert exc.value.code == "test.refused"
    fresh = ApprovalRequest.objects.get(pk=approval.pk)
    assert fresh.status == ApprovalStatus.PENDING and fresh.current_position == 2
    assert fresh.steps.get(position=2).status == StepStatus.PENDING
    assert fresh.steps.get(position=2).acted_by is None
    assert AuditEvent.objects.count() == events_before
    recorder.fail_on_approved = False
    services.approve_step(approval=fresh, approver=vp_marketing)
    assert fresh.status == ApprovalStatus.APPROVED


def test_every_decision_is_audited(submit, salesperson, marketing_manager, vp_marketing):
    approval = submit()
    services.add_comment(approval=approval, by=vp_marketing, body="请说明担保人情况")
    services.approve_step(approval=approval, approver=marketing_manager)
    services.return_for_changes(approval=approval, approver=vp_marketing, reason="补充")
    services.resubmit(approval=approval, by=salesperson)
    services.withdraw(approval=approval, by=salesperson, reason="不再需要")
    actions = list(
        AuditEvent.objects.filter(object_type="approvals.approvalrequest", object_id=str(approval.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "approval.submit",
        "approval.comment",
        "approval.approve",
        "approval.return",
        "approval.resubmit",
        "approval.withdraw",
    ]
