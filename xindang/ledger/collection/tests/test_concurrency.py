"""collection_daily run by two cron hosts at once: no duplicate report, each promise flagged once;
two managers suspending at once: one suspension."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.ledger.collection import services
from xindang.ledger.collection.models import AnomalyReport, ProblemAccountReport, TradeSuspension
from xindang.testing.concurrency import run_concurrently
from xindang.testing.factories import entry

TODAY = date(2026, 6, 30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_daily_runs_raise_each_report_once(make_customer, salesperson, other_salesperson):
    customers = [
        make_customer(salesperson if i % 2 else other_salesperson, name=f"并发客户{i}有限公司")
        for i in range(4)
    ]
    for c in customers:
        entry(c, "shipment", "1000.00", date(2026, 1, 1), due_on=date(2026, 3, 1))
        services.add_promise(
            customer=c,
            by=salesperson,
            amount=Decimal("500.00"),
            made_on=date(2026, 6, 1),
            promised_on=date(2026, 6, 10),
        )

    def work(_i):
        try:
            return services.run_daily(today=TODAY)
        except Exception as exc:  # an IntegrityError would mean a duplicate slipped through the lock
            return exc

    results = run_concurrently(work, threads=4)
    assert not [r for r in results if isinstance(r, Exception)]
    assert AnomalyReport.objects.count() == 4
    assert ProblemAccountReport.objects.count() == 4
    assert sum(r["broken"] for r in results) == 4
    assert AuditEvent.objects.filter(action="collection.promise_broken").count() == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_suspensions_make_one(make_customer, salesperson, manager, gm):
    customer = make_customer(salesperson, name="并发停止交易有限公司")
    users = [manager, gm, manager, gm]

    def work(i):
        try:
            services.suspend_trade(customer=customer, by=users[i], reason=f"理由{i}")
            return "ok"
        except DomainError as exc:
            return exc.code

    results = run_concurrently(work, threads=4)
    assert sorted(results) == ["collection.already_suspended"] * 3 + ["ok"]
    assert TradeSuspension.objects.filter(customer=customer, lifted_at__isnull=True).count() == 1
