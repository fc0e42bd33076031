"""What the analyses read from the ledger and the ratings, over the files a user sees."""

from datetime import date
from decimal import Decimal as D

import pytest

from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy
from xindang.reports.selectors import credit, sales

Y = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def shop(make_customer, salesperson):
    return make_customer(salesperson, name="华夏电气商店", industry="F", region="11")


@pytest.fixture
def mill(make_customer, salesperson):
    return make_customer(salesperson, name="长江钢铁贸易有限公司", industry="C", region="31")


@pytest.fixture
def elsewhere(make_customer, other_salesperson):
    return make_customer(other_salesperson, name="南方机电有限公司", industry="F", region="44")


def test_sales_count_a_billed_shipment_once_and_net_returns_and_reversals(
    post, shop, salesperson, credit_manager
):
    from xindang.ledger.services import reverse_entry

    # given a shipment of 1,000 billed by an invoice (the same sale), a plain invoice of 500,
    # a return of 100 and a shipment of 300 reversed
    shipment = post(shop, "shipment", 1000)
    post(shop, "invoice", 1000, settles=shipment)
    post(shop, "invoice", 500)
    post(shop, "credit_note", 100)
    wrong = post(shop, "shipment", 300)
    reverse_entry(entry=wrong, entry_on=date(2026, 3, 11), by=credit_manager)
    # when the sales are read, then 1,000 + 500 − 100 = 1,400
    assert sales.sales_by_customer(visible_customers(salesperson), *Y) == {shop.pk: D("1400.00")}
    assert sales.monthly_sales(visible_customers(salesperson), *Y) == {(2026, 3): D("1400.00")}


def test_composition_by_industry_of_the_visible_files(
    post, shop, mill, elsewhere, salesperson, credit_manager
):
    post(shop, "shipment", 600)
    post(mill, "shipment", 400)
    post(elsewhere, "shipment", 5000)
    mine = sales.composition(visible_customers(salesperson), "industry", *Y)
    assert [(r.key, r.amount, r.share) for r in mine.rows] == [
        ("F", D(600), D("0.6")),
        ("C", D(400), D("0.4")),
    ]
    everyone = sales.composition(visible_customers(credit_manager), "industry", *Y)
    assert everyone.total == D(6000)


def test_abc_report_classes_and_required_share(post, shop, mill, salesperson):
    post(shop, "shipment", 800)
    post(mill, "shipment", 200)
    report = sales.abc_report(visible_customers(salesperson), *Y, current_policy())
    assert [(r.customer.pk, r.klass, r.share) for r in report.rows] == [
        (shop.pk, "A", D("0.8")),
        (mill.pk, "B", D("0.2")),
    ]
    assert all(r.meets is None for r in report.rows)  # no level set by default (第三条3(4))


def test_product_analysis_reads_lines_costs_and_entered_stock(post, shop, salesperson):
    lines = [
        {"product": "电机", "amount": D(600), "cost_amount": D(420)},
        {"product": "变频器", "amount": D(400), "cost_amount": None},
    ]
    post(shop, "shipment", 1000, lines=lines)
    rows, lined = sales.product_analysis(visible_customers(salesperson), *Y, {"电机": (D(100), D(200))})
    by = {r.product: r for r in rows}
    assert lined == D(1000)
    assert (by["电机"].margin, by["电机"].margin_rate, by["电机"].turnover) == (D(180), D("0.3"), D(4))
    assert by["电机"].contribution == D("0.72")
    # no cost, no stock: no figures invented
    assert (by["变频器"].cost, by["变频器"].margin, by["变频器"].turnover) == (None, None, None)


def test_grade_distribution_and_migration(shop, mill, elsewhere, give_grade, manager, credit_manager):
    from xindang.credit.models import RatingStatus

    give_grade(shop, "A", days_ago=400, status=RatingStatus.SUPERSEDED)
    give_grade(shop, "B")
    give_grade(mill, "C")
    give_grade(elsewhere, "C")
    # the manager sees the department's files only
    assert credit.grade_distribution(visible_customers(manager)) == {"B": 1, "C": 1}
    assert credit.grade_distribution(visible_customers(credit_manager)) == {"B": 1, "C": 2}
    m = credit.migration(visible_customers(manager), date.today().replace(year=date.today().year - 1))
    assert m["matrix"]["A"]["B"] == 1 and m["matrix"][""]["C"] == 1


def test_limits_bands_and_overdue(post, shop, mill, salesperson):
    post(shop, "shipment", 1000, entry_on=date(2026, 1, 5), due_on=date(2026, 2, 4))
    on = date(2026, 6, 30)
    rows = credit.limits_and_exposure(visible_customers(salesperson), on)
    assert [(r["pk"], r["band"]) for r in rows] == [(shop.pk, "no_limit")]
    assert credit.overdue_by_customer(visible_customers(salesperson), on) == {shop.pk: D(1000)}
    trend = credit.monthly_trend(visible_customers(salesperson), on, 6)
    assert [f.label for f in trend] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert (trend[0].receivable, trend[0].overdue, trend[1].overdue) == (D(1000), D(0), D(1000))
    assert trend[0].sales == D(1000)


def test_core_and_tail(post, shop, mill, give_grade, salesperson):
    post(shop, "shipment", 9000, entry_on=date(2024, 1, 5), due_on=date(2024, 2, 5))
    post(shop, "payment", 9000, entry_on=date(2024, 2, 1))
    post(shop, "shipment", 9000, entry_on=date(2026, 1, 5), due_on=date(2026, 2, 5))
    post(shop, "payment", 9000, entry_on=date(2026, 2, 1))
    post(mill, "shipment", 500, entry_on=date(2026, 1, 5), due_on=date(2026, 2, 5))
    give_grade(mill, "C")
    on = date(2026, 6, 30)
    customers = visible_customers(salesperson)
    ct = sales.core_and_tail(
        customers,
        on=on,
        policy=current_policy(),
        grades={mill.pk: "C"},
        earlier={},
        overdue=credit.overdue_by_customer(customers, on),
    )
    assert [c.pk for c, *_rest in ct.core] == [shop.pk]
    assert [(c.pk, reasons) for c, reasons, *_rest in ct.tail] == [(mill.pk, ["grade_c", "overdue"])]
