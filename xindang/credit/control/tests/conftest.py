"""Helpers for the credit-control tests: a grant in force, an approved grade, ledger postings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def give_grant(db):
    """give_grant(customer, limit, valid_until=…) → an active CreditGrant (rows, not the approval flow)."""
    from xindang.credit.grants.models import CreditGrant, GrantStatus

    def _give(customer, limit, *, valid_until="default", status=GrantStatus.ACTIVE):
        on = timezone.localdate()
        return CreditGrant.objects.create(
            customer=customer,
            limit_amount=Decimal(limit),
            term_days=30,
            status=status,
            valid_from=on - timedelta(days=30),
            valid_until=on + timedelta(days=300) if valid_until == "default" else valid_until,
        )

    return _give


@pytest.fixture
def give_grade(db):
    from xindang.credit.models import Rating, RatingStatus

    def _grade(customer, grade):
        return Rating.objects.create(
            customer=customer,
            grade=grade,
            computed_grade=grade,
            status=RatingStatus.APPROVED,
            effective_at=timezone.now(),
        )

    return _grade


@pytest.fixture
def post(db):
    """post(customer, kind, amount, entry_on=…, due_on=…) through the ledger's service."""
    from xindang.ledger.services import post_trade_entry

    def _post(customer, kind, amount, *, entry_on=None, due_on=None, **kw):
        entry, _created = post_trade_entry(
            customer=customer,
            kind=kind,
            amount=Decimal(amount),
            entry_on=entry_on or timezone.localdate(),
            due_on=due_on,
            **kw,
        )
        return entry

    return _post


@pytest.fixture
def customer(make_customer, salesperson, give_grant, give_grade):
    c = make_customer(salesperson, name="华夏机电设备有限公司")
    give_grade(c, "A")
    give_grant(c, 100_000)
    return c


@pytest.fixture
def approvers(marketing_manager, finance_controller, vp_marketing, cfo, gm):
    return {
        "marketing_manager": marketing_manager,
        "finance_credit_controller": finance_controller,
        "vp_marketing": vp_marketing,
        "cfo": cfo,
        "general_manager": gm,
    }
