"""The credit check read side by side with the regulations, through the real services:
004 客户信息管理制度 第九条3(3) (over the limit → the GM), 002 第三十四条 (no limit: exposure only falls),
002 第三十五条 (the previous period's debt), 004 客户信息管理制度 第十一条1(3) (the salesperson's
emergency stop)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.credit.control import rules, selectors, services
from xindang.credit.control.models import CreditCheck, ShipmentStop, ShipmentStopStatus
from xindang.credit.control.services import stops

from .test_services import _approve, _use_section

D = Decimal
pytestmark = pytest.mark.django_db


# --- 004 客户信息管理制度 第九条3(3): every over-limit approval ends with the general manager ---------


@pytest.mark.parametrize("amount", [D("100000.01"), D(130_000), D(700_000)])
def test_every_over_limit_request_goes_to_the_general_manager(customer, salesperson, amount):
    olr = services.request_over_limit(
        customer=customer, amount=amount, kind="shipment", reason="急", by=salesperson
    )
    assert olr.chain[-1] == "general_manager"
    assert [s.role for s in olr.approval.steps.order_by("position")][-1] == "general_manager"


def test_skipping_the_gm_below_an_amount_is_a_departure_that_still_works(customer, salesperson, monkeypatch):
    _use_section(
        monkeypatch,
        over_limit_tiers=[
            {"up_to_amount": "50000", "chain": ["marketing_manager", "finance_credit_controller"]},
            {"up_to_amount": None, "chain": ["marketing_manager", "general_manager"]},
        ],
    )
    olr = services.request_over_limit(
        customer=customer, amount=D(110_000), kind="shipment", reason="x", by=salesperson
    )
    assert olr.chain == ["marketing_manager", "finance_credit_controller"]


# --- 002 第三十四条: no limit, exposure may only fall ----------------------------------------------


@pytest.fixture
def no_limit(make_customer, salesperson, give_grade, post, today):
    c = make_customer(salesperson, name="无额度贸易有限公司")
    give_grade(c, "B")
    post(c, "shipment", 5_000, due_on=today + timedelta(days=20))
    return c


def test_no_limit_blocks_with_no_approval_route(no_limit, salesperson, monkeypatch):
    result = services.check_credit(customer=no_limit, amount=D(1_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.BLOCK and not result.approvable
    assert rules.NO_GRANT in [r["code"] for r in result.reasons]
    with pytest.raises(DomainError) as err:
        services.request_over_limit(
            customer=no_limit, amount=D(1_000), kind="shipment", reason="急", by=salesperson
        )
    assert err.value.code == "over_limit.not_approvable"
    # Even where the matrix routes to approval, nothing is routed.
    _use_section(monkeypatch, control_matrix={"B": {"shipment": "route_to_approval"}})
    routed = services.check_credit(customer=no_limit, amount=D(1_000), kind="shipment", by=salesperson)
    assert routed.outcome == rules.BLOCK and routed.approval_id is None


def test_no_limit_pages_offer_no_approval_route(client, no_limit, salesperson):
    client.force_login(salesperson)
    page = client.get(reverse("credit_control:customer", args=[no_limit.pk])).content.decode()
    assert reverse("credit_control:over_limit_request", args=[no_limit.pk]) not in page
    r = client.post(
        reverse("credit_control:check", args=[no_limit.pk]),
        {"amount": "1000", "kind": "shipment", "control_point": "shipment"},
    )
    body = r.content.decode()
    assert 'data-outcome="block"' in body and 'data-testid="no-route"' in body
    assert 'data-testid="request-over-limit"' not in body


def test_no_limit_payments_and_prepaid_shipments_pass(no_limit, post):
    assert services.check_credit(customer=no_limit, amount=D(1_000), kind="payment").outcome == rules.ALLOW
    post(no_limit, "payment", 8_000)  # 5,000 settles the shipment, 3,000 stays as the customer's balance
    covered = services.check_credit(customer=no_limit, amount=D(3_000), kind="shipment")
    assert covered.outcome == rules.ALLOW
    assert [r["code"] for r in covered.reasons] == [rules.COVERED_BY_PREPAYMENT]
    beyond = services.check_credit(customer=no_limit, amount=D("3000.01"), kind="shipment")
    assert beyond.outcome == rules.BLOCK
    cash = services.check_credit(customer=no_limit, amount=D(50_000), kind="cash_sale")
    assert cash.outcome == rules.ALLOW and [r["code"] for r in cash.reasons] == [rules.PAID_IN_CASH]
    assert cash.headroom_amount is None


def test_the_no_limit_exception_departure_goes_to_the_gm_alone(no_limit, salesperson, gm, monkeypatch):
    _use_section(monkeypatch, no_limit_exception=True)
    olr = services.request_over_limit(
        customer=no_limit, amount=D(1_000), kind="shipment", reason="特批", by=salesperson
    )
    assert olr.chain == ["general_manager"]
    olr = _approve(olr, {"general_manager": gm})
    used = services.check_credit(customer=no_limit, amount=D(1_000), kind="shipment", over_limit_id=olr.pk)
    assert used.outcome == rules.ALLOW and rules.NO_LIMIT_EXCEPTION in [r["code"] for r in used.reasons]


# --- 002 第三十五条: the previous settlement period's debt -----------------------------------------


def test_last_months_debt_not_yet_due_blocks_and_names_the_item(customer, salesperson, post, today):
    """50,000 open and not yet due, entered last month, + 10,000 new: the text blocks it (原则上),
    routed to approval; the answer names the unsettled item."""
    last_month = today.replace(day=1) - timedelta(days=1)
    entry = post(customer, "shipment", 50_000, entry_on=last_month, due_on=today + timedelta(days=30))
    result = services.check_credit(customer=customer, amount=D(10_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.BLOCK and result.approvable
    assert [r["code"] for r in result.reasons] == [rules.PREVIOUS_DEBT]
    assert result.previous_debt["entry_id"] == entry.pk
    assert D(result.previous_debt["open_amount"]) == D(50_000)
    assert f"#{entry.pk}" in result.reasons[0]["message"] and "¥50,000.00" in result.reasons[0]["message"]
    olr = services.request_over_limit(
        customer=customer, amount=D(10_000), kind="shipment", reason="老客户", by=salesperson
    )
    assert olr.overage_amount == 0 and olr.chain[-1] == "general_manager"
    post(customer, "payment", 50_000)
    assert services.check_credit(customer=customer, amount=D(10_000), kind="shipment").outcome == rules.ALLOW


def test_this_months_open_debt_does_not_block(customer, post, today):
    post(customer, "shipment", 50_000, entry_on=today, due_on=today + timedelta(days=30))
    assert services.check_credit(customer=customer, amount=D(10_000), kind="shipment").outcome == rules.ALLOW


def test_overdue_only_departure_allows_last_months_debt_not_yet_due(customer, post, today, monkeypatch):
    _use_section(monkeypatch, previous_debt_mode="overdue_only")
    last_month = today.replace(day=1) - timedelta(days=1)
    post(customer, "shipment", 50_000, entry_on=last_month, due_on=today + timedelta(days=30))
    assert services.check_credit(customer=customer, amount=D(10_000), kind="shipment").outcome == rules.ALLOW


# --- 004 客户信息管理制度 第十一条1(3): the salesperson's emergency stop ------------------------------


def test_the_salesperson_stops_the_manager_is_told_and_lifts(customer, salesperson, manager):
    stop = stops.stop_shipments(customer=customer, by=salesperson, reason="客户涉诉,暂停发货")
    assert AuditEvent.objects.filter(action="shipment_stop.stop").exists()
    blocked = services.check_credit(customer=customer, amount=D(10), kind="shipment")
    assert blocked.outcome == rules.BLOCK and not blocked.approvable
    assert [r["code"] for r in blocked.reasons] == [rules.SHIPMENTS_STOPPED]
    items = selectors.workbench_items(manager)
    assert any(reverse("credit_control:customer", args=[customer.pk]) in i.url for i in items)
    stops.confirm_shipment_stop(customer=customer, by=manager, note="同意")
    stop.refresh_from_db()
    assert stop.status == ShipmentStopStatus.CONFIRMED
    assert not any("#shipment-stop" in i.url for i in selectors.workbench_items(manager))
    assert services.check_credit(customer=customer, amount=D(10), kind="shipment").outcome == rules.BLOCK
    stops.lift_shipment_stop(customer=customer, by=manager, reason="已和解")
    assert services.check_credit(customer=customer, amount=D(10), kind="shipment").outcome == rules.ALLOW
    assert AuditEvent.objects.filter(action__in=["shipment_stop.confirm", "shipment_stop.lift"]).count() == 2


def test_only_the_owner_stops_and_only_the_departments_manager_decides(
    customer, salesperson, other_salesperson, manager, credit_manager
):
    with pytest.raises(DomainError) as err:
        stops.stop_shipments(customer=customer, by=other_salesperson, reason="x")
    assert err.value.code == "shipment_stop.forbidden"
    with pytest.raises(DomainError) as err:
        stops.stop_shipments(customer=customer, by=salesperson, reason="  ")
    assert err.value.code == "shipment_stop.reason_required"
    stops.stop_shipments(customer=customer, by=salesperson, reason="急停")
    with pytest.raises(DomainError) as err:
        stops.stop_shipments(customer=customer, by=salesperson, reason="again")
    assert err.value.code == "shipment_stop.already_stopped"
    with pytest.raises(DomainError) as err:
        stops.lift_shipment_stop(customer=customer, by=credit_manager, reason="x")
    assert err.value.code == "shipment_stop.decide_forbidden"
    with pytest.raises(DomainError) as err:
        stops.lift_shipment_stop(customer=customer, by=manager, reason="")
    assert err.value.code == "shipment_stop.reason_required"
    assert ShipmentStop.objects.get(customer=customer).lifted_at is None


def test_stop_screens(client, customer, salesperson, manager):
    page = reverse("credit_control:customer", args=[customer.pk])
    client.force_login(salesperson)
    assert 'data-testid="stop-shipments"' in client.get(page).content.decode()
    r = client.post(reverse("credit_control:stop_shipments", args=[customer.pk]), {"reason": ""})
    assert r.status_code == 400 and not ShipmentStop.objects.exists()
    r = client.post(reverse("credit_control:stop_shipments", args=[customer.pk]), {"reason": "客户失联"})
    assert r.status_code == 302
    client.force_login(manager)
    body = client.get(page).content.decode()
    assert 'data-testid="confirm-stop"' in body and "客户失联" in body
    r = client.post(reverse("credit_control:decide_stop", args=[customer.pk, "lift"]), {"note": ""})
    assert r.status_code == 400 and ShipmentStop.objects.get().lifted_at is None
    r = client.post(reverse("credit_control:decide_stop", args=[customer.pk, "lift"]), {"note": "恢复"})
    assert r.status_code == 302 and ShipmentStop.objects.get().lifted_at is not None
    assert CreditCheck.objects.count() == 0


def test_the_administrator_sees_the_stops_read_only(client, customer, salesperson, sysadmin):
    stops.stop_shipments(customer=customer, by=salesperson, reason="急停")
    sysadmin.is_superuser = True
    sysadmin.save(update_fields=["is_superuser"])
    client.force_login(sysadmin)
    assert client.get("/admin/credit_control/shipmentstop/").status_code == 200
    stop = ShipmentStop.objects.get()
    assert client.get(f"/admin/credit_control/shipmentstop/{stop.pk}/change/").status_code == 200


def test_the_check_page_names_the_unsettled_previous_debt(client, customer, salesperson, post, today):
    last_month = today.replace(day=1) - timedelta(days=1)
    entry = post(customer, "shipment", 50_000, entry_on=last_month, due_on=today + timedelta(days=30))
    client.force_login(salesperson)
    r = client.post(
        reverse("credit_control:check", args=[customer.pk]),
        {"amount": "10000", "kind": "shipment", "control_point": "shipment"},
    )
    body = r.content.decode()
    assert 'data-outcome="block"' in body and 'data-testid="request-over-limit"' in body
    assert reverse("ledger:entry", args=[entry.pk]) in body and "¥50,000.00" in body
    assert 'data-testid="headroom"><span>¥40,000.00</span>' in body
