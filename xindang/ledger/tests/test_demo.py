import random
from datetime import date

import pytest

from xindang.core.demo import DemoContext
from xindang.ledger import selectors
from xindang.ledger.demo import seed_ledger
from xindang.ledger.models import TradeEntry

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds


def test_demo_step_posts_a_consistent_year_of_trade(make_customer, salesperson):
    customers = [make_customer(salesperson, name=f"演示贸易{i}有限公司") for i in range(6)]
    for c in customers:
        c.status = "active"
    ctx = DemoContext(
        customers=customers, users={}, departments={}, today=date(2026, 11, 1), rng=random.Random(3)
    )
    summary = seed_ledger(ctx)
    assert "trade entries" in summary
    assert (
        TradeEntry.objects.filter(kind="shipment").exists()
        and TradeEntry.objects.filter(kind="payment").exists()
    )
    assert not selectors.exposure_differences()
