"""The migration that gives each allocation its debit's customer, kind and dates fills them from the
debits already in the ledger, on every engine (its UPDATE is written per engine)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xindang.ledger import ageing, services
from xindang.ledger.models import Allocation

BEFORE = ("ledger", "0008_open_debits_covering_index")
AFTER = ("ledger", "0009_allocation_debit_columns")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _copied():
    return sorted(
        Allocation.objects.values_list("pk", "customer_id", "debit_kind", "debit_entry_on", "debit_due_on")
    )


def _from_debits():
    return sorted(
        Allocation.objects.values_list(
            "pk",
            "debit_entry__customer_id",
            "debit_entry__kind",
            "debit_entry__entry_on",
            "debit_entry__due_on",
        )
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_allocations_get_their_debits_columns(make_customer, salesperson):
    start = date(2026, 1, 5)
    for i in range(2):
        customer = make_customer(salesperson, name=f"迁移客户{i}有限公司")
        shipment, _ = services.post_trade_entry(
            customer=customer, kind="shipment", amount=Decimal("800.50"), entry_on=start, due_on=start
        )
        invoice, _ = services.post_trade_entry(
            customer=customer, kind="invoice", amount=Decimal("300"), entry_on=start + timedelta(days=3)
        )
        services.post_trade_entry(
            customer=customer, kind="payment", amount=Decimal("950"), entry_on=start + timedelta(days=40)
        )
        services.reverse_entry(entry=invoice, entry_on=start + timedelta(days=50), reason="开错单")
    before = _copied()
    assert len(before) >= 6 and before == _from_debits()
    as_of = start + timedelta(days=20)
    sums = ageing.ageing_sums(on=as_of)
    assert sums  # the payment after the as-of date opens the debits again on that day

    _migrate(BEFORE)  # the columns are gone
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, "ledger_allocation")
    columns = {c.name for c in described}
    assert "debit_due_on" not in columns and "customer_id" not in columns
    _migrate(AFTER)

    assert _copied() == before
    assert ageing.ageing_sums(on=as_of) == sums
