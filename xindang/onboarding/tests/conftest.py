"""Helpers for the onboarding tests: a prospect with a complete file, a filled card, the chain."""

from datetime import date
from decimal import Decimal

import pytest

FULL_CARD = {
    "first_contact_on": None,  # today, set by the fixture
    "head_office": "上海市浦东新区",
    "trading_site": "江苏省苏州市工业园区",
    "staff_count": 120,
    "managers_count": 8,
    "managers_age_structure": "40–55岁为主",
    "assets_schedule": "厂房一处(自有),生产线两条",
    "requested_limit_amount": Decimal("300000.00"),
    "trade_reason": "区域龙头经销商,长期合作,月结",
    "products": "电缆 20万元/月;配件 5万元/月",
    "survey_result": "实地调查:经营正常,无不良记录",
}


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def make_prospect(db):
    """make_prospect(owner, name=…) → a new customer through the new-customer route (prospect=True),
    with the file fields the card shows filled in."""
    from conftest import make_credit_code
    from xindang.customers import services

    def _make(owner, name="新星贸易有限公司", **fields):
        data = {
            "name": name,
            "owner": owner,
            "department": owner.department,
            "credit_code": make_credit_code(),
            "address": "上海市浦东新区张江路1号",
            "website": "https://xinxing.example.cn",
            "founded_on": date(2015, 3, 1),
            "registered_capital": Decimal("5000000"),
            **fields,
        }
        return services.create_customer(by=owner, data=data, confirm_similar=True, prospect=True)

    return _make


@pytest.fixture
def fill_card(db, today):
    """fill_card(customer, by, **overrides) → the card saved with every field filled."""
    from xindang.onboarding import services

    def _fill(customer, by, **overrides):
        data = {**FULL_CARD, "first_contact_on": today, **overrides}
        return services.save_card(by=by, customer_id=customer.pk, data=data)

    return _fill


@pytest.fixture
def signers(manager, credit_manager, marketing_manager, gm):
    """role → who signs that step of the default chain."""
    return {
        "department_manager": manager,
        "credit_manager": credit_manager,
        "marketing_manager": marketing_manager,
        "general_manager": gm,
    }


@pytest.fixture
def approve_card(signers):
    """approve_card(card) → every step of the card's approval signed in order."""
    from xindang.approvals.demo import approve_through

    def _approve(card):
        card.refresh_from_db()
        return approve_through(card.approval, signers)

    return _approve
