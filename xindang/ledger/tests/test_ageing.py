"""Receivables ageing: buckets by days overdue at any as-of date, per customer,
salesperson, department and company, in SQL; drill-down to the entries."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from xindang.core import request_cache
from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers
from xindang.ledger import ageing
from xindang.ledger.collection import rules
from xindang.testing.factories import entry, pay

ON = date(2026, 6, 30)
BUCKETS = rules.buckets_from_bounds([30, 60, 90, 180])


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


def _by_code(amounts):
    return {b.code: a for b, a in zip(BUCKETS, amounts, strict=True) if a}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days_overdue, bucket",
    [
        (-10, "not_due"),
        (0, "not_due"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "91-180"),
        (180, "91-180"),
        (181, "181+"),
    ],
)
def test_open_debit_lands_in_its_bucket(customer, days_overdue, bucket):
    due = ON - timedelta(days=days_overdue)
    entry(customer, "shipment", "1000.00", min(due, ON), due_on=due)
    sums = ageing.ageing_sums(on=ON, buckets=BUCKETS)
    assert _by_code(sums[customer.pk]) == {bucket: Decimal("1000.00")}


@pytest.mark.django_db
def test_entry_without_due_date_is_not_due(customer):
    entry(customer, "invoice", "80.00", date(2025, 1, 1))
    assert _by_code(ageing.ageing_sums(on=ON, buckets=BUCKETS)[customer.pk]) == {"not_due": Decimal("80.00")}


@pytest.mark.django_db
def test_past_as_of_date_ignores_later_payments_and_later_entries(customer):
    debit = entry(customer, "shipment", "1000.00", date(2026, 1, 10), due_on=date(2026, 2, 9))
    pay(debit, "400.00", date(2026, 3, 1))
    pay(debit, "600.00", date(2026, 5, 1))  # paid in full now
    entry(customer, "shipment", "50.00", date(2026, 4, 1), due_on=date(2026, 5, 1))
    # Today the first shipment is paid; the April one is 60 days overdue.
    assert _by_code(ageing.ageing_sums(on=date(2026, 6, 30), buckets=BUCKETS)[customer.pk]) == {
        "31-60": Decimal("50.00")
    }
    # On 20 February: nothing paid yet, 11 days overdue; the April shipment does not exist yet.
    assert _by_code(ageing.ageing_sums(on=date(2026, 2, 20), buckets=BUCKETS)[customer.pk]) == {
        "1-30": Decimal("1000.00")
    }
    # On 15 March: 400 paid, 34 days overdue.
    assert _by_code(ageing.ageing_sums(on=date(2026, 3, 15), buckets=BUCKETS)[customer.pk]) == {
        "31-60": Decimal("600.00")
    }
    assert [
        e.open_amount
        for e in ageing.aged_entries(customer_id=customer.pk, on=date(2026, 3, 15), buckets=BUCKETS)
    ] == [Decimal("600.00")]


@pytest.mark.django_db
def test_prepayments_and_credits_are_not_receivables(customer):
    entry(customer, "prepayment", "500.00", date(2026, 1, 1), due_on=date(2026, 2, 1))
    entry(customer, "payment", "70.00", date(2026, 1, 1))
    assert ageing.ageing_sums(on=ON, buckets=BUCKETS) == {}


@pytest.mark.django_db
def test_dimensions_add_up_to_the_company(make_customer, salesperson, other_salesperson, manager):
    rng = random.Random(7)
    customers = [
        make_customer(salesperson if i % 2 else other_salesperson, name=f"客户{i}有限公司") for i in range(6)
    ]
    for c in customers:
        for _ in range(5):
            on = ON - timedelta(days=rng.randint(0, 400))
            debit = entry(
                c,
                rng.choice(["shipment", "invoice"]),
                f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}",
                on,
                due_on=on + timedelta(days=rng.choice([0, 30, 60])),
            )
            if rng.random() < 0.5:
                pay(
                    debit,
                    (debit.amount / 2).quantize(Decimal("0.01")),
                    on + timedelta(days=rng.randint(0, 500)),
                )
    for as_of in (ON, ON - timedelta(days=200), ON + timedelta(days=300)):
        company = ageing.ageing_sums(on=as_of, dimension="company", buckets=BUCKETS).get(0, [Decimal(0)] * 6)
        for dimension in ("customer", "salesperson", "department"):
            sums = ageing.ageing_sums(on=as_of, dimension=dimension, buckets=BUCKETS)
            assert [sum((v[i] for v in sums.values()), Decimal(0)) for i in range(6)] == company
        # The per-entry drill-down agrees with the SQL sums, customer by customer and bucket by bucket.
        by_customer = ageing.ageing_sums(on=as_of, buckets=BUCKETS)
        for c in customers:
            drilled = {b.code: Decimal(0) for b in BUCKETS}
            for e in ageing.aged_entries(customer_id=c.pk, on=as_of, buckets=BUCKETS):
                drilled[e.bucket] += e.open_amount
            assert [drilled[b.code] for b in BUCKETS] == by_customer.get(c.pk, [Decimal(0)] * 6)


@pytest.mark.django_db
@pytest.mark.parametrize("few_files", [False, True])
def test_salesperson_sees_only_own_customers_in_the_ageing(
    make_customer, salesperson, other_salesperson, few_files
):
    """The statement is compiled once per shape and the user's visible files (as ids on PostgreSQL
    with few_files, else the text of their statement): each salesperson, asked in turn, gets their
    own files' sums, not the previous caller's."""
    mine = make_customer(salesperson, name="甲公司")
    theirs = make_customer(other_salesperson, name="乙公司")
    entry(mine, "shipment", "10.00", date(2026, 1, 1), due_on=date(2026, 1, 31))
    entry(theirs, "shipment", "20.00", date(2026, 1, 1), due_on=date(2026, 1, 31))
    for user, own, total in (
        (salesperson, mine, "10.00"),
        (other_salesperson, theirs, "20.00"),
        (salesperson, mine, "10.00"),
    ):
        with request_cache.answering():  # as on the page: the visible files' statement kept per user
            customers = visible_customers(user)
            report = ageing.ageing_report(on=ON, buckets=BUCKETS, customers=customers, few_files=few_files)
        assert [r.key for r in report.rows] == [own.pk]
        assert report.totals.total == Decimal(total)
    nobody = ageing.ageing_report(
        on=ON, buckets=BUCKETS, customers=Customer.objects.none(), few_files=few_files
    )
    assert nobody.rows == [] and nobody.totals.total == Decimal("0.00")


@pytest.mark.django_db
def test_department_drill_down_uses_the_entry_department_or_the_customer_department(
    customer, dept_xs2, salesperson
):
    entry(customer, "shipment", "10.00", date(2026, 1, 1), due_on=date(2026, 1, 31))
    entry(customer, "shipment", "5.00", date(2026, 1, 1), due_on=date(2026, 1, 31), department=dept_xs2)
    sums = ageing.ageing_sums(on=ON, dimension="department", buckets=BUCKETS)
    assert {k: sum(v) for k, v in sums.items()} == {
        customer.department_id: Decimal("10.00"),
        dept_xs2.pk: Decimal("5.00"),
    }
    only = ageing.ageing_sums(on=ON, dimension="customer", buckets=BUCKETS, department_id=dept_xs2.pk)
    assert {k: sum(v) for k, v in only.items()} == {customer.pk: Decimal("5.00")}


@pytest.mark.django_db
def test_sql_ageing_agrees_with_the_ledgers_open_items(make_customer, salesperson, other_salesperson):
    """Entries posted through the ledger's own services (FIFO allocations, reversals): the SQL sums
    equal the ledger's open items bucketed one by one, at several as-of dates."""
    from xindang.ledger import selectors as ledger_selectors
    from xindang.ledger import services as ledger_services

    rng = random.Random(11)
    customers = [
        make_customer(salesperson if i % 2 else other_salesperson, name=f"核对客户{i}有限公司")
        for i in range(4)
    ]
    start = date(2025, 1, 1)
    posted = []
    for day in range(0, 540, 9):
        c = rng.choice(customers)
        on = start + timedelta(days=day)
        if rng.random() < 0.6:
            e, _ = ledger_services.post_trade_entry(
                customer=c,
                kind=rng.choice(["shipment", "invoice"]),
                amount=Decimal(rng.randint(10_000, 500_000)) / 100,  # cents: summed exactly on every engine
                entry_on=on,
                due_on=on + timedelta(days=rng.choice([0, 30, 45, 90])),
            )
            posted.append(e)
        elif rng.random() < 0.85:
            ledger_services.post_trade_entry(
                customer=c, kind="payment", amount=Decimal(rng.randint(10_000, 400_000)) / 100, entry_on=on
            )
        elif posted:
            victim = posted.pop(rng.randrange(len(posted)))
            ledger_services.reverse_entry(entry=victim, entry_on=max(on, victim.entry_on), reason="开错单")
    for as_of in (date(2025, 3, 31), date(2025, 9, 30), date(2026, 6, 30)):
        expected: dict = {}
        for item in ledger_selectors.open_items(on=as_of, kinds=ageing.DEBIT_KINDS):
            amounts = expected.setdefault(item.customer_id, [Decimal(0)] * len(BUCKETS))
            code = rules.ageing_bucket(rules.days_overdue(item.due_on, as_of), BUCKETS)
            amounts[[b.code for b in BUCKETS].index(code)] += item.open_amount
        expected = {k: v for k, v in expected.items() if any(v)}
        assert ageing.ageing_sums(on=as_of, buckets=BUCKETS) == expected
        # the report of every customer: the same sums, each with its customer's name and file number
        report = ageing.ageing_report(on=as_of, buckets=BUCKETS)
        assert {r.key: r.amounts for r in report.rows} == expected
        assert {r.key: (r.label, r.sub) for r in report.rows} == {
            c.pk: (c.name, c.file_no) for c in customers if c.pk in expected
        }
