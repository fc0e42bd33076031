"""On SQLite an import confirm keeps the search index out of its transaction: the FTS5 trigger is
paused for the imported customers and they are indexed after the commit in short transactions
(customers.search_index). Search finds them once the confirm returns; customers a crash left out of
the index are added by the next import (or the worker's start); a failed import leaves the trigger
working."""

import pytest
from django.db import connection

from conftest import make_credit_code
from xindang.customers import search_index
from xindang.customers.importing import saving
from xindang.customers.importing import services as import_services
from xindang.customers.models import Customer, ImportBatch

from .test_import import _isolated_files_and_cache, _rows, distinct_name, preview, xlsx  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the FTS5 table and its trigger are SQLite's"),
]


def indexed() -> set[int]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT rowid FROM {search_index.TABLE}")
        return {row[0] for row in cur.fetchall()}


def paused() -> bool:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {search_index.PAUSE}")
        return cur.fetchone()[0] > 0


def found(customer: Customer) -> bool:
    fragment = customer.search_text[2:8]
    assert search_index.uses_index(fragment)
    return Customer.objects.filter(search_index.contains(fragment), pk=customer.pk).exists()


def test_search_finds_the_imported_customers_when_the_confirm_returns(credit_manager, salesperson):
    batch = import_services.run_import(batch=preview(credit_manager, xlsx(_rows(40))), by=credit_manager)
    assert batch.status == ImportBatch.Status.IMPORTED and batch.imported_rows == 40
    assert indexed() == set(Customer.objects.values_list("pk", flat=True))
    assert all(found(c) for c in Customer.objects.all())
    assert not paused()


def test_customers_a_crash_left_unindexed_are_indexed_by_the_next_import(
    credit_manager, salesperson, monkeypatch
):
    monkeypatch.setattr(saving, "index_new", lambda prepared: 0)  # the worker died after the commit
    batch = import_services.run_import(batch=preview(credit_manager, xlsx(_rows(30))), by=credit_manager)
    assert batch.status == ImportBatch.Status.IMPORTED
    first = list(Customer.objects.all())
    assert len(first) == 30 and not indexed() & {c.pk for c in first}
    assert not any(found(c) for c in first)
    monkeypatch.undo()
    rows = [[distinct_name(100 + i), make_credit_code(9000 + i), "XS1", "zhangsan"] for i in range(20)]
    batch = preview(credit_manager, xlsx(rows))
    batch = import_services.run_import(batch=batch, by=credit_manager)
    assert batch.status == ImportBatch.Status.IMPORTED
    assert indexed() == set(Customer.objects.values_list("pk", flat=True))
    assert all(found(c) for c in first)


def test_the_repair_adds_exactly_the_missing_rows(credit_manager, salesperson, monkeypatch):
    monkeypatch.setattr(saving, "index_new", lambda prepared: 0)
    import_services.run_import(batch=preview(credit_manager, xlsx(_rows(25))), by=credit_manager)
    assert search_index.index_missing() == 25
    assert search_index.index_missing() == 0
    assert indexed() == set(Customer.objects.values_list("pk", flat=True))


def test_a_failed_import_leaves_the_trigger_working(credit_manager, salesperson, make_customer, monkeypatch):
    def fail(specs, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(import_services, "append_events", fail)
    batch = import_services.run_import(batch=preview(credit_manager, xlsx(_rows(15))), by=credit_manager)
    assert batch.status == ImportBatch.Status.FAILED
    assert not Customer.objects.exists() and not paused() and indexed() == set()
    customer = make_customer(salesperson, name="杭州华夏电子科技有限公司")
    assert indexed() == {customer.pk} and found(customer)
