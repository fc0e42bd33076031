"""Parallel checks with reserve=true on real connections never let more through than
the limit — each check reads and reserves under the customer's exposure row lock (the lock posting
takes too). limit 100,000, exposure 0, 8 threads × 30,000 → exactly 3 pass.
SQLite queues its writers (IMMEDIATE transactions); the servers race for real."""

import random
from decimal import Decimal

import pytest

from xindang.credit.control import rules, services
from xindang.customers.models import Customer
from xindang.ledger.models import Exposure, Reservation
from xindang.testing.concurrency import THREADS, run_concurrently

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

D = Decimal


def _race(customer_pk, amounts):
    def work(i):
        customer = Customer.objects.get(pk=customer_pk)
        result = services.check_credit(
            customer=customer, amount=amounts[i], kind="shipment", reserve=True, reference=f"SO-{i}"
        )
        return result.outcome, result.reservation_id

    return run_concurrently(work)


def _held(customer_pk) -> Decimal:
    return sum((r.amount for r in Reservation.objects.filter(customer_id=customer_pk, status="held")), D("0"))


def test_parallel_reserving_checks_never_pass_the_limit(customer):
    results = _race(customer.pk, [D(30_000)] * THREADS)
    passed = [r for r in results if r[0] in (rules.ALLOW, rules.WARN)]
    assert len(passed) == 3
    assert all(rid for _, rid in passed)
    assert _held(customer.pk) == D(90_000)
    assert Exposure.objects.get(customer_id=customer.pk).reservations_amount == D(90_000)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_amounts_in_parallel_never_sum_past_the_limit(customer, seed):
    rng = random.Random(seed)
    amounts = [D(rng.randrange(5_000, 60_000)) for _ in range(THREADS)]
    results = _race(customer.pk, amounts)
    allowed = sum(
        (a for a, (outcome, _) in zip(amounts, results, strict=True) if outcome in (rules.ALLOW, rules.WARN)),
        D(0),
    )
    assert allowed <= D(100_000)
    assert allowed == _held(customer.pk)
    # Whatever was refused did not fit beside what was allowed at the time (the check is not too strict):
    refused = [a for a, (outcome, _) in zip(amounts, results, strict=True) if outcome == rules.BLOCK]
    assert all(allowed + a > D(100_000) for a in refused)
