"""Ledger fixtures: a customer file of 张三 (销售一部) and post(...) through the service."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.ledger import services


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def post(db, credit_manager):
    """post(customer, kind, amount, entry_on="2026-01-10", **kw) → entry (created)."""

    def _post(customer, kind, amount, entry_on=date(2026, 1, 10), **kw):
        kw.setdefault("by", credit_manager)
        entry, _created = services.post_trade_entry(
            customer=customer, kind=kind, amount=Decimal(str(amount)), entry_on=entry_on, **kw
        )
        return entry

    return _post
