"""Fixtures of the supplier tests: a supplier file, signed contracts, a selection ready to submit."""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from xindang.contracts.models import Contract
from xindang.suppliers import rules, services

_numbers = count(1)


@pytest.fixture
def supplier(make_customer, salesperson):
    return make_customer(salesperson, name="江南原料有限公司", relationship="supplier")


@pytest.fixture
def make_contract(db):
    """make_contract(customer, handler, kind="purchase", status="signed") → a contract in the file."""

    def _make(customer, handler, kind="purchase", status="signed", title="原料供应合同"):
        return Contract.objects.create(
            customer=customer,
            department=customer.department,
            contract_no=f"T-{next(_numbers):05d}",
            title=title,
            kind=kind,
            amount=Decimal("500000"),
            signed_on=date(2026, 3, 1) if status != "draft" else None,
            handler=handler,
            status=status,
        )

    return _make


SURVEYS = {
    rules.GENERAL_SURVEY: {
        "general_survey_on": date(2026, 2, 1),
        "general_survey_notes": "企业沿革、最新年度决算表、产品目录已收。",
    },
    rules.SITE_SURVEY: {
        "site_survey_on": date(2026, 2, 20),
        "site_survey_team": "资材部、技术部、质量管理部",
        "meets_quality": True,
        "meets_delivery": True,
        "site_survey_findings": "设备满足质量要求。",
    },
    rules.APPLICATION: {
        "trade_reasons": "质量稳定，价格合理。",
        "goods": "原料 A",
        "annual_amount": Decimal("1200000"),
        "payment_method": "prepayment",
    },
}


@pytest.fixture
def surveyed(supplier, salesperson):
    """The supplier's selection with surveys and application recorded (no contracts yet)."""
    for step, data in SURVEYS.items():
        services.save_step(by=salesperson, customer_id=supplier.pk, step=step, data=data)
    return supplier


@pytest.fixture
def with_contracts(surveyed, salesperson, make_contract):
    supply = make_contract(surveyed, salesperson, kind="purchase")
    quality = make_contract(surveyed, salesperson, kind="other", title="质量保证合同")
    services.save_step(
        by=salesperson,
        customer_id=surveyed.pk,
        step=rules.CONTRACTS,
        data={"supply_contract": supply, "quality_contract": quality},
    )
    return surveyed


@pytest.fixture
def make_user_with_roles(db):
    """make_user_with_roles(username, roles, customer) → a user of the customer's department."""
    from conftest import make_user

    def _make(username, roles, customer):
        return make_user(username, *roles, department=customer.department)

    return _make


@pytest.fixture(autouse=True)
def _english():
    """The service tests read messages in English (the site's default language is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
