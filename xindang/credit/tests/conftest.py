"""Credit fixtures: a customer whose file has every key datum, investigations filled in, signed and
reviewed through the services, and a switch for document completeness."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.customers.models import Customer

KEY_DATA = {
    "legal_rep": "王建国",
    "registered_capital": Decimal("5000000"),
    "founded_on": date(2010, 5, 1),
    "address": "北京市朝阳区建国路88号",
    "phone": "010-88886666",
    "business_scope": "钢材批发",
    "enterprise_type": "llc",
}

GOOD = {
    "sources": ["cooperation", "archive"],
    "basic_info": "成立于2010年,主营钢材批发。",
    "employee_count": 320,
    "yearly_collections_amount": Decimal("2400000"),
    "yearly_shipments_amount": Decimal("2600000"),
    "lawful_and_kept_promises": True,
    "operations_good": True,
    "conclusion": "资信良好。",
}


def good_years():
    y = timezone.localdate().year
    return [
        {
            "year": y - 2,
            "revenue_amount": Decimal("10000000"),
            "profit_amount": Decimal("800000"),
            "total_assets_amount": Decimal("8000000"),
            "liabilities_amount": Decimal("3200000"),
            "equity_amount": Decimal("4800000"),
        },
        {
            "year": y - 1,
            "revenue_amount": Decimal("11000000"),
            "profit_amount": Decimal("900000"),
            "total_assets_amount": Decimal("9000000"),
            "liabilities_amount": Decimal("3600000"),
            "equity_amount": Decimal("5400000"),
        },
    ]


@pytest.fixture
def docs_complete(monkeypatch):
    """Treat every file's required documents as present (document uploads are tested elsewhere)."""
    from xindang.credit.selectors import facts

    monkeypatch.setattr(
        facts, "docs_complete_bulk", lambda customers, _policy: {c.pk: True for c in customers}
    )


@pytest.fixture
def customer(make_customer, salesperson):
    c = make_customer(salesperson, name="华夏钢铁贸易有限公司", **KEY_DATA)
    Customer.objects.filter(pk=c.pk).update(status="active")
    c.refresh_from_db()
    return c


@pytest.fixture
def investigate(salesperson, manager):
    """investigate(customer, author=salesperson, reviewer=manager, months=36, **findings)
    → a reviewed investigation (None reviewer: only signed; sign=False: a draft). The reviewer is the
    department manager (002 第十条)."""
    from xindang.credit import services

    def _make(customer, *, author=None, reviewer=manager, sign=True, months=36, years=None, **fields):
        author = author or salesperson
        data = {**GOOD, "cooperation_since": timezone.localdate() - timedelta(days=31 * months), **fields}
        inv = services.create_investigation(
            customer_id=customer.pk, by=author, data=data, years=good_years() if years is None else years
        )
        if not sign:
            return inv
        inv = services.sign_investigation(investigation_id=inv.pk, by=author)
        if reviewer is None:
            return inv
        return services.review_investigation(investigation_id=inv.pk, by=reviewer, notes="已核对")

    return _make
