"""The credit check service: under the exposure lock, with reservations,
over-limit approval used once, the reduction list; each case cites its article."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.credit.control import permissions, rules, selectors, services
from xindang.credit.control.models import CreditCheck, OverLimitRequest, OverLimitStatus
from xindang.ledger.models import Exposure, Reservation

D = Decimal
pytestmark = pytest.mark.django_db


def _use_section(monkeypatch, **values):
    """Run the checks and over-limit requests of this test under a policy with these credit_control
    values (a departure, say)."""
    from xindang.policy.selectors import build_policy

    policy = build_policy({"credit_control": values}, version=9)
    section = policy.credit_control
    monkeypatch.setattr(
        services.checking, "section_for", lambda _key: (section, section.control_policy(), policy.version)
    )
    monkeypatch.setattr(services.over_limit, "current_policy", lambda: policy)
    return policy


def test_within_the_limit_is_allowed_and_the_answer_explains_itself(customer, salesperson, post):
    post(customer, "shipment", 20_000, due_on=timezone.localdate() + timedelta(days=30))
    result = services.check_credit(customer=customer, amount=D(30_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.ALLOW
    assert result.limit_amount == D(100_000)
    assert result.grade == "A"
    assert result.exposure["open_shipments"] == D(20_000)
    assert result.exposure_amount == D(20_000)
    assert result.oldest_overdue is None
    check = CreditCheck.objects.get(pk=result.check_id)
    assert (check.outcome, check.amount, check.checked_by) == (rules.ALLOW, D(30_000), salesperson)
    assert check.inputs["exposure"]["open_shipments"] == "20000.00"


def test_over_the_limit_blocks_and_is_recorded_article_32(customer, salesperson):
    result = services.check_credit(customer=customer, amount=D("100000.01"), kind="shipment", by=salesperson)
    assert result.outcome == rules.BLOCK
    assert [r["code"] for r in result.reasons] == [rules.OVER_LIMIT]
    assert result.reasons[0]["article"] == "002 第三十二条"
    assert result.approvable and result.overage_amount == D("0.01")
    # the refusal is documented by its check row (not the audit chain: nothing changed)
    check = CreditCheck.objects.get(pk=result.check_id)
    assert (check.outcome, check.customer_id, check.checked_by) == (rules.BLOCK, customer.pk, salesperson)
    assert not AuditEvent.objects.filter(action="credit_check.block").exists()


def test_near_the_limit_warns_004_article_9(customer, salesperson):
    result = services.check_credit(customer=customer, amount=D(95_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.WARN
    assert [r["code"] for r in result.reasons] == [rules.NEAR_LIMIT]


def test_no_grant_and_grade_c_block_article_28(make_customer, salesperson, give_grade):
    none = make_customer(salesperson, name="无额度贸易有限公司")
    assert services.check_credit(customer=none, amount=D(1), kind="shipment").outcome == rules.BLOCK
    c = make_customer(salesperson, name="丙级五金有限公司")
    give_grade(c, "C")
    result = services.check_credit(customer=c, amount=D(1), kind="prepayment", control_point="prepayment")
    assert [r["code"] for r in result.reasons] == [rules.GRADE_C]
    with pytest.raises(DomainError) as err:
        services.request_over_limit(customer=c, amount=D(1), kind="shipment", reason="试一下", by=salesperson)
    assert err.value.code == "over_limit.not_approvable"


def test_an_expired_grant_blocks(make_customer, salesperson, give_grant, today):
    c = make_customer(salesperson, name="过期额度有限公司")
    give_grant(c, 50_000, valid_until=today - timedelta(days=1))
    result = services.check_credit(customer=c, amount=D(10), kind="shipment")
    assert [r["code"] for r in result.reasons] == [rules.GRANT_EXPIRED]


def test_overdue_debt_blocks_new_credit_under_the_overdue_only_departure(customer, post, today, monkeypatch):
    _use_section(monkeypatch, previous_debt_mode="overdue_only")
    post(customer, "shipment", 1_000, entry_on=today - timedelta(days=40), due_on=today - timedelta(days=10))
    result = services.check_credit(customer=customer, amount=D(10), kind="shipment")
    assert result.outcome == rules.BLOCK
    assert [r["code"] for r in result.reasons] == [rules.OVERDUE_UNPAID]
    assert result.oldest_overdue["days_overdue"] == 10
    assert result.oldest_overdue["open_amount"] == D(1_000)
    post(customer, "payment", 1_000)
    assert services.check_credit(customer=customer, amount=D(10), kind="shipment").outcome == rules.ALLOW


def test_reserve_holds_the_amount_until_it_expires(customer, salesperson):
    first = services.check_credit(
        customer=customer, amount=D(60_000), kind="shipment", reserve=True, by=salesperson
    )
    assert first.outcome == rules.ALLOW and first.reservation_id
    held = Reservation.objects.get(pk=first.reservation_id)
    assert held.amount == D(60_000) and held.status == "held"
    assert Exposure.objects.get(customer=customer).reservations_amount == D(60_000)
    second = services.check_credit(customer=customer, amount=D(60_000), kind="shipment", reserve=True)
    assert second.outcome == rules.BLOCK and second.reservation_id is None
    assert second.exposure["reservations"] == D(60_000)
    # The hold runs out: released before the next check reads the exposure.
    Reservation.objects.filter(pk=held.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    third = services.check_credit(customer=customer, amount=D(60_000), kind="shipment", reserve=True)
    assert third.outcome == rules.ALLOW
    assert Reservation.objects.get(pk=held.pk).status == "expired"


def test_a_blocked_check_never_reserves(customer):
    result = services.check_credit(customer=customer, amount=D(200_000), kind="shipment", reserve=True)
    assert result.outcome == rules.BLOCK and result.reservation_id is None
    assert not Reservation.objects.filter(customer=customer).exists()


def _approve(olr, users):
    from xindang.approvals.services import approve_step

    approval = olr.approval
    for role in olr.chain:
        approval.refresh_from_db()
        approve_step(approval=approval, approver=users[role], comment="同意")
    olr.refresh_from_db()
    return olr


def test_over_limit_approval_lets_exactly_that_amount_through_once_article_32(
    customer, salesperson, approvers
):
    olr = services.request_over_limit(
        customer=customer, amount=D(130_000), kind="shipment", reason="年底备货", by=salesperson
    )
    assert olr.status == OverLimitStatus.PENDING and olr.overage_amount == D(30_000)
    # A customer, ≤ 100,000 over: the supervisors first, then the GM (004 客户信息管理制度 第九条3(3)).
    assert olr.chain == ["marketing_manager", "finance_credit_controller", "general_manager"]
    assert olr.approval.kind == "credit.over_limit" and olr.approval.amount == D(130_000)
    # Not usable before it is approved.
    with pytest.raises(DomainError) as err:
        services.check_credit(customer=customer, amount=D(130_000), kind="shipment", over_limit_id=olr.pk)
    assert err.value.code == "over_limit.not_approved"
    olr = _approve(olr, approvers)
    assert olr.status == OverLimitStatus.APPROVED and olr.valid_until > timezone.now() + timedelta(days=6)
    with pytest.raises(DomainError) as err:
        services.check_credit(customer=customer, amount=D(130_001), kind="shipment", over_limit_id=olr.pk)
    assert err.value.code == "over_limit.amount_mismatch"
    used = services.check_credit(
        customer=customer,
        amount=D(130_000),
        kind="shipment",
        over_limit_id=olr.pk,
        reserve=True,
        by=salesperson,
    )
    assert used.outcome == rules.ALLOW and used.over_limit_used and used.reservation_id
    assert rules.OVER_LIMIT_APPROVED in [r["code"] for r in used.reasons]
    olr.refresh_from_db()
    assert olr.status == OverLimitStatus.USED and olr.used_at is not None
    assert CreditCheck.objects.get(pk=used.check_id).over_limit_id == olr.pk
    assert AuditEvent.objects.filter(action="credit_check.over_limit_used").exists()
    with pytest.raises(DomainError) as err:
        services.check_credit(customer=customer, amount=D(130_000), kind="shipment", over_limit_id=olr.pk)
    assert err.value.code == "over_limit.used"


def test_an_over_limit_approval_runs_out(customer, salesperson, approvers):
    olr = _approve(
        services.request_over_limit(
            customer=customer, amount=D(120_000), kind="shipment", reason="急单", by=salesperson
        ),
        approvers,
    )
    OverLimitRequest.objects.filter(pk=olr.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError) as err:
        services.check_credit(customer=customer, amount=D(120_000), kind="shipment", over_limit_id=olr.pk)
    assert err.value.code == "over_limit.expired"


def test_a_large_overage_goes_to_the_general_manager_004_article_9_3(customer, salesperson):
    olr = services.request_over_limit(
        customer=customer,
        amount=D(700_000),
        kind="prepayment",
        control_point="prepayment",
        reason="大额",
        by=salesperson,
    )
    assert olr.chain[-1] == "general_manager"


def test_rejected_over_limit_is_recorded(customer, salesperson, marketing_manager):
    from xindang.approvals.services import reject

    olr = services.request_over_limit(
        customer=customer, amount=D(110_000), kind="shipment", reason="x", by=salesperson
    )
    reject(approval=olr.approval, approver=marketing_manager, reason="风险太大")
    olr.refresh_from_db()
    assert olr.status == OverLimitStatus.REJECTED


def test_no_approval_needed_within_the_limit(customer, salesperson):
    with pytest.raises(DomainError) as err:
        services.request_over_limit(
            customer=customer, amount=D(10), kind="shipment", reason="x", by=salesperson
        )
    assert err.value.code == "over_limit.not_needed"


@pytest.mark.parametrize("amount", [0, -5, "abc"])
def test_bad_amounts_are_refused(customer, amount):
    with pytest.raises(DomainError) as err:
        services.check_credit(customer=customer, amount=amount, kind="shipment")
    assert err.value.code == "credit_check.bad_amount"


def test_unknown_kind_and_control_point_are_refused(customer):
    with pytest.raises(DomainError) as err:
        services.check_credit(customer=customer, amount=D(1), kind="gift")
    assert err.value.code == "credit_check.bad_kind"
    with pytest.raises(DomainError) as err:
        services.check_credit(customer=customer, amount=D(1), kind="shipment", control_point="warehouse")
    assert err.value.code == "credit_check.bad_control_point"


def test_reduction_list_and_only_lowering_entries_pass_articles_33_34(
    customer, make_customer, salesperson, credit_manager, post, give_grant, today
):
    due = today + timedelta(days=30)
    post(customer, "shipment", 90_000, due_on=due)
    give_grant(customer, 80_000)  # the newer grant is lower: now 10,000 over
    bare = make_customer(salesperson, name="无额度欠款有限公司")
    post(bare, "invoice", 5_000, due_on=due)
    rows = {r.customer.pk: r for r in selectors.reduction_list(credit_manager)}
    assert rows[customer.pk].reason == selectors.OVER_LIMIT and rows[customer.pk].reduce_by_amount == D(
        10_000
    )
    assert rows[bare.pk].reason == selectors.NO_LIMIT and rows[bare.pk].reduce_by_amount == D(5_000)
    for c in (customer, bare):
        blocked = services.check_credit(customer=c, amount=D(1), kind="shipment")
        assert blocked.outcome == rules.BLOCK and rules.REDUCTION_ONLY in [r["code"] for r in blocked.reasons]
        assert services.check_credit(customer=c, amount=D(100), kind="payment").outcome == rules.ALLOW
    assert [r.customer.pk for r in selectors.reduction_list(credit_manager, reason="no_limit")] == [bare.pk]


def test_route_to_approval_opens_the_request_at_once(customer, salesperson, monkeypatch):
    from xindang.policy.selectors import build_policy

    policy = build_policy(
        {"credit_control": {"control_matrix": {"A": {"shipment": "route_to_approval"}}}}, version=9
    )
    monkeypatch.setattr(
        services.checking,
        "section_for",
        lambda _key: (policy.credit_control, policy.credit_control.control_policy(), policy.version),
    )
    result = services.check_credit(customer=customer, amount=D(150_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.APPROVAL_REQUIRED
    assert result.approval_id and result.over_limit_id
    assert OverLimitRequest.objects.get(pk=result.over_limit_id).approval_id == result.approval_id


def test_workbench_lists_unused_approvals_and_reduction_customers(
    customer, salesperson, approvers, post, today
):
    olr = _approve(
        services.request_over_limit(
            customer=customer, amount=D(120_000), kind="shipment", reason="急单", by=salesperson
        ),
        approvers,
    )
    items = selectors.workbench_items(salesperson)
    assert any(olr.customer.name in i.title and i.url.endswith(f"/{olr.pk}/") for i in items)
    post(customer, "shipment", 150_000, due_on=today + timedelta(days=30))
    items = selectors.workbench_items(salesperson)
    assert any(i.url.endswith(f"/customer/{customer.pk}/") for i in items)


def test_other_departments_do_not_see_the_requests(customer, salesperson, other_salesperson):
    olr = services.request_over_limit(
        customer=customer, amount=D(120_000), kind="shipment", reason="x", by=salesperson
    )
    from django.http import Http404

    with pytest.raises(Http404):
        permissions.get_over_limit_for_user(other_salesperson, olr.pk)
    assert selectors.reduction_list(other_salesperson) == []


def test_a_suspended_trade_blocks_and_no_approval_lifts_it_004_article_7(customer, salesperson, manager):
    from xindang.ledger.collection.services import suspend_trade

    suspend_trade(customer=customer, by=manager, reason="客户涉诉,暂停发货")
    result = services.check_credit(customer=customer, amount=D(10), kind="shipment")
    assert result.outcome == rules.BLOCK and [r["code"] for r in result.reasons] == [rules.TRADE_SUSPENDED]
    assert not result.approvable
    with pytest.raises(DomainError) as err:
        services.request_over_limit(
            customer=customer, amount=D(120_000), kind="shipment", reason="x", by=salesperson
        )
    assert err.value.code == "over_limit.not_approvable"
    assert services.check_credit(customer=customer, amount=D(10), kind="payment").outcome == rules.ALLOW


def test_the_check_reads_the_policy_version_in_force(db):
    from xindang.policy.selectors import current_policy

    section, version = services.section_in_force()
    policy = current_policy()
    assert version == policy.version
    assert section == policy.credit_control


def test_a_new_policy_version_applies_to_the_next_check(customer, sysadmin):
    from xindang.policy import services as policy

    assert services.check_credit(customer=customer, amount=D(85_000), kind="shipment").outcome == rules.ALLOW
    draft = policy.create_draft(by=sysadmin)
    policy.update_draft_section(
        draft_id=draft.pk, section="credit_control", values={"warning_threshold_percent": "80"}, by=sysadmin
    )
    version = policy.put_in_force(draft_id=draft.pk, by=sysadmin)
    result = services.check_credit(customer=customer, amount=D(85_000), kind="shipment")
    assert result.outcome == rules.WARN and result.policy_version == version.number


def test_posting_the_shipment_consumes_the_reservation(customer, salesperson, post):
    held = services.check_credit(
        customer=customer, amount=D(40_000), kind="shipment", reserve=True, by=salesperson
    )
    reservation = Reservation.objects.get(pk=held.reservation_id)
    post(
        customer,
        "shipment",
        40_000,
        due_on=timezone.localdate() + timedelta(days=30),
        reservation=reservation,
    )
    exposure = Exposure.objects.get(customer=customer)
    assert (exposure.reservations_amount, exposure.open_shipments_amount) == (D(0), D(40_000))
    assert Reservation.objects.get(pk=reservation.pk).status == "consumed"
    # The limit now counts the shipment once, not twice.
    assert services.check_credit(customer=customer, amount=D(60_000), kind="shipment").outcome == rules.WARN


def test_supervisors_see_the_reduction_list_count_on_the_workbench(customer, credit_manager, post, today):
    from django.core.cache import cache

    cache.delete(f"credit_control:reduction_count:{credit_manager.pk}")
    post(customer, "shipment", 150_000, due_on=today + timedelta(days=30))
    items = selectors.workbench_items(credit_manager)
    assert [i.url for i in items] == ["/credit/control/reduction/"]
    assert "1" in str(items[0].title)
    cache.delete(f"credit_control:reduction_count:{credit_manager.pk}")
