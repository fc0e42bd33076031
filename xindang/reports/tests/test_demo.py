import random
from datetime import date

import pytest

from xindang.core.demo import DemoContext
from xindang.customers.selectors import visible_customers
from xindang.ledger import selectors as ledger
from xindang.ledger.demo import seed_ledger
from xindang.policy.selectors import current_policy
from xindang.reports import rules
from xindang.reports.demo import seed_history
from xindang.reports.selectors import sales

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds


def test_demo_gives_three_years_for_the_seasonal_index_and_products(
    make_customer, salesperson, credit_manager
):
    customers = [make_customer(salesperson, name=f"演示贸易{i}有限公司") for i in range(4)]
    for c in customers:
        c.status = "active"
    today = date(2026, 11, 1)
    ctx = DemoContext(customers=customers, users={}, departments={}, today=today, rng=random.Random(3))
    seed_ledger(ctx)
    assert "earlier trade entries" in seed_history(ctx)
    assert not ledger.exposure_differences()  # the earlier years are paid: no exposure added
    mine = visible_customers(credit_manager)
    monthly = sales.seasonal_input(mine, last_year=2025, years=current_policy().reports.seasonal_years)
    assert all(sum(months) > 0 for months in monthly.values())
    assert rules.seasonal_index(monthly) is not None
    products, lined = sales.product_analysis(mine, date(2025, 1, 1), date(2025, 12, 31))
    assert products and lined > 0 and all(p.margin_rate is not None for p in products)
