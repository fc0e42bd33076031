"""Concurrent writers get gap-free, unique contract numbers per department and year on every engine
(SQLite, PostgreSQL, MariaDB) — 000 4.2 / 001 客户信用档案建立与管理制度 2: 公司所有合同都必须按部门编号."""

from decimal import Decimal

import pytest
from django.db import transaction

from conftest import make_credit_code
from xindang.accounts.models import User
from xindang.contracts import services
from xindang.contracts.models import Contract
from xindang.customers import services as customer_services
from xindang.testing.concurrency import THREADS, run_concurrently

PER_THREAD = 4

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Boom(Exception):
    """A failure after the contract was numbered and saved, inside the same transaction."""


def seq_of(contract_no: str) -> int:
    return int(contract_no.rsplit("-", 1)[1])


def open_contracts(user_pk: int, customer_pk: int, thread: int, fail=lambda attempt: False):
    user = User.objects.select_related("department").get(pk=user_pk)  # this thread's own instance
    committed, rolled_back = [], []
    for attempt in range(PER_THREAD):
        data = {
            "title": f"并发合同{thread}-{attempt}",
            "kind": "sale",
            "amount": Decimal("1000.00") + thread,
            "currency": "CNY",
            "handler": user,
        }
        try:
            with transaction.atomic():
                contract = services.create_contract(by=user, customer_id=customer_pk, data=data)
                if fail(attempt):
                    rolled_back.append(contract.contract_no)
                    raise Boom
        except Boom:
            continue
        committed.append(contract.contract_no)
    return committed, rolled_back


@pytest.fixture
def shared_customer(salesperson):
    return customer_services.create_customer(
        by=salesperson,
        data={
            "name": "并发测试钢铁有限公司",
            "department": salesperson.department,
            "owner": salesperson,
            "credit_code": make_credit_code(),
        },
        confirm_similar=True,
    )


def test_parallel_creation_numbers_contracts_without_gaps_or_duplicates(salesperson, shared_customer):
    results = run_concurrently(lambda i: open_contracts(salesperson.pk, shared_customer.pk, i))

    numbers = [n for committed, _ in results for n in committed]
    assert len(numbers) == THREADS * PER_THREAD
    assert sorted(seq_of(n) for n in numbers) == list(range(1, THREADS * PER_THREAD + 1))
    assert sorted(Contract.objects.values_list("contract_no", flat=True)) == sorted(numbers)


def test_parallel_saves_that_fail_give_their_numbers_back(salesperson, shared_customer):
    results = run_concurrently(
        lambda i: open_contracts(
            salesperson.pk, shared_customer.pk, i, fail=lambda attempt: (attempt + i) % 3 == 0
        )
    )
    committed = [n for c, _ in results for n in c]
    rolled_back = {n for _, r in results for n in r}

    assert rolled_back, "the test must make some saves fail"
    assert len(committed) == len(set(committed))
    # committed numbers are exactly 1..K: every number given back was taken again, none skipped
    assert sorted(seq_of(n) for n in committed) == list(range(1, len(committed) + 1))
    assert Contract.objects.count() == len(committed)
