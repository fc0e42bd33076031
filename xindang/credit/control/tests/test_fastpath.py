"""The fast path (xindang.credit.control.fastpath) answers exactly what its ORM twin answers — the
neighbours' selectors asked one at a time: grant in force, grade, oldest overdue item, suspension,
expired holds, the policy version, the check's record — on every engine, case by case and on
generated ledgers."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from xindang.credit.control import fastpath
from xindang.credit.control.models import CreditCheck
from xindang.ledger.selectors import oldest_unsettled_before

pytestmark = pytest.mark.django_db


def _view(facts) -> dict:
    """The facts under the short names the cases below assert on."""
    return {
        "previous": facts.previous_month_debt.entry_id if facts.previous_month_debt else None,
        "stopped": facts.shipments_stopped,
        "figures": facts.exposure,
        "limit": facts.grant_limit_amount,
        "valid_until": facts.grant_valid_until,
        "kind": facts.grant_kind,
        "grade": facts.grade,
        "overdue": facts.oldest_overdue.entry_id if facts.oldest_overdue else None,
        "expired": facts.expired_reservations,
        "suspended": facts.trade_suspended,
        "card_pending": facts.card_pending,
        "conditions": list(facts.conditions),
    }


def _compare(customer_id, *, on, now, lock=True, create=True):
    """Both reads of the same customer on the same day; they must agree fact for fact."""
    with transaction.atomic():
        fast = fastpath.read_facts(customer_id, on=on, now=now, lock=lock, create=create)
    with transaction.atomic():
        twin = fastpath.orm.read_facts(customer_id, on=on, now=now, lock=lock, create=create)
    if fast is None or twin is None:
        assert fast is None and twin is None
        return None
    assert fast.comparable() == twin.comparable()
    return fast


def _both(customer):
    now = timezone.now()
    on = timezone.localdate(now)
    fast = _compare(customer.pk, on=on, now=now)
    with transaction.atomic():
        twin = fastpath.orm.read_facts(customer.pk, on=on, now=now)
    return _view(fast), _view(twin)


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
    assert oldest_unsettled_before(customer, today.replace(day=1)).kind == "prepayment"
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


def test_without_an_exposure_row_a_read_that_may_not_write_gets_nothing(make_customer, salesperson):
    c = make_customer(salesperson, name="只读检查有限公司")
    now = timezone.now()
    assert _compare(c.pk, on=timezone.localdate(now), now=now, lock=False, create=False) is None


GRADES = ("A", "B", "C")


def _generated_ledger(rng, customer, *, post, give_grant, give_grade, manager, today):
    """A random but reproducible history: postings of every kind, grants in and out of force,
    ratings, reservations expired and held, now and then a suspension or an emergency stop."""
    from xindang.credit.control.services import stops
    from xindang.ledger.collection.services import suspend_trade
    from xindang.ledger.services import reserve

    for _ in range(rng.randint(0, 8)):
        kind = rng.choice(("shipment", "shipment", "invoice", "prepayment", "payment"))
        entry_on = today - timedelta(days=rng.randint(0, 90))
        due_on = entry_on + timedelta(days=rng.randint(0, 60)) if kind in ("shipment", "invoice") else None
        post(customer, kind, f"{rng.randint(1, 500000) / 100:.2f}", entry_on=entry_on, due_on=due_on)
    for _ in range(rng.randint(0, 2)):
        valid_until = rng.choice((None, today - timedelta(days=1), today, today + timedelta(days=20)))
        give_grant(customer, rng.randint(1, 10_000) * 10, valid_until=valid_until)
    for _ in range(rng.randint(0, 2)):
        give_grade(customer, rng.choice(GRADES))
    with transaction.atomic():
        for _ in range(rng.randint(0, 3)):
            reserve(
                customer=customer,
                amount=Decimal(rng.randint(1, 900)),
                kind="shipment",
                expires_at=timezone.now() + timedelta(minutes=rng.choice((-30, -1, 5, 60))),
            )
    if rng.random() < 0.3:
        suspend_trade(customer=customer, by=manager, reason="暂停")
    if rng.random() < 0.3:
        stops.stop_shipments(customer=customer, by=customer.owner, reason="急停")


@pytest.mark.parametrize("seed", range(12))
def test_agrees_with_the_twin_on_generated_ledgers(
    seed, make_customer, salesperson, manager, post, give_grant, give_grade, today
):
    rng = random.Random(f"fastpath-{seed}")
    customer = make_customer(salesperson, name=f"生成客户{seed}有限公司")
    _generated_ledger(
        rng, customer, post=post, give_grant=give_grant, give_grade=give_grade, manager=manager, today=today
    )
    now = timezone.now()
    # today, a day when more is overdue and a grant has run out, and the first of a month
    for on in (today, today + timedelta(days=rng.randint(1, 45)), today.replace(day=1)):
        for lock, create in ((True, True), (False, True), (False, False)):
            _compare(customer.pk, on=on, now=now, lock=lock, create=create)


def test_the_policy_version_in_force_is_the_same():
    now = timezone.now()
    assert fastpath.policy_version_id(fastpath.policy_key(now)) == fastpath.policy_version_id(
        fastpath.orm.policy_key(now)
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"reasons": [{"code": "over_limit", "article": "002 第三十二条", "params": {"overage": "12.50"}}]},
        {"grade": "", "limit_amount": None, "reservation_ref": None, "api_key_name": "ERP 接口"},
        {"inputs": {"exposure": {"open_shipments": "1.00"}, "valid_until": None, "reserve": True}},
    ],
)
def test_the_record_written_is_the_same(overrides, customer, salesperson):
    values = {
        "customer_id": customer.pk,
        "amount": Decimal("1234.50"),
        "kind": "shipment",
        "control_point": "shipment",
        "reference": "SO-1",
        "outcome": "allow",
        "reasons": [],
        "inputs": {"exposure": {}, "strength": "hard"},
        "limit_amount": Decimal("100000.00"),
        "exposure_amount": Decimal("0.00"),
        "grade": "A",
        "reservation_ref": None,
        "over_limit_id": None,
        "checked_by_id": salesperson.pk,
        "api_key_name": "",
        "checked_at": timezone.now(),
        "policy_version": 0,
    } | overrides
    fast = CreditCheck.objects.get(pk=fastpath.insert_check(dict(values)))
    twin = CreditCheck.objects.get(pk=fastpath.orm.insert_check(dict(values)))
    assert fast.pk != twin.pk
    assert {k: v for k, v in model_to_dict(fast).items() if k != "id"} == {
        k: v for k, v in model_to_dict(twin).items() if k != "id"
    }
