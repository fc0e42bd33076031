"""Parallel postings for one customer keep the maintained exposure equal to the ledger (real
connections; run on SQLite, PostgreSQL and MariaDB)."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.ledger import selectors, services
from xindang.ledger.models import Exposure, TradeEntry
from xindang.testing.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_parallel_postings_keep_exposure_equal_to_the_ledger(make_customer, salesperson):
    customer = make_customer(salesperson, name="并发测试贸易有限公司")
    assert not Exposure.objects.filter(customer=customer).exists()  # the threads race to create it

    def work(i):
        out = []
        for n in range(4):
            kind = "payment" if (i + n) % 3 == 0 else "shipment"
            entry, _ = services.post_trade_entry(
                customer=customer.pk,
                kind=kind,
                amount=Decimal(10 * (i + 1) + n),
                entry_on=date(2026, 1, 1 + n),
                source_system="erp",
                external_id=f"T{i}-{n}",
            )
            out.append(entry.pk)
        # a replay of the first posting from another thread's point of view: same entry back
        again, created = services.post_trade_entry(
            customer=customer.pk,
            kind="payment" if i % 3 == 0 else "shipment",
            amount=Decimal(10 * (i + 1)),
            entry_on=date(2026, 1, 1),
            source_system="erp",
            external_id=f"T{i}-0",
        )
        assert not created and again.pk == out[0]
        return out

    results = run_concurrently(work)
    assert TradeEntry.objects.filter(customer=customer).count() == sum(len(r) for r in results)
    assert selectors.exposure_differences() == []
    assert selectors.exposure_of(customer).total_amount == selectors.naive_exposure(customer)


def test_parallel_reposts_of_one_external_id_make_one_entry(make_customer, salesperson):
    customer = make_customer(salesperson, name="重放测试有限公司")

    def work(i):
        entry, created = services.post_trade_entry(
            customer=customer.pk,
            kind="shipment",
            amount=Decimal("99.00"),
            entry_on=date(2026, 1, 1),
            source_system="erp",
            external_id="SO-RACE",
        )
        return entry.pk, created

    results = run_concurrently(work)
    assert len({pk for pk, _c in results}) == 1
    assert sum(c for _pk, c in results) == 1
    assert selectors.exposure_of(customer).open_shipments_amount == Decimal("99.00")
