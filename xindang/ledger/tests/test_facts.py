"""Ledger facts for the rating engine: table-driven, each fact at an as-of date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xindang.ledger.collection.models import PaymentPromise, PromiseStatus
from xindang.ledger.facts import LedgerFacts, ledger_facts, ledger_facts_bulk
from xindang.testing.factories import entry, pay

ON = date(2026, 7, 15)  # window = the twelve months July 2025 – June 2026


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.mark.django_db
def test_no_entries_means_empty_facts(customer):
    facts = ledger_facts(customer.pk, on=ON)
    assert facts == LedgerFacts(None, 0, False, Decimal(0), Decimal(0), False, False, 0, 0)


@pytest.mark.django_db
def test_first_trade_and_months_of_trade(customer):
    entry(customer, "payment", "10.00", date(2024, 3, 20))  # any kind counts as trade
    entry(customer, "shipment", "10.00", date(2025, 1, 1))
    entry(customer, "shipment", "10.00", date(2026, 8, 1))  # after the as-of date: ignored
    facts = ledger_facts(customer.pk, on=ON)
    assert facts.first_trade_on == date(2024, 3, 20)
    assert facts.months_of_trade == 27
    assert facts.has_credit_history


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, history",
    [("shipment", True), ("invoice", True), ("prepayment", True), ("payment", False), ("credit_note", False)],
)
def test_credit_history_means_a_credit_sale_or_a_prepayment(customer, kind, history):
    entry(customer, kind, "10.00", date(2026, 1, 1))
    assert ledger_facts(customer.pk, on=ON).has_credit_history is history


@pytest.mark.django_db
def test_averages_over_the_window_months_traded(customer):
    # Trading since January 2026: six window months (January–June); July is outside the window.
    for month in range(1, 7):
        entry(customer, "shipment", "600.00", date(2026, month, 5))
        entry(customer, "payment", "300.00", date(2026, month, 20))
    entry(customer, "shipment", "9999.00", date(2026, 7, 2))
    wrong = entry(customer, "shipment", "600.00", date(2026, 3, 6))
    entry(customer, "reversal", "600.00", date(2026, 3, 7), reverses=wrong)  # a reversed sale does not count
    facts = ledger_facts(customer.pk, on=ON)
    assert facts.avg_monthly_shipments == Decimal("600.00")
    assert facts.avg_monthly_collections == Decimal("300.00")
    assert facts.revenue_trend_falling_months == 0


@pytest.mark.django_db
def test_average_over_a_full_window_for_an_old_customer(customer):
    entry(customer, "shipment", "100.00", date(2020, 1, 1))
    entry(customer, "shipment", "1200.00", date(2026, 2, 1))
    assert ledger_facts(customer.pk, on=ON).avg_monthly_shipments == Decimal("100.00")
    assert ledger_facts(customer.pk, on=ON, window_months=6).avg_monthly_shipments == Decimal("200.00")


@pytest.mark.django_db
def test_falling_months_at_the_end_of_the_window(customer):
    entry(customer, "shipment", "100.00", date(2025, 6, 1))
    for month, amount in [(3, 900), (4, 800), (5, 500), (6, 100)]:
        entry(customer, "shipment", f"{amount}.00", date(2026, month, 3))
    assert ledger_facts(customer.pk, on=ON).revenue_trend_falling_months == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written_off_on, reversed_on, bad",
    [
        (date(2026, 7, 15), None, True),  # today
        (date(2024, 7, 16), None, True),  # just within two years
        (date(2024, 7, 15), None, False),  # exactly two years ago: outside
        (date(2023, 1, 1), None, False),
        (date(2026, 8, 1), None, False),  # after the as-of date
        (date(2026, 1, 1), date(2026, 2, 1), False),  # reversed
        (date(2026, 1, 1), date(2026, 8, 1), True),  # reversed only after the as-of date
    ],
)
def test_bad_debt_within_two_years(customer, written_off_on, reversed_on, bad):
    write_off = entry(customer, "write_off", "5000.00", written_off_on)
    if reversed_on:
        entry(customer, "reversal", "5000.00", reversed_on, reverses=write_off)
    assert ledger_facts(customer.pk, on=ON).bad_debt_within_2y is bad


@pytest.mark.django_db
@pytest.mark.parametrize(
    "due_on, paid_after_days, overdue",
    [
        (date(2026, 1, 1), None, True),  # never paid: 195 days late
        (date(2026, 1, 1), 90, False),  # paid on the 90th day: within the limit
        (date(2026, 1, 1), 91, True),  # paid one day too late
        (date(2026, 5, 1), None, False),  # open but only 75 days late
        (date(2026, 4, 15), None, True),  # 91 days late on 15 July
        (date(2026, 4, 16), None, False),  # 90 days late: not beyond
        (date(2024, 1, 1), None, False),  # late long before the two years
    ],
)
def test_overdue_beyond_the_policy_limit_within_two_years(customer, due_on, paid_after_days, overdue):
    debit = entry(customer, "shipment", "1000.00", due_on - timedelta(days=30), due_on=due_on)
    if paid_after_days is not None:
        pay(debit, "1000.00", due_on + timedelta(days=paid_after_days))
    assert ledger_facts(customer.pk, on=ON).overdue_beyond_limit_within_2y is overdue


@pytest.mark.django_db
def test_broken_promises_counted_within_two_years(customer, salesperson):
    def promise(made, promised, status, amount="1000.00"):
        return PaymentPromise.objects.create(
            customer=customer,
            amount=Decimal(amount),
            made_on=made,
            promised_on=promised,
            status=status,
            created_by=salesperson,
        )

    promise(date(2026, 1, 1), date(2026, 1, 10), PromiseStatus.BROKEN)
    promise(date(2025, 3, 1), date(2025, 3, 10), PromiseStatus.BROKEN)
    promise(date(2024, 1, 1), date(2024, 1, 10), PromiseStatus.BROKEN)  # older than two years
    promise(date(2026, 2, 1), date(2026, 2, 10), PromiseStatus.KEPT)
    promise(date(2026, 3, 1), date(2026, 3, 10), PromiseStatus.OPEN)  # past its date, unpaid: broken
    promise(date(2026, 4, 1), date(2026, 4, 10), PromiseStatus.OPEN)  # past its date but paid: kept
    entry(customer, "payment", "1000.00", date(2026, 4, 9))
    promise(date(2026, 7, 1), date(2026, 7, 30), PromiseStatus.OPEN)  # not yet due
    assert ledger_facts(customer.pk, on=ON).broken_promises_2y == 3


@pytest.mark.django_db
def test_bulk_is_a_fixed_number_of_queries(make_customer, salesperson):
    customers = [make_customer(salesperson, name=f"客户{i}有限公司") for i in range(12)]
    for i, c in enumerate(customers):
        entry(c, "shipment", f"{100 + i}.00", date(2026, 3, 1), due_on=date(2026, 4, 1))
        entry(c, "payment", "50.00", date(2026, 5, 1))
    ids = [c.pk for c in customers] + [999999]
    with CaptureQueriesContext(connection) as ctx:
        facts = ledger_facts_bulk(ids, on=ON)
    assert len(ctx.captured_queries) <= 8
    assert facts[999999].first_trade_on is None
    assert facts[customers[3].pk] == ledger_facts(customers[3].pk, on=ON)
    assert facts[customers[3].pk].avg_monthly_shipments == Decimal("25.75")  # 103 over March–June
