"""The collection demo step on a small ledger."""

import random
from datetime import date, timedelta

import pytest

from xindang.core.demo import DemoContext
from xindang.ledger.collection import selectors
from xindang.ledger.collection.demo import seed_collection
from xindang.ledger.collection.models import AnomalyReport, CollectionRecord, DangerReport, PaymentPromise
from xindang.testing.factories import entry

TODAY = date(2026, 6, 30)


@pytest.mark.django_db
def test_demo_step_makes_collection_work_for_overdue_customers(
    make_customer, salesperson, manager, credit_manager
):
    customers = [make_customer(salesperson, name=f"演示客户{i}有限公司") for i in range(6)]
    for i, c in enumerate(customers):
        entry(
            c,
            "shipment",
            f"{1000 * (i + 1)}.00",
            TODAY - timedelta(days=120),
            due_on=TODAY - timedelta(days=20 + 15 * i),
        )
    entry(customers[0], "payment", "300.00", TODAY - timedelta(days=10))
    ctx = DemoContext(
        customers=customers,
        users={"zhangsan": salesperson, "jingli1": manager, "xinyong": credit_manager},
        departments={},
        today=TODAY,
        rng=random.Random(1),
    )
    summary = seed_collection(ctx)
    assert "records" in summary
    assert CollectionRecord.objects.count() >= 3
    assert PaymentPromise.objects.filter(status="broken").exists()
    assert PaymentPromise.objects.filter(status="kept").exists()
    assert AnomalyReport.objects.filter(status="submitted").exists()
    assert DangerReport.objects.filter(status="decided").exists()
    assert sum(selectors.is_trade_suspended(c) for c in customers) == 1


@pytest.mark.django_db
def test_demo_step_without_overdue_debt_does_nothing(make_customer, salesperson):
    ctx = DemoContext(
        customers=[make_customer(salesperson)], users={}, departments={}, today=TODAY, rng=random.Random(1)
    )
    assert "no overdue" in seed_collection(ctx)
