"""The stored monthly sales facts (reports.SalesFact, written by the daily run) give exactly the sales
the analyses compute from the ledger — an invoice billing a shipment once, returns and reversals
taken off — for every set of files a user may see: the composition, the seasonal index, the sales per
customer; refreshing again changes nothing, and only the months a posting can have changed are
computed again."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xindang.core.errors import DomainError
from xindang.customers.selectors import visible_customers
from xindang.reports import services
from xindang.reports.models import SalesFact, SalesYear
from xindang.reports.selectors import sales

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
_serial = count()
PERIODS = [
    (date(2026, 1, 1), TODAY),  # this year: closed months stored, the running month live
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2023, 1, 1), date(2025, 12, 31)),  # the seasonal index's three years
    (date(2021, 1, 1), date(2021, 12, 31)),  # before the kept months: all live
    (date(2022, 3, 5), date(2023, 2, 10)),  # parts of months
]


def _figures(customers):
    out = {}
    for start, end in PERIODS:
        out[(start, "monthly")] = sales.monthly_sales(customers, start, end)
        out[(start, "customers")] = sales.sales_by_customer(customers, start, end)
        out[(start, "total")] = sales.total_sales(customers, start, end)
        for dimension in ("industry", "region", "tier"):
            out[(start, dimension)] = sales.composition(customers, dimension, start, end)
    return out


def _stored_and_live(users):
    services.refresh_sales_facts(today=TODAY)
    stored = {u.pk: _figures(visible_customers(u)) for u in users}
    SalesFact.objects.all().delete()
    live = {u.pk: _figures(visible_customers(u)) for u in users}
    return stored, live


@pytest.fixture
def trade(post, make_customer, salesperson, other_salesperson):
    from xindang.ledger.services import reverse_entry

    shop = make_customer(salesperson, name="华夏电气商店", industry="F")
    mill = make_customer(salesperson, name="长江钢铁贸易有限公司", industry="C")
    far = make_customer(other_salesperson, name="南方机电有限公司", industry="F")
    post(shop, "shipment", 1000, entry_on=date(2023, 7, 5), due_on=date(2023, 8, 4))
    post(shop, "invoice", 2500, entry_on=date(2026, 2, 10), due_on=date(2026, 3, 12))
    wrong = post(mill, "shipment", 700, entry_on=date(2025, 12, 3), due_on=date(2026, 1, 2))
    reverse_entry(entry=wrong, entry_on=date(2026, 1, 4))
    post(mill, "shipment", 900, entry_on=date(2025, 11, 20), due_on=date(2025, 12, 20))
    post(mill, "credit_note", 300, entry_on=date(2026, 4, 30))
    post(far, "shipment", 5000, entry_on=date(2021, 5, 20), due_on=date(2021, 6, 19))
    post(far, "shipment", 400, entry_on=date(2022, 5, 20), due_on=date(2022, 6, 19))
    post(shop, "shipment", 800, entry_on=date(2026, 6, 10), due_on=date(2026, 7, 10))
    return shop, mill, far


def test_stored_sales_equal_the_live_computation_for_each_users_files(
    trade, salesperson, other_salesperson, manager, credit_manager
):
    stored, live = _stored_and_live((salesperson, other_salesperson, manager, credit_manager))
    assert stored == live


def test_the_kept_months_and_the_refresh(trade, post):
    from django.db.models import F

    from xindang.ledger.models import TradeEntry

    shop = trade[0]
    TradeEntry.objects.update(created_at=F("created_at") - 2 * services.LATE_COMMIT)  # posted well before
    rows = services.refresh_sales_facts(today=TODAY)
    months = (
        SalesFact.objects.filter(customer__isnull=True, department__isnull=True)
        .order_by("month")
        .values_list("month", flat=True)
    )
    assert (months.first(), months.last(), months.count()) == (date(2022, 1, 1), date(2026, 5, 1), 53)
    assert rows == SalesFact.objects.count() + SalesYear.objects.count()
    # a row per customer and year beside the months, and the company's: each year January to its last
    assert sorted(SalesYear.objects.filter(customer__isnull=True).values_list("year", "months")) == [
        (2022, 12),
        (2023, 12),
        (2024, 12),
        (2025, 12),
        (2026, 5),
    ]
    year = SalesYear.objects.get(customer=shop, year=2026)
    assert year.sales == sum(
        SalesFact.objects.filter(customer=shop, month__year=2026).values_list("sales", flat=True)
    )
    assert services.refresh_sales_facts(today=TODAY) == 0  # nothing posted since
    post(shop, "shipment", 50, entry_on=date(2026, 3, 3), due_on=date(2026, 4, 2))
    assert (
        services.refresh_sales_facts(today=TODAY)
        == SalesFact.objects.filter(month__gte=date(2026, 3, 1)).count()
        + SalesYear.objects.filter(year=2026).count()
    )
    assert SalesYear.objects.get(customer=shop, year=2026).sales == year.sales + 50
    assert SalesFact.objects.get(customer=shop, month=date(2026, 3, 1)).sales == 50
    services.refresh_sales_facts(today=date(2027, 2, 1))  # a year on: 2022 is no longer kept
    assert not SalesFact.objects.filter(month__lt=date(2023, 1, 1)).exists()
    assert not SalesYear.objects.filter(year__lt=2023).exists()


step = st.tuples(
    st.sampled_from(["shipment", "invoice", "payment", "credit_note", "reverse"]),
    st.integers(min_value=1, max_value=900),
    st.integers(min_value=0, max_value=1600),  # days after 2022-01-10
    st.integers(min_value=0, max_value=2),  # which file
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_any_trade_gives_stored_sales_equal_to_the_live_ones(
    post, make_customer, salesperson, other_salesperson, manager, credit_manager, steps
):
    from xindang.ledger.services import reverse_entry

    with transaction.atomic():
        n = next(_serial)
        files = [
            make_customer(salesperson, name=f"销售事实甲{n}有限公司", industry="C"),
            make_customer(salesperson, name=f"销售事实乙{n}有限公司", industry="F"),
            make_customer(other_salesperson, name=f"销售事实丙{n}有限公司", industry="C"),
        ]
        last, reversed_ = None, set()
        for kind, amount, day, which in steps:
            on = min(date(2022, 1, 10) + timedelta(days=day), TODAY)
            try:
                if kind == "reverse":
                    if last is not None and last.pk not in reversed_:
                        reversed_.add(last.pk)
                        reverse_entry(entry=last, entry_on=max(on, last.entry_on))
                    continue
                due = on + timedelta(days=30) if kind in ("shipment", "invoice") else None
                last = post(files[which], kind, amount, entry_on=on, due_on=due)
            except DomainError:
                continue
        stored, live = _stored_and_live((salesperson, manager, credit_manager))
        assert stored == live
        transaction.set_rollback(True)


def test_the_largest_customers_of_the_years_read(trade, credit_manager):
    shop, mill, far = trade
    customers = visible_customers(credit_manager)
    live = sales.top_customers(customers, date(2023, 1, 1), date(2025, 12, 31), 2)
    services.refresh_sales_facts(today=TODAY)
    assert (
        sales.top_customers(customers, date(2023, 1, 1), date(2025, 12, 31), 2) == live == [mill.pk, shop.pk]
    )
