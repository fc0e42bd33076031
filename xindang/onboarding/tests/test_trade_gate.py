"""No credit before the card's approval (004 客户信息管理制度 第十条1(8)): the credit check (its one
statement and its ORM twin) and the ledger refuse credit sales and prepayments to a prospect; after the
approval the same check passes, with the conditions attached to trade in its answer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.core.errors import DomainError
from xindang.credit.control.services import check_credit
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.ledger.models import TradeEntry
from xindang.ledger.services import post_trade_entry
from xindang.onboarding import services

pytestmark = pytest.mark.django_db


def _grant(customer, limit="500000"):
    on = timezone.localdate()
    return CreditGrant.objects.create(
        customer=customer,
        limit_amount=Decimal(limit),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=on - timedelta(days=1),
        valid_until=on + timedelta(days=300),
    )


def _codes(decision):
    return [r["code"] for r in decision.reasons]


@pytest.mark.parametrize("kind", ["shipment", "prepayment", "invoice"])
@pytest.mark.parametrize("reserve", [False, True])  # the answer-only read and the locking path
def test_a_prospect_gets_no_credit_before_its_card_is_approved(salesperson, make_prospect, kind, reserve):
    prospect = make_prospect(salesperson)
    _grant(prospect)  # even with a limit in force
    decision = check_credit(customer=prospect, amount="1000", kind=kind, reserve=reserve, by=salesperson)
    assert decision.outcome == "block" and not decision.approvable
    assert _codes(decision)[0] == "card_not_approved"
    assert decision.reasons[0]["article"] == "004 客户信息管理制度 第十条1(8)"
    assert decision.reservation_id is None


def test_a_prospect_may_buy_for_cash(salesperson, make_prospect):
    prospect = make_prospect(salesperson)
    assert check_credit(customer=prospect, amount="1000", kind="cash_sale").outcome == "allow"


@pytest.mark.parametrize("kind", ["shipment", "prepayment"])
def test_the_ledger_refuses_a_first_credit_sale_or_prepayment_before_the_approval(
    salesperson, make_prospect, kind, today
):
    prospect = make_prospect(salesperson)
    with pytest.raises(DomainError) as refused:
        post_trade_entry(customer=prospect, kind=kind, amount=Decimal("1000"), entry_on=today)
    assert refused.value.code == "onboarding.card_not_approved"
    assert not TradeEntry.objects.filter(customer=prospect).exists()


def test_the_ledger_takes_a_prospects_payment(salesperson, make_prospect, today):
    prospect = make_prospect(salesperson)
    entry, created = post_trade_entry(
        customer=prospect, kind="payment", amount=Decimal("1000"), entry_on=today
    )
    assert created and entry.kind == "payment"


def test_after_the_approval_the_same_check_passes_and_shows_the_conditions(
    salesperson, make_prospect, fill_card, approve_card, marketing_manager, today
):
    # given a prospect refused before its card is approved
    prospect = make_prospect(salesperson)
    _grant(prospect)
    assert check_credit(customer=prospect, amount="1000").outcome == "block"
    # when the card goes through with conditions attached
    fill_card(prospect, salesperson)
    services.submit_card(by=salesperson, customer_id=prospect.pk)
    services.set_conditions(
        by=marketing_manager, customer_id=prospect.pk, conditions=["contract", "personal_guarantee"]
    )
    approve_card(prospect.transaction_card)
    prospect.refresh_from_db()
    # then the first credit check passes, naming the conditions, and the ledger posts the shipment
    decision = check_credit(customer=prospect, amount="1000")
    assert decision.outcome == "allow", _codes(decision)
    assert [c["code"] for c in decision.conditions] == ["contract", "personal_guarantee"]
    assert [c["code"] for c in decision.as_dict()["conditions"]] == ["contract", "personal_guarantee"]
    locked = check_credit(customer=prospect, amount="1000", reserve=True)
    assert locked.outcome == "allow" and [c["code"] for c in locked.conditions] == [
        "contract",
        "personal_guarantee",
    ]
    _entry, created = post_trade_entry(
        customer=prospect, kind="shipment", amount=Decimal("1000"), entry_on=today
    )
    assert created
