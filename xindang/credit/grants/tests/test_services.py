"""Grant requests through the approval chain."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from xindang.approvals import services as approvals
from xindang.approvals.models import ApprovalRequest
from xindang.audit.models import AuditEvent
from xindang.core import dates
from xindang.core.errors import DomainError
from xindang.credit.grants import selectors, services
from xindang.credit.grants.models import CollateralType, CreditGrant, GrantStatus

from .conftest import make_facts, set_policy

D = Decimal


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏机电有限公司")


@pytest.fixture
def chain_users(vp_marketing, cfo, gm, marketing_manager, chairman):
    return {
        "vp_marketing": vp_marketing,
        "cfo": cfo,
        "general_manager": gm,
        "marketing_manager": marketing_manager,
        "chairman": chairman,
    }


def approve_all(grant, chain_users, *, acknowledge=False):
    approval = ApprovalRequest.objects.get(pk=grant.approval_id)
    for step in approval.current_steps():
        approvals.approve_step(
            approval=ApprovalRequest.objects.get(pk=approval.pk),
            approver=chain_users[step.role],
            acknowledge_warnings=acknowledge,
        )
    grant.refresh_from_db()
    return grant


def _request(customer, by, **kw):
    args = {"kind": "long_term", "limit_amount": D("50000"), "term_days": 30, "reason": "年度授信"}
    args.update(kw)
    return services.request_grant(customer=customer, by=by, **args)


def test_no_rating_refused_before_any_approver(customer, salesperson, ledger):
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson)
    assert exc.value.code == "grant.no_rating"
    assert not ApprovalRequest.objects.exists() and not CreditGrant.objects.exists()


def test_c_customer_refused_second_28(customer, salesperson, ledger, rate):
    """002 第二十八条: 对于评为C级的客户, 不予授信."""
    rate(customer, "C")
    ledger.facts[customer.pk] = make_facts()
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("1"))
    assert exc.value.code == "grant.no_credit_for_c"
    assert not ApprovalRequest.objects.exists()


def test_over_ceiling_refused_before_approval(customer, salesperson, ledger, rate):
    """002 第二十六条2: A with history ≤ min(avg shipments 100,000, avg collections 80,000)."""
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts(shipments="100000", collections="80000")
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("80000.01"))
    assert exc.value.code == "grant.over_ceiling"
    assert not ApprovalRequest.objects.exists() and not CreditGrant.objects.exists()


def test_a_without_history_long_term_not_allowed(customer, salesperson, ledger, rate):
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts(history=False, collections="30000")
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("100"))
    assert exc.value.code == "grant.not_allowed"
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, kind="temporary", limit_amount=D("30000"), term_days=31)
    assert exc.value.code == "grant.term_too_long"
    grant = _request(customer, salesperson, kind="temporary", limit_amount=D("30000"), term_days=30)
    assert grant.status == GrantStatus.PENDING and grant.ceiling_amount == D("30000")


def test_approval_through_the_chain_activates(customer, salesperson, ledger, rate, chain_users):
    rating = rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = _request(customer, salesperson, limit_amount=D("80000"))
    approval = ApprovalRequest.objects.get(pk=grant.approval_id)
    assert [s.role for s in approval.current_steps()] == [
        "vp_marketing",
        "cfo",
        "general_manager",
        "chairman",
    ]
    assert grant.rating_id == rating.pk and grant.grade == "A" and grant.policy_version >= 1
    assert grant.ceiling_reasons[0]["article"] == "002 第二十六条2"
    assert selectors.active_grant(customer) is None
    grant = approve_all(grant, chain_users)
    assert grant.status == GrantStatus.ACTIVE
    today = timezone.localdate()
    assert grant.valid_from == today and grant.valid_until == date(today.year + 1, today.month, today.day)
    assert selectors.active_grant(customer) == grant
    assert AuditEvent.objects.filter(action="grant.activate", object_id=str(grant.pk)).exists()
    assert AuditEvent.objects.filter(action="grant.request", object_id=str(grant.pk)).exists()


def test_b_needs_collateral_and_marketing_manager_first(customer, salesperson, ledger, rate, chain_users):
    """002 第二十七条: B only with property collateral; limit ≤ collateral; proposed by the marketing
    manager to VP marketing, CFO, GM."""
    rate(customer, "B")
    ledger.facts[customer.pk] = make_facts(shipments="100000", collections="90000")
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("10000"))
    assert exc.value.code == "grant.not_allowed"
    collateral = [{"type": CollateralType.REAL_ESTATE, "description": "厂房", "value_amount": D("60000")}]
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("60000.01"), collateral=collateral)
    assert exc.value.code == "grant.over_ceiling"
    grant = _request(
        customer, salesperson, kind="temporary", limit_amount=D("60000"), term_days=15, collateral=collateral
    )
    steps = ApprovalRequest.objects.get(pk=grant.approval_id).current_steps()
    assert [s.role for s in steps] == [
        "marketing_manager",
        "vp_marketing",
        "cfo",
        "general_manager",
        "chairman",
    ]
    assert grant.collaterals.get().value_amount == D("60000")
    assert approve_all(grant, chain_users).status == GrantStatus.ACTIVE


def test_every_grant_ends_with_the_general_manager_and_the_chairman(
    customer, salesperson, ledger, rate, chain_users
):
    """002 第三十条: 客户授信额度由总经理、董事长审批 — also a small grant."""
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = _request(customer, salesperson, limit_amount=D("10000"))
    roles = [s.role for s in ApprovalRequest.objects.get(pk=grant.approval_id).current_steps()]
    assert roles[-2:] == ["general_manager", "chairman"]


def test_departure_chairman_only_above_an_amount(customer, salesperson, ledger, rate, chain_users):
    """Departure from 002 第三十条 (policy amount set): the chairman only above it."""
    set_policy(chain_users["general_manager"], "grants", chairman_above_amount="1000000")
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts(shipments="5000000", collections="5000000")
    small = _request(customer, salesperson, limit_amount=D("1000000"))
    roles = [s.role for s in ApprovalRequest.objects.get(pk=small.approval_id).current_steps()]
    assert roles == ["vp_marketing", "cfo", "general_manager"]
    approvals.withdraw(
        approval=ApprovalRequest.objects.get(pk=small.approval_id), by=salesperson, reason="改"
    )
    large = _request(customer, salesperson, limit_amount=D("1500000"))
    roles = [s.role for s in ApprovalRequest.objects.get(pk=large.approval_id).current_steps()]
    assert roles[-2:] == ["general_manager", "chairman"]


def test_existing_lower_limit_is_the_ceiling(customer, salesperson, ledger, rate, chain_users):
    """002 第二十六条2 按从低标准执行 (the default): a lower existing limit stays the ceiling — an
    increase is refused outright, a decrease replaces the grant without a warning."""
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts(shipments="200000", collections="200000")
    first = approve_all(_request(customer, salesperson, limit_amount=D("50000")), chain_users)
    # An existing lower limit stays the ceiling (第二十六条2): the increase is refused outright …
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("60000"))
    assert exc.value.code == "grant.over_ceiling"
    # … a lower limit replaces the old one without a warning.
    second = _request(customer, salesperson, limit_amount=D("40000"), reason="")
    assert second.replaces_id == first.pk
    assert ApprovalRequest.objects.get(pk=second.approval_id).warnings == []
    second = approve_all(second, chain_users)
    first.refresh_from_db()
    assert first.status == GrantStatus.REPLACED and second.status == GrantStatus.ACTIVE
    assert selectors.active_grant(customer) == second


def test_jyb_scheme_caps_per_class(customer, salesperson, ledger, rate, chain_users):
    """004 客户信息管理制度 第九条3(1): under the 甲/乙/丙 scheme the class cap per customer is the
    ceiling."""
    set_policy(chain_users["general_manager"], "credit", scheme="jyb")
    rate(customer, "yi", scheme="jyb")
    ledger.facts[customer.pk] = make_facts(history=False, collections="0")
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("2000000.01"))
    assert exc.value.code == "grant.over_ceiling"
    grant = _request(customer, salesperson, limit_amount=D("2000000"))
    assert grant.scheme == "jyb" and grant.ceiling_amount == D("2000000")
    roles = [s.role for s in ApprovalRequest.objects.get(pk=grant.approval_id).current_steps()]
    assert roles == ["marketing_manager", "vp_marketing", "cfo", "general_manager", "chairman"]


def test_departure_increase_warning_must_be_acknowledged(customer, salesperson, ledger, rate, chain_users):
    """Departure from 002 第二十六条2 (switch off): the existing limit does not cap; the increase needs
    a reason and reaches every approver as a warning that must be acknowledged (第四十二条)."""
    set_policy(chain_users["general_manager"], "grants", existing_limit_is_ceiling=False)
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts(shipments="200000", collections="200000")
    first = approve_all(_request(customer, salesperson, limit_amount=D("50000")), chain_users)
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("70000"), reason="")
    assert exc.value.code == "grant.reason_required"
    second = _request(customer, salesperson, limit_amount=D("70000"), reason="扩大合作, 月发货量增加")
    approval = ApprovalRequest.objects.get(pk=second.approval_id)
    assert len(approval.warnings) == 1 and "第四十二条" in approval.warnings[0]
    with pytest.raises(DomainError) as exc:
        approve_all(second, chain_users, acknowledge=False)
    assert exc.value.code == "approval.warnings_not_acknowledged"
    second = approve_all(second, chain_users, acknowledge=True)
    first.refresh_from_db()
    assert second.status == GrantStatus.ACTIVE and first.status == GrantStatus.REPLACED


def test_company_cap_refused_on_approval_and_rolled_back(customer, salesperson, ledger, rate, chain_users):
    """002 第二十四条2①: active limits ≤ receivables balance on the reference date."""
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    ledger.receivables = D("30000")
    grant = _request(customer, salesperson, limit_amount=D("50000"))
    with pytest.raises(DomainError) as exc:
        approve_all(grant, chain_users)
    assert exc.value.code == "grant.company_cap"
    assert "¥30,000.00" in exc.value.message
    grant.refresh_from_db()
    approval = ApprovalRequest.objects.get(pk=grant.approval_id)
    assert grant.status == GrantStatus.PENDING and approval.status == "pending"
    assert approval.current_position == 4  # the chairman's step (the last) stays pending
    ledger.receivables = D("50000")
    approvals.approve_step(approval=approval, approver=chain_users["chairman"])
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACTIVE


def test_company_cap_off_in_policy(customer, salesperson, ledger, rate, chain_users, settings):
    set_policy(chain_users["general_manager"], "grants", company_cap_enabled=False)
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    ledger.receivables = D("0")
    assert (
        approve_all(_request(customer, salesperson, limit_amount=D("50000")), chain_users).status == "active"
    )


def test_rejection_and_one_pending_request(customer, salesperson, ledger, rate, chain_users):
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = _request(customer, salesperson)
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson)
    assert exc.value.code == "grant.pending_exists"
    approvals.reject(
        approval=ApprovalRequest.objects.get(pk=grant.approval_id),
        approver=chain_users["vp_marketing"],
        reason="额度过高",
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REJECTED
    assert _request(customer, salesperson).status == GrantStatus.PENDING


def test_requester_cannot_approve_own_grant(customer, cfo, ledger, rate, chain_users):
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = _request(customer, cfo)
    approval = ApprovalRequest.objects.get(pk=grant.approval_id)
    assert [s.role for s in approval.current_steps()] == [
        "vp_marketing",
        "cfo",
        "general_manager",
        "chairman",
    ]
    approvals.approve_step(approval=approval, approver=chain_users["vp_marketing"])
    with pytest.raises(DomainError):
        approvals.approve_step(approval=ApprovalRequest.objects.get(pk=approval.pk), approver=cfo)


def test_documents_must_belong_to_the_customer(customer, make_customer, salesperson, ledger, rate):
    from xindang.documents.models import Document

    rate(customer, "B")
    ledger.facts[customer.pk] = make_facts()
    other = make_customer(salesperson, name="远方贸易有限公司")
    doc = Document(customer=other, title="x")
    doc.pk, doc.customer_id = 999999, other.pk
    collateral = [{"type": "real_estate", "value_amount": D("1000"), "documents": [doc]}]
    with pytest.raises(DomainError) as exc:
        _request(customer, salesperson, limit_amount=D("1000"), collateral=collateral)
    assert exc.value.code == "grant.document_other_customer"


def test_expiry_sweep_is_idempotent_and_selector_counts_expired(
    customer, salesperson, ledger, rate, chain_users
):
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = approve_all(_request(customer, salesperson), chain_users)
    later = grant.valid_until + timedelta(days=1)
    assert selectors.active_grant(customer, on=later) is None
    assert selectors.is_expired(grant, later)
    call_command("expire_grants", on=later)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.EXPIRED
    assert services.expire_grants(on=later) == 0
    assert AuditEvent.objects.filter(action="grant.expire").count() == 1


def test_workbench_lists_expiring_and_expired_with_exposure(
    customer, salesperson, credit_manager, ledger, rate, chain_users
):
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = approve_all(_request(customer, salesperson), chain_users)
    CreditGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.localdate() + timedelta(days=5))
    items = selectors.workbench_items(credit_manager)
    # renewing an expiring grant is requesting the next one: the item opens the request form
    assert [i.url for i in items] == [f"/credit/grants/customer/{customer.pk}/new/"]
    assert items[0].kind == "grants.expiring" and items[0].customer_id == customer.pk
    assert selectors.workbench_items(salesperson)[0].overdue is False
    CreditGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert selectors.workbench_items(credit_manager) == []  # nothing owed: nothing to do
    ledger.exposures[customer.pk] = D("1234")
    items = selectors.workbench_items(credit_manager)
    assert len(items) == 1 and items[0].overdue is True
    assert items[0].url == f"/credit/grants/{grant.pk}/"


def test_returned_request_resubmitted_only_with_the_same_limit(
    customer, salesperson, ledger, rate, chain_users
):
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = _request(customer, salesperson, limit_amount=D("50000"))
    approval = ApprovalRequest.objects.get(pk=grant.approval_id)
    approvals.return_for_changes(
        approval=approval, approver=chain_users["vp_marketing"], reason="补充抵押资料"
    )
    with pytest.raises(DomainError) as exc:
        approvals.resubmit(
            approval=ApprovalRequest.objects.get(pk=approval.pk), by=salesperson, amount=D("90000")
        )
    assert exc.value.code == "grant.amount_changed_on_resubmit"
    approvals.resubmit(approval=ApprovalRequest.objects.get(pk=approval.pk), by=salesperson, summary="已补充")
    assert approve_all(grant, chain_users).status == GrantStatus.ACTIVE


def test_marketing_manager_proposing_a_b_grant_is_the_first_step(
    customer, marketing_manager, ledger, rate, chain_users
):
    """002 第二十七条: 由营销部经理上报营销副总、财务总监、总经理审批 — the marketing manager's own
    request is the proposal; the chain goes on from the VP marketing."""
    rate(customer, "B")
    ledger.facts[customer.pk] = make_facts()
    collateral = [{"type": CollateralType.REAL_ESTATE, "value_amount": D("100000")}]
    grant = _request(customer, marketing_manager, limit_amount=D("50000"), collateral=collateral)
    roles = [s.role for s in ApprovalRequest.objects.get(pk=grant.approval_id).current_steps()]
    assert roles == ["vp_marketing", "cfo", "general_manager", "chairman"]


def test_ledger_entries_without_a_due_date_fall_due_after_the_grant_term(
    customer, salesperson, ledger, rate, chain_users
):
    """002 第二十三条: the grant's term runs from shipment to payment; the ledger dates the debt by it."""
    from xindang.ledger.services import post_trade_entry

    rate(customer, "B")
    ledger.facts[customer.pk] = make_facts(shipments="200000", collections="200000")
    approve_all(
        _request(
            customer,
            salesperson,
            kind="temporary",
            limit_amount=D("40000"),
            term_days=15,
            collateral=[
                {"type": CollateralType.REAL_ESTATE, "value_amount": D("80000"), "description": "厂房"}
            ],
        ),
        chain_users,
    )
    shipped_on = timezone.localdate()
    entry, _created = post_trade_entry(
        customer=customer, kind="shipment", amount=D("10000"), entry_on=shipped_on
    )
    assert entry.due_on == shipped_on + timedelta(days=15)
    # a due date given by the ERP wins
    given = shipped_on + timedelta(days=3)
    entry, _created = post_trade_entry(
        customer=customer, kind="shipment", amount=D("1"), entry_on=shipped_on, due_on=given
    )
    assert entry.due_on == given


def test_a_grant_request_writes_one_history_row_with_its_requester(customer, salesperson, ledger, rate):
    """One "awaiting approval" row per request, with the requester as operator (not two)."""
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts()
    grant = _request(customer, salesperson)
    rows = list(grant.history.all())
    assert len(rows) == 1
    assert rows[0].status == GrantStatus.PENDING and rows[0].history_user == salesperson
    assert CreditGrant.objects.get(pk=grant.pk).approval_id is not None


def _fall_to(ledger, customer, amount):
    ledger.facts[customer.pk] = make_facts(shipments=amount, collections=amount)


def test_a_limit_above_what_the_rules_now_allow_is_reduced_step_by_step(
    customer, salesperson, ledger, rate, chain_users
):
    """002 第二十六条2 并应逐步减少: the customer's limit of 100,000 stands above what the rules now allow
    (40,000): the new grant steps down over the policy's 3 months, shown to the approvers; once in
    force the limit of the day follows the schedule."""
    from django.db import transaction

    from xindang.credit.control import fastpath

    rate(customer, "A")
    _fall_to(ledger, customer, "100000")
    first = approve_all(_request(customer, salesperson, limit_amount=D("100000")), chain_users)
    _fall_to(ledger, customer, "40000")
    grant = _request(customer, salesperson, limit_amount=D("40000"))
    steps = [(s.months, s.limit_amount) for s in selectors.reduction_steps(grant)]
    assert steps == [(0, D(100000)), (1, D(80000)), (2, D(60000)), (3, D(40000))]
    approval = ApprovalRequest.objects.get(pk=grant.approval_id)
    assert "第二十六条2" in approval.summary and "¥80,000.00" in approval.summary
    assert approval.data["reduction"][1] == {"months": 1, "limit_amount": "80000.00"}
    grant = approve_all(grant, chain_users)
    first.refresh_from_db()
    assert first.status == GrantStatus.REPLACED
    today = timezone.localdate()
    assert selectors.limit_in_force(grant, today) == D(100000)
    in_a_month = dates.add_months(today, 1)
    assert selectors.limit_in_force(grant, in_a_month) == D(80000)
    assert selectors.limit_in_force(grant, dates.add_months(today, 3)) == D(40000)
    # The credit check reads the same limit of the day (its one-statement read).
    with transaction.atomic():
        assert fastpath.read_facts(customer.pk, on=today, now=timezone.now()).grant_limit_amount == D(100000)
        later = fastpath.read_facts(customer.pk, on=in_a_month, now=timezone.now())
        assert later.grant_limit_amount == D(80000)


def test_no_schedule_when_the_rules_still_allow_the_existing_limit(
    customer, salesperson, ledger, rate, chain_users
):
    rate(customer, "A")
    _fall_to(ledger, customer, "100000")
    approve_all(_request(customer, salesperson, limit_amount=D("100000")), chain_users)
    grant = _request(customer, salesperson, limit_amount=D("60000"))  # a choice, not the rules
    assert selectors.reduction_steps(grant) == []


def test_departure_reduced_at_once(customer, salesperson, ledger, rate, chain_users):
    """Departure (0 months): the lower limit applies at once."""
    set_policy(chain_users["general_manager"], "grants", reduction_months=0)
    rate(customer, "A")
    _fall_to(ledger, customer, "100000")
    approve_all(_request(customer, salesperson, limit_amount=D("100000")), chain_users)
    _fall_to(ledger, customer, "40000")
    grant = approve_all(_request(customer, salesperson, limit_amount=D("40000")), chain_users)
    assert selectors.reduction_steps(grant) == []
    assert selectors.limit_in_force(grant) == D(40000)


def test_reduction_list_follows_the_schedule(
    customer, salesperson, ledger, rate, chain_users, credit_manager
):
    """The reduction list (第三十三条) measures the exposure against the limit of the day."""
    import time_machine

    from xindang.credit.control.selectors import on_reduction_list, reduction_list
    from xindang.ledger.services import post_trade_entry

    rate(customer, "A")
    _fall_to(ledger, customer, "100000")
    approve_all(_request(customer, salesperson, limit_amount=D("100000")), chain_users)
    # posted by the ERP (an integration, no person: a salesperson has no posting capability)
    post_trade_entry(customer=customer, kind="shipment", amount=D("90000"), entry_on=timezone.localdate())
    _fall_to(ledger, customer, "40000")
    # 40,000 is below the 90,000 owed (第三十三条): every approver acknowledges that warning
    approve_all(_request(customer, salesperson, limit_amount=D("40000")), chain_users, acknowledge=True)
    # Today the step is still 100,000: 90,000 is under it, so not on the list …
    assert on_reduction_list(customer) is None
    assert [r.customer.pk for r in reduction_list(credit_manager)] == []
    # … a month later the step is 80,000 and the customer is 10,000 over it.
    with time_machine.travel(dates.add_months(timezone.localdate(), 1) + timedelta(days=1), tick=False):
        row = on_reduction_list(customer)
        assert row.limit_amount == D(80000) and row.reduce_by_amount == D(10000)
        [listed] = reduction_list(credit_manager)
        assert listed.customer.pk == customer.pk and listed.limit_amount == D(80000)
