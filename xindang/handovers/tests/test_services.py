"""The handover act (seed 001 公司客户信息管理办法 五): everything the leaver holds goes to named
successors in one transaction, or nothing changes."""

import time

import pytest
from django.contrib.auth.models import Group

from conftest import make_user
from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.approvals.models import ApprovalRequest
from xindang.audit.models import AuditEvent
from xindang.contracts.models import Contract
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.duties.models import Duty
from xindang.handovers import rules, selectors, services
from xindang.handovers.models import Handover, HandoverItem
from xindang.lifecycle.models import Loan


def _hand(sysadmin, leaver, successor, manager, **kw):
    return services.hand_over(
        by=sysadmin, leaver=leaver, reason=kw.pop("reason", rules.DEPARTURE), successor=successor,
        manager=manager, **kw,
    )  # fmt: skip


@pytest.fixture
def holdings(salesperson, make_customer, make_contract, make_duty, submit, lend):
    a = make_customer(salesperson, name="华夏钢铁贸易有限公司")
    b = make_customer(salesperson, name="长江机电设备有限公司")
    contract = make_contract(a, salesperson)
    duty = make_duty(salesperson, customer=a)
    request = submit(b, salesperson)
    loan_back = lend(a, salesperson)
    loan_missing = lend(b, salesperson)
    return {"a": a, "b": b, "contract": contract, "duty": duty, "request": request,
            "loan_back": loan_back, "loan_missing": loan_missing}  # fmt: skip


def test_departure_hands_everything_and_ends_access(sysadmin, salesperson, successor, manager, holdings):
    handover = _hand(sysadmin, salesperson, successor, manager, handed_loan_ids=[holdings["loan_back"].pk])

    assert set(Customer.objects.filter(owner=successor)) == {holdings["a"], holdings["b"]}
    assert Contract.objects.get(pk=holdings["contract"].pk).handler == successor
    assert Duty.objects.get(pk=holdings["duty"].pk).assignee == successor
    assert ApprovalRequest.objects.get(pk=holdings["request"].pk).requested_by == successor
    assert Loan.objects.get(pk=holdings["loan_back"].pk).borrower == successor
    # the loan not brought back stays on the leaver and is listed missing, never dropped
    assert Loan.objects.get(pk=holdings["loan_missing"].pk).borrower == salesperson
    missing = handover.items.get(category=rules.LOAN, outcome=rules.MISSING)
    assert missing.object_id == holdings["loan_missing"].pk
    assert handover.items.filter(outcome=rules.HANDED).count() == 6
    assert not User.objects.get(pk=salesperson.pk).is_active and handover.deactivated
    # nothing orphaned: the leaver holds nothing but the missing loan
    counts = selectors.holdings(salesperson).counts()
    assert counts == {**dict.fromkeys(counts, 0), rules.LOAN: 1}
    # audited: one event per customer, the request move, the act itself
    assert AuditEvent.objects.filter(action="customer.update", data__handover=handover.number).count() == 2
    assert AuditEvent.objects.filter(
        action="approval.requester_transferred", object_id=str(holdings["request"].pk)
    ).exists()
    # the contract's handler and the loan's borrower change through their own apps' services
    contract_event = AuditEvent.objects.get(
        action="contract.handler_transferred", object_id=str(holdings["contract"].pk)
    )
    assert contract_event.data == {"from": salesperson.pk, "to": successor.pk, "handover": handover.number}
    loan_event = AuditEvent.objects.get(
        action="lifecycle.loan_transferred", object_id=str(holdings["loan_back"].pk)
    )
    assert loan_event.data["to"] == successor.pk and loan_event.data["handover"] == handover.number
    assert not AuditEvent.objects.filter(
        action="lifecycle.loan_transferred", object_id=str(holdings["loan_missing"].pk)
    ).exists()
    assert AuditEvent.objects.get(action="handovers.hand_over", object_id=str(handover.pk)).data[
        "deactivated"
    ]
    # the file history records the new salesperson
    assert holdings["a"].history.latest().owner_id == successor.pk


def test_job_change_keeps_the_account(sysadmin, salesperson, successor, manager, holdings):
    handover = _hand(sysadmin, salesperson, successor, manager, reason=rules.JOB_CHANGE)
    assert User.objects.get(pk=salesperson.pk).is_active and not handover.deactivated


def test_per_customer_override(sysadmin, salesperson, successor, manager, dept_xs1, holdings):
    third = make_user("sunli", Role.SALESPERSON, department=dept_xs1)
    _hand(sysadmin, salesperson, successor, manager, customer_successors={holdings["a"].pk: third})
    assert Customer.objects.get(pk=holdings["a"].pk).owner == third
    assert Customer.objects.get(pk=holdings["b"].pk).owner == successor
    # the contract and duty of that customer follow it
    assert Contract.objects.get(pk=holdings["contract"].pk).handler == third
    assert Duty.objects.get(pk=holdings["duty"].pk).assignee == third


def _nothing_changed(salesperson):
    assert User.objects.get(pk=salesperson.pk).is_active
    assert Customer.objects.filter(owner=salesperson).count() == 2
    assert not Handover.objects.exists() and not HandoverItem.objects.exists()


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("nobody", "handovers.no_successor"),
        ("inactive", "handovers.successor_inactive"),
        ("self", "handovers.self_handover"),
        ("other_department", "handovers.customer_refused"),
    ],
)
def test_bad_successor_refused_nothing_changed(
    who, code, sysadmin, salesperson, successor, other_salesperson, manager, holdings
):
    if who == "inactive":
        successor.is_active = False
        successor.save()
    to = {"nobody": None, "inactive": successor, "self": salesperson, "other_department": other_salesperson}[
        who
    ]
    with pytest.raises(DomainError) as exc:
        _hand(sysadmin, salesperson, to, manager)
    assert exc.value.code == code
    _nothing_changed(salesperson)


def test_wrong_department_refusal_names_the_customer(
    sysadmin, salesperson, successor, other_salesperson, manager, holdings
):
    with pytest.raises(DomainError) as exc:
        _hand(
            sysadmin,
            salesperson,
            successor,
            manager,
            customer_successors={holdings["b"].pk: other_salesperson},
        )
    assert exc.value.code == "handovers.customer_refused"
    assert holdings["b"].name in exc.value.message and holdings["b"].file_no in exc.value.message
    # the other customer, allowed on its own, did not move either
    assert Customer.objects.get(pk=holdings["a"].pk).owner == salesperson
    _nothing_changed(salesperson)


def test_only_the_administrator_hands_over(salesperson, successor, manager, holdings):
    with pytest.raises(DomainError) as exc:
        _hand(manager, salesperson, successor, manager)
    assert exc.value.code == "handovers.forbidden"


def test_manager_cannot_be_a_party(sysadmin, salesperson, successor, holdings):
    with pytest.raises(DomainError) as exc:
        _hand(sysadmin, salesperson, successor, successor)
    assert exc.value.code == "handovers.manager_is_party"


@pytest.mark.parametrize("manager_state", ["none", "inactive"])
def test_manager_named_and_active(manager_state, sysadmin, salesperson, successor, manager, holdings):
    if manager_state == "inactive":
        manager.is_active = False
        manager.save()
    with pytest.raises(DomainError) as exc:
        _hand(sysadmin, salesperson, successor, None if manager_state == "none" else manager)
    assert (
        exc.value.code
        == {"none": "handovers.no_manager", "inactive": "handovers.successor_inactive"}[manager_state]
    )
    _nothing_changed(salesperson)


def test_duty_the_successor_already_has_is_not_duplicated(
    sysadmin, salesperson, successor, manager, make_duty, holdings
):
    make_duty(successor, customer=holdings["a"])  # same key as the leaver's
    _hand(sysadmin, salesperson, successor, manager)
    assert Duty.objects.filter(assignee=successor, key="k1").count() == 1
    assert not Duty.objects.filter(assignee=salesperson).exists()


def test_manager_leaving_approval_waits_at_their_role(
    sysadmin, manager, salesperson, make_customer, submit, dept_xs1, gm
):
    from xindang.approvals.selectors import pending_for_user

    customer = make_customer(salesperson, name="华夏钢铁贸易有限公司")
    approval = submit(customer, salesperson)  # waits for a department manager
    newcomer = make_user("xinjingli", Role.SALESPERSON, department=dept_xs1)
    # nobody else holds the role and the successor named is the requester: refused, naming the request
    with pytest.raises(DomainError) as exc:
        _hand(sysadmin, manager, salesperson, gm)
    assert exc.value.code == "handovers.approval_orphaned"
    assert User.objects.get(pk=manager.pk).is_active
    # the successor holds the role: handed to them, and they can sign it now
    newcomer.groups.add(Group.objects.get(name=str(Role.DEPARTMENT_MANAGER)))
    newcomer = User.objects.get(pk=newcomer.pk)
    handover = _hand(sysadmin, manager, newcomer, gm)
    item = handover.items.get(category=rules.APPROVAL)
    assert (item.object_id, item.outcome, item.successor) == (approval.pk, rules.HANDED, newcomer)
    assert approval in pending_for_user(newcomer)


def test_the_leavers_own_waiting_step_is_named_for_the_successor(
    client, sysadmin, manager, salesperson, make_customer, submit, dept_xs1, gm
):
    """001 公司客户信息管理办法 五: nothing stays orphaned. The leaver was the only department manager;
    the step is named for the successor, who signs it; a manager appointed later does not pre-empt it."""
    from xindang.approvals.models import ApprovalStep
    from xindang.approvals.selectors import pending_for_user
    from xindang.approvals.services import approve_step

    customer = make_customer(salesperson, name="华夏钢铁贸易有限公司")
    approval = submit(customer, salesperson)
    newcomer = make_user("xinjingli", Role.SALESPERSON, department=dept_xs1)
    handover = _hand(sysadmin, manager, newcomer, gm)
    item = handover.items.get(category=rules.APPROVAL)
    assert (item.outcome, item.successor) == (rules.HANDED, newcomer)
    step = ApprovalStep.objects.get(request=approval)
    assert step.assignee == newcomer and step.role == "department_manager"
    assert AuditEvent.objects.filter(action="approval.step_assigned", object_id=str(approval.pk)).exists()
    assert approval in pending_for_user(newcomer)
    client.force_login(newcomer)
    page = client.get(f"/approvals/{approval.pk}/").content.decode()
    assert 'data-testid="current-assignee"' in page
    assert client.get(f"/api/approvals/{approval.pk}").json()["steps"][0]["assignee"] == newcomer.username
    later = make_user("houjingli", Role.DEPARTMENT_MANAGER, department=dept_xs1)
    assert approval not in pending_for_user(later)
    with pytest.raises(DomainError) as exc:
        approve_step(approval=approval, approver=later)
    assert exc.value.code == "approval.not_assignee"
    approve_step(approval=approval, approver=newcomer)
    approval.refresh_from_db()
    assert approval.status == "approved"


def test_a_step_named_for_the_leaver_passes_to_the_next_successor(
    sysadmin, manager, salesperson, make_customer, submit, dept_xs1, gm
):
    """A step once named for someone who leaves in turn goes to their successor, even when others
    hold the role; the handover refuses a successor who cannot sign it (four eyes)."""
    from xindang.approvals.models import ApprovalStep

    customer = make_customer(salesperson, name="华夏钢铁贸易有限公司")
    approval = submit(customer, salesperson)
    first = make_user("diyi", Role.SALESPERSON, department=dept_xs1)
    _hand(sysadmin, manager, first, gm, reason=rules.JOB_CHANGE)
    make_user("houjingli", Role.DEPARTMENT_MANAGER, department=dept_xs1)  # the role has a holder again
    with pytest.raises(DomainError) as exc:  # the requester cannot be named to sign
        _hand(sysadmin, first, salesperson, gm)
    assert exc.value.code == "handovers.approval_successor_cannot_sign"
    second = make_user("dier", Role.SALESPERSON, department=dept_xs1)
    _hand(sysadmin, first, second, gm)
    assert ApprovalStep.objects.get(request=approval).assignee == second


def test_signatures_each_party_for_themself(sysadmin, salesperson, successor, manager, holdings):
    handover = _hand(sysadmin, salesperson, successor, manager, reason=rules.JOB_CHANGE)
    # the leaver cannot sign for the successor
    with pytest.raises(DomainError) as exc:
        services.sign(handover=handover, by=salesperson, line=rules.SUCCESSOR, signer=successor)
    assert exc.value.code == "handovers.not_a_party"
    with pytest.raises(DomainError):
        services.sign(handover=handover, by=salesperson, line=rules.SUCCESSOR)
    services.sign(handover=handover, by=salesperson, line=rules.LEAVER)
    services.sign(handover=handover, by=successor, line=rules.SUCCESSOR)
    assert not selectors.is_signed(handover)
    with pytest.raises(DomainError) as exc:
        services.sign(handover=handover, by=successor, line=rules.SUCCESSOR)
    assert exc.value.code == "handovers.already_signed"
    sig = services.sign(handover=handover, by=manager, line=rules.MANAGER)
    assert sig.signed_at is not None and sig.recorded_by == manager
    assert selectors.is_signed(handover)
    assert AuditEvent.objects.filter(action="handovers.sign", object_id=str(handover.pk)).count() == 3


def test_departed_leaver_signature_recorded_by_administrator(
    sysadmin, salesperson, successor, manager, holdings
):
    handover = _hand(sysadmin, salesperson, successor, manager)
    leaver = User.objects.get(pk=salesperson.pk)
    sig = services.sign(handover=handover, by=sysadmin, line=rules.LEAVER, signer=leaver)
    assert (sig.signer, sig.recorded_by) == (leaver, sysadmin)
    # but the administrator cannot sign the successor's line
    with pytest.raises(DomainError):
        services.sign(handover=handover, by=sysadmin, line=rules.SUCCESSOR, signer=successor)


def test_workbench_lists_pending_signatures(sysadmin, salesperson, successor, manager, holdings):
    handover = _hand(sysadmin, salesperson, successor, manager)
    assert [i.url for i in selectors.workbench_items(successor)] == [handover.get_absolute_url()]
    assert all(i.rule.startswith("001") for i in selectors.workbench_items(manager))
    assert len(selectors.workbench_items(sysadmin)) == 1  # the leaver's signature to record
    services.sign(handover=handover, by=successor, line=rules.SUCCESSOR)
    assert selectors.workbench_items(successor) == []


def test_survey_and_performance_rows(sysadmin, salesperson, successor, manager, holdings):
    handover = _hand(sysadmin, salesperson, successor, manager)
    rows = {r.customer.pk: r for r in selectors.customer_rows(handover)}
    assert set(rows) == {holdings["a"].pk, holdings["b"].pk}
    a = rows[holdings["a"].pk]
    assert {i.category for i in a.open_items} == {rules.CONTRACT, rules.DUTY, rules.LOAN}
    assert a.sales_this_year == 0 and a.successor == successor


def test_leaver_with_500_customers_and_open_approvals(
    sysadmin, salesperson, successor, manager, dept_xs1, submit, django_assert_max_num_queries
):
    customers = Customer.objects.bulk_create(
        [
            Customer(
                file_no=f"XS1-2026-{n:05d}",
                name=f"客户{n:03d}有限公司",
                department=dept_xs1,
                owner=salesperson,
            )
            for n in range(500)
        ]
    )
    approvals = [submit(c, salesperson, title=f"申请{c.pk}") for c in customers[:5]]
    started = time.monotonic()
    with django_assert_max_num_queries(200):
        handover = _hand(sysadmin, salesperson, successor, manager)
    assert time.monotonic() - started < 20
    assert Customer.objects.filter(owner=successor).count() == 500
    assert not Customer.objects.filter(owner=salesperson).exists()
    assert (
        ApprovalRequest.objects.filter(pk__in=[a.pk for a in approvals], requested_by=successor).count() == 5
    )
    assert handover.items.count() == 505
    assert AuditEvent.objects.filter(action="customer.update", data__handover=handover.number).count() == 500
