"""The dashboard's stored monthly facts (reports.MonthlyFact, written by the daily run) give exactly
the figures computed live from the ledger — for every set of files a user may see — and refreshing
them again changes nothing."""

from datetime import date, timedelta
from decimal import Decimal as D
from io import StringIO
from itertools import count

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xindang.core.errors import DomainError
from xindang.customers.selectors import visible_customers
from xindang.reports import services
from xindang.reports.models import MonthlyFact
from xindang.reports.selectors import credit

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
_serial = count()


def _trend(customers, *, use_facts):
    return [
        (f.label, f.receivable, f.overdue, f.sales, f.collections, f.bad_debts, f.effectiveness)
        for f in credit.monthly_trend(customers, TODAY, 12, use_facts=use_facts)
    ]


@pytest.fixture
def trade(post, make_customer, salesperson, other_salesperson):
    """Two files of 销售一部 and one of 销售二部, with sales, payments, a reversal and a write-off
    spread over the year before TODAY and the running month."""
    from xindang.ledger.services import reverse_entry

    shop = make_customer(salesperson, name="华夏电气商店")
    mill = make_customer(salesperson, name="长江钢铁贸易有限公司")
    far = make_customer(other_salesperson, name="南方机电有限公司")
    post(shop, "shipment", 1000, entry_on=date(2025, 7, 5), due_on=date(2025, 8, 4))
    post(shop, "payment", 400, entry_on=date(2025, 9, 1))
    post(shop, "invoice", 2500, entry_on=date(2026, 2, 10), due_on=date(2026, 3, 12))
    wrong = post(mill, "shipment", 700, entry_on=date(2025, 12, 3), due_on=date(2026, 1, 2))
    reverse_entry(entry=wrong, entry_on=date(2026, 1, 4))
    post(mill, "shipment", 900, entry_on=date(2025, 11, 20), due_on=date(2025, 12, 20))
    post(mill, "write_off", 300, entry_on=date(2026, 4, 30), _allow_write_off=True)
    post(far, "shipment", 5000, entry_on=date(2025, 5, 20), due_on=date(2025, 6, 19))
    post(far, "payment", 5000, entry_on=date(2026, 6, 2))
    post(shop, "shipment", 800, entry_on=date(2026, 6, 10), due_on=date(2026, 7, 10))
    return shop, mill, far


def test_stored_facts_equal_the_live_computation_for_each_users_files(
    trade, salesperson, other_salesperson, manager, credit_manager
):
    rows = services.refresh_monthly_facts(today=TODAY)
    assert MonthlyFact.objects.filter(
        customer__isnull=True, department__isnull=True
    ).count() == services.fact_months(TODAY)
    assert rows == MonthlyFact.objects.count()
    for user in (salesperson, other_salesperson, manager, credit_manager):
        customers = visible_customers(user)
        assert _trend(customers, use_facts=True) == _trend(customers, use_facts=False), user
        # the dashboard hands the running month's ageing over from its one per-customer aggregate
        current = credit.ageing_total(credit.ageing_by_customer(customers, TODAY))
        given = credit.monthly_trend(customers, TODAY, current=current)
        assert [(f.receivable, f.overdue) for f in given] == [
            (f.receivable, f.overdue) for f in credit.monthly_trend(customers, TODAY)
        ]


@pytest.mark.parametrize(
    "month, receivable, overdue, sales, collections, bad_debts",
    [
        # shop's 1,000 shipped 5 July, due 4 August: not yet due at the end of July
        ("2025-07", D(6000), D(5000), D(1000), D(0), D(0)),
        # 400 paid in September: 600 of the shop's shipment open and overdue
        ("2025-09", D(5600), D(5600), D(0), D(400), D(0)),
        # the mill's 700 shipped in December and reversed in January
        ("2025-12", D(7200), D(6500), D(700), D(0), D(0)),
        ("2026-01", D(6500), D(6500), D(-700), D(0), D(0)),
        ("2026-04", D(8700), D(8700), D(0), D(0), D(300)),
        # the running month, live: the far file paid, the shop shipped 800 more
        ("2026-06", D(4500), D(3700), D(800), D(5000), D(0)),
    ],
)
def test_the_trend_read_from_the_facts(
    trade, credit_manager, month, receivable, overdue, sales, collections, bad_debts
):
    services.refresh_monthly_facts(today=TODAY)
    by_month = {f.label: f for f in credit.monthly_trend(visible_customers(credit_manager), TODAY)}
    f = by_month[month]
    assert (f.receivable, f.overdue, f.sales, f.collections, f.bad_debts) == (
        receivable,
        overdue,
        sales,
        collections,
        bad_debts,
    )


def test_refreshing_again_is_idempotent_and_takes_in_back_dated_entries(trade, post, credit_manager):
    shop = trade[0]
    services.refresh_monthly_facts(today=TODAY)
    first = sorted(MonthlyFact.objects.values_list("customer_id", "month", "receivable", "sales"), key=str)
    services.refresh_monthly_facts(today=TODAY)
    assert (
        sorted(MonthlyFact.objects.values_list("customer_id", "month", "receivable", "sales"), key=str)
        == first
    )
    post(shop, "shipment", 50, entry_on=date(2026, 3, 3), due_on=date(2026, 4, 2))  # back-dated
    services.refresh_monthly_facts(today=TODAY)
    customers = visible_customers(credit_manager)
    assert _trend(customers, use_facts=True) == _trend(customers, use_facts=False)


def test_the_refresh_is_incremental(trade, post, credit_manager):
    """A second run recomputes nothing; a back-dated entry makes it recompute its month and the later
    ones only; a month not stored yet is computed; `full` recomputes every month."""
    from django.db.models import F

    from xindang.ledger.models import TradeEntry

    shop = trade[0]
    # the fixture's trade posted well before the run (an entry posted within services.LATE_COMMIT of
    # the last run is read again, in case it was committed after the run read the ledger)
    TradeEntry.objects.update(created_at=F("created_at") - 2 * services.LATE_COMMIT)
    span = services.closed_months(TODAY)
    assert services.months_to_refresh(span) == span
    services.refresh_monthly_facts(today=TODAY)
    assert services.months_to_refresh(span) == []
    assert services.refresh_monthly_facts(today=TODAY) == 0
    post(shop, "shipment", 50, entry_on=date(2026, 3, 3), due_on=date(2026, 4, 2))
    assert services.months_to_refresh(span) == [(2026, 3), (2026, 4), (2026, 5)]
    MonthlyFact.objects.filter(month=date(2025, 8, 1)).delete()
    assert services.months_to_refresh(span) == [(2025, 8), (2026, 3), (2026, 4), (2026, 5)]
    assert services.months_to_refresh(span, full=True) == span
    services.refresh_monthly_facts(today=TODAY)
    customers = visible_customers(credit_manager)
    assert _trend(customers, use_facts=True) == _trend(customers, use_facts=False)


def test_a_month_not_stored_is_computed_live(trade, credit_manager):
    services.refresh_monthly_facts(today=TODAY, months=3)  # only March to May stored
    customers = visible_customers(credit_manager)
    assert _trend(customers, use_facts=True) == _trend(customers, use_facts=False)


def test_the_trend_as_of_a_months_last_day_reads_that_month_stored(trade, credit_manager):
    """The yearly report of a year just ended runs to 31 December: December is a closed month stored by
    the daily run, read like the others (no ledger read), with the figures computed live."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.refresh_monthly_facts(today=TODAY)
    customers = visible_customers(credit_manager)
    on = date(2026, 4, 30)
    live = credit.monthly_trend(customers, on, 12, use_facts=False)
    with CaptureQueriesContext(connection) as ctx:
        stored = credit.monthly_trend(customers, on, 12)
    assert stored == live
    assert not [q for q in ctx.captured_queries if "ledger_tradeentry" in q["sql"]]


def test_months_that_left_the_kept_window_are_deleted(trade, credit_manager):
    """A month before services.fact_months is no longer refreshed: it is deleted rather than left to
    go stale, and a trend over it is computed from the ledger."""
    services.refresh_monthly_facts(today=TODAY)  # December 2024 to May 2026
    assert MonthlyFact.objects.filter(month=date(2024, 12, 1)).exists()
    services.refresh_monthly_facts(today=date(2027, 2, 1))  # December 2025 on
    assert not MonthlyFact.objects.filter(month__lt=date(2025, 12, 1)).exists()
    assert MonthlyFact.objects.filter(customer__isnull=True, month=date(2025, 12, 1)).exists()
    customers = visible_customers(credit_manager)
    assert _trend(customers, use_facts=True) == _trend(customers, use_facts=False)


def test_warm_reports_stores_the_facts(trade):
    out = StringIO()
    call_command("warm_reports", "--today", TODAY.isoformat(), stdout=out)
    assert "18 months before 2026-06 stored" in out.getvalue()  # from December 2024: services.fact_months
    assert MonthlyFact.objects.filter(customer__isnull=True, month=date(2026, 5, 1)).exists()
    assert MonthlyFact.objects.filter(customer__isnull=True, month=date(2024, 12, 1)).exists()
    assert "credit snapshot of the end of 2025 stored" in out.getvalue()


step = st.tuples(
    st.sampled_from(["shipment", "invoice", "payment", "note_received", "write_off", "credit_note"]),
    st.integers(min_value=1, max_value=900),
    st.integers(min_value=0, max_value=420),  # days after 2025-04-01
    st.integers(min_value=0, max_value=60),  # term
    st.integers(min_value=0, max_value=2),  # which file
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_any_trade_gives_facts_equal_to_the_live_figures(
    post, make_customer, salesperson, other_salesperson, manager, credit_manager, steps
):
    with transaction.atomic():
        n = next(_serial)
        files = [
            make_customer(salesperson, name=f"性质测试甲{n}有限公司"),
            make_customer(salesperson, name=f"性质测试乙{n}有限公司"),
            make_customer(other_salesperson, name=f"性质测试丙{n}有限公司"),
        ]
        for kind, amount, day, term, which in steps:
            on = date(2025, 4, 1) + timedelta(days=day)
            due = on + timedelta(days=term) if kind in ("shipment", "invoice") else None
            extra = {"_allow_write_off": True} if kind == "write_off" else {}
            try:
                post(files[which], kind, amount, entry_on=on, due_on=due, **extra)
            except DomainError:  # e.g. a write-off above what is owed: refused, nothing posted
                continue
        services.refresh_monthly_facts(today=TODAY)
        for user in (salesperson, manager, credit_manager):
            customers = visible_customers(user)
            assert _trend(customers, use_facts=True) == _trend(customers, use_facts=False)
        transaction.set_rollback(True)


def test_the_daily_run_stores_the_facts(trade):
    from xindang.duties.daily import run_daily

    report = run_daily(today=TODAY, users=[])
    assert any(line.startswith("reports: dashboard facts") for line in report.lines)
    assert MonthlyFact.objects.filter(
        customer__isnull=True, department__isnull=True
    ).count() == services.fact_months(TODAY)
