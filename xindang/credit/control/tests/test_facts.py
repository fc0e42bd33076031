"""The check's one-statement read (deps.locked_facts) answers exactly what the neighbours' selectors
answer — grant in force, grade, oldest overdue item, suspension, expired holds — on every engine."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from xindang.credit.control import deps
from xindang.credit.control.models import ShipmentStop
from xindang.ledger.models import Reservation

pytestmark = pytest.mark.django_db


def _both(customer):
    now = timezone.now()
    on = timezone.localdate(now)
    with transaction.atomic():
        fast = deps.locked_facts(customer.pk, on=on, now=now)
    grant = deps.active_grant(customer, on)
    overdue = deps.oldest_overdue_item(customer, on)
    previous = deps.oldest_unsettled_before(customer, on.replace(day=1))
    slow = {
        "previous": previous.pk if previous else None,
        "stopped": ShipmentStop.objects.filter(customer=customer, lifted_at__isnull=True).exists(),
        "figures": deps.exposure_of(customer).figures(),
        "limit": deps.limit_in_force(grant, on) if grant else None,  # a reduction schedule's step
        "valid_until": grant.valid_until if grant else None,
        "kind": grant.kind if grant else None,
        "grade": deps.current_grade(customer),
        "overdue": overdue.pk if overdue else None,
        "expired": Reservation.objects.filter(customer=customer, status="held", expires_at__lte=now).count(),
        "suspended": deps.is_trade_suspended(customer),
        "card_pending": deps.is_card_pending(customer),
        "conditions": list(deps.card_conditions(customer)),
    }
    got = {
        "previous": fast.previous_month_debt.entry_id if fast.previous_month_debt else None,
        "stopped": fast.shipments_stopped,
        "figures": fast.exposure,
        "limit": fast.grant_limit_amount,
        "valid_until": fast.grant_valid_until,
        "kind": fast.grant_kind,
        "grade": fast.grade,
        "overdue": fast.oldest_overdue.entry_id if fast.oldest_overdue else None,
        "expired": fast.expired_reservations,
        "suspended": fast.trade_suspended,
        "card_pending": fast.card_pending,
        "conditions": list(fast.conditions),
    }
    if overdue is not None:
        o = fast.oldest_overdue
        assert (o.kind, o.entry_on, o.due_on, o.amount, o.open_amount) == (
            overdue.kind,
            overdue.entry_on,
            overdue.due_on,
            overdue.amount,
            overdue.open_amount,
        )
    if previous is not None:
        p = fast.previous_month_debt
        assert (p.kind, p.entry_on, p.due_on, p.open_amount) == (
            previous.kind,
            previous.entry_on,
            previous.due_on,
            previous.open_amount,
        )
    return got, slow


def test_a_new_customer_gets_its_exposure_row_and_nothing_else(make_customer, salesperson):
    c = make_customer(salesperson, name="新开户商贸有限公司")
    got, slow = _both(c)
    assert got == slow and got["limit"] is None and got["grade"] is None


def test_agrees_with_the_selectors_on_a_busy_customer(customer, manager, post, give_grant, give_grade, today):
    from xindang.credit.control.services import stops
    from xindang.ledger.collection.services import suspend_trade
    from xindang.ledger.services import reserve

    post(
        customer,
        "shipment",
        "1234.56",
        entry_on=today - timedelta(days=50),
        due_on=today - timedelta(days=20),
    )
    post(customer, "shipment", 800, entry_on=today - timedelta(days=40), due_on=today - timedelta(days=25))
    post(customer, "invoice", 300, due_on=today + timedelta(days=10))
    post(customer, "payment", 100)
    give_grant(customer, "80000.50", valid_until=today)  # newer, lower, last day in force
    give_grade(customer, "B")
    with transaction.atomic():
        reserve(
            customer=customer,
            amount=Decimal(5),
            kind="shipment",
            expires_at=timezone.now() - timedelta(seconds=1),
        )
        reserve(
            customer=customer,
            amount=Decimal(7),
            kind="shipment",
            expires_at=timezone.now() + timedelta(hours=1),
        )
    suspend_trade(customer=customer, by=manager, reason="暂停")
    post(customer, "prepayment", 50, entry_on=today - timedelta(days=60))  # the oldest; no due date
    stops.stop_shipments(customer=customer, by=customer.owner, reason="急停")
    got, slow = _both(customer)
    assert got == slow and got["stopped"]
    assert deps.oldest_unsettled_before(customer, today.replace(day=1)).kind == "prepayment"
    assert (
        got["limit"] == Decimal("80000.50")
        and got["grade"] == "B"
        and got["expired"] == 1
        and got["suspended"]
    )


def test_an_expired_grant_is_not_in_force(make_customer, salesperson, give_grant, today):
    c = make_customer(salesperson, name="额度过期有限公司")
    give_grant(c, 1000, valid_until=today - timedelta(days=1))
    got, slow = _both(c)
    assert got == slow and got["limit"] is None


def test_agrees_on_a_prospect_and_on_the_conditions_attached_to_trade(salesperson, today):
    # 004 客户信息管理制度 第十条1(8) and 2(3): the card's approval and the conditions, in the one statement
    from xindang.customers import services as customer_services
    from xindang.customers.models import Customer
    from xindang.onboarding.models import TransactionCard

    prospect = customer_services.create_customer(
        by=salesperson, data={"name": "新星贸易有限公司", "owner": salesperson}, prospect=True
    )
    got, slow = _both(prospect)
    assert got == slow and got["card_pending"] is True and got["conditions"] == []
    TransactionCard.objects.create(
        customer=prospect, first_contact_on=today, created_by=salesperson, conditions="contract,collateral"
    )
    Customer.objects.filter(pk=prospect.pk).update(onboarding="approved")
    got, slow = _both(prospect)
    assert got == slow and got["card_pending"] is False and got["conditions"] == ["contract", "collateral"]
