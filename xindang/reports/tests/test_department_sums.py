"""A department manager's analyses read their department's stored sums and ranking (beside the
company's) and correct the sums by the few files seen beyond the department or not seen in it: the
same figures as the sums over the files' own rows and the rules run over the files seen, before and
after files change department."""

from datetime import date

import pytest

from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy
from xindang.reports import services
from xindang.reports.models import AbcRank, CreditSnapshot, MonthlyFact, SalesFact
from xindang.reports.selectors import credit, ranking, snapshot
from xindang.reports.selectors.sales import Base, base_of, figures, monthly_sales

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
MONTHS = services.closed_months(TODAY)


@pytest.fixture
def books(post, make_customer, salesperson, other_salesperson, give_grade):
    """Three files of the manager's department and two of the other's; a year of trade and grades."""
    shop = make_customer(salesperson, name="华夏电气商店")
    mill = make_customer(salesperson, name="长江钢铁贸易有限公司")
    quiet = make_customer(salesperson, name="安静贸易有限公司")
    far = make_customer(other_salesperson, name="南方机电有限公司")
    own = make_customer(other_salesperson, name="东方五金贸易有限公司")
    post(shop, "shipment", 1000, entry_on=date(2025, 9, 5), due_on=date(2025, 10, 5))
    post(shop, "payment", 400, entry_on=date(2025, 11, 1))
    post(shop, "invoice", 2500, entry_on=date(2026, 5, 1), due_on=date(2026, 5, 31))
    post(mill, "shipment", 900, entry_on=date(2025, 11, 20), due_on=date(2025, 12, 20))
    post(mill, "credit_note", 100, entry_on=date(2026, 1, 20))
    post(far, "shipment", 5000, entry_on=date(2026, 2, 20), due_on=date(2026, 3, 19))
    post(own, "shipment", 700, entry_on=date(2026, 3, 3), due_on=date(2026, 4, 2))
    give_grade(shop, "A")
    give_grade(mill, "C", days_ago=400)
    give_grade(far, "B")
    give_grade(own, "B")
    return shop, mill, quiet, far, own


def _refresh():
    services.refresh_monthly_facts(today=TODAY)
    services.refresh_sales_facts(today=TODAY)
    services.refresh_credit_snapshot(today=TODAY)


def _small_department(monkeypatch):
    """The test's department counts as one of many files, and the other department's files as many
    (not "all but a few", which would read the company's sums)."""
    monkeypatch.setattr(figures, "MIN_FOR_DEPARTMENT", 1)
    monkeypatch.setattr(figures, "left_out_ids", lambda qs: None)


def _figures(customers):
    return (
        credit.stored_facts(customers, MONTHS),
        monthly_sales(customers, date(2025, 1, 1), date(2026, 5, 31)),
        {name: snapshot.totals_of(customers, name) for name in snapshot.TOTALS},
    )


def _over_rows(customers, monkeypatch):
    with monkeypatch.context() as m:
        for module in (figures, snapshot):
            m.setattr(module, "base_of", lambda qs: None)
        return _figures(customers)


def test_every_refresh_stores_each_departments_sums(books, dept_xs1, dept_xs2):
    _refresh()
    for model in (MonthlyFact, SalesFact):
        company = set(
            model.objects.filter(customer__isnull=True, department__isnull=True).values_list(
                "month", flat=True
            )
        )
        for dept in (dept_xs1, dept_xs2):  # a row in every stored month, zeros included
            rows = model.objects.filter(customer__isnull=True, department=dept)
            assert set(rows.values_list("month", flat=True)) == company, (model, dept)
    assert set(CreditSnapshot.objects.get(customer__isnull=True).totals["departments"]) == {
        str(dept_xs1.pk),
        str(dept_xs2.pk),
    }
    shop = books[0]
    assert CreditSnapshot.objects.get(customer=shop).department_id == dept_xs1.pk
    # the department's November: the mill's shipment
    november = SalesFact.objects.get(customer__isnull=True, department=dept_xs1, month=date(2025, 11, 1))
    assert (november.sales, november.entries) == (900, 1)
    # a month refreshed alone rewrites its departments' rows too
    MonthlyFact.objects.filter(customer__isnull=True, department__isnull=False).delete()
    services.refresh_monthly_facts(today=TODAY, full=True)
    assert MonthlyFact.objects.filter(
        customer__isnull=True, department=dept_xs1
    ).count() == services.fact_months(TODAY)


def test_a_department_managers_figures_from_the_stored_sums_equal_the_sums_over_rows(
    books, manager, monkeypatch, dept_xs1
):
    _small_department(monkeypatch)
    shop, mill, quiet, far, own = books
    _refresh()
    customers = visible_customers(manager)
    assert base_of(customers) == Base(dept_xs1.pk, (), ())
    assert _figures(customers) == _over_rows(customers, monkeypatch)


def test_files_that_change_department_after_the_snapshot_are_corrected(
    books, manager, monkeypatch, dept_xs1, dept_xs2
):
    _small_department(monkeypatch)
    shop, mill, quiet, far, own = books
    _refresh()
    Customer.objects.filter(pk=mill.pk).update(department=dept_xs2)  # handed over to the other department
    Customer.objects.filter(pk=far.pk).update(department=dept_xs1)  # and one handed over to this one
    customers = visible_customers(manager)
    assert base_of(customers) == Base(dept_xs1.pk, (far.pk,), (mill.pk,))
    via_sums = _figures(customers)
    assert via_sums == _over_rows(customers, monkeypatch)
    assert via_sums[1][(2026, 2)] == 5000  # the file handed over brings its sales along


def test_without_a_snapshot_or_for_a_few_files_the_rows_are_summed(books, manager, monkeypatch):
    services.refresh_monthly_facts(today=TODAY)
    monkeypatch.setattr(figures, "left_out_ids", lambda qs: None)
    assert base_of(visible_customers(manager)) is None  # fewer files than MIN_FOR_DEPARTMENT
    _small_department(monkeypatch)
    assert base_of(visible_customers(manager)) is None  # no snapshot: no department has stored files


def _abc(customers, policy):
    report = ranking.abc_report(customers, 2026, TODAY, policy)
    ct, _marker = ranking.core_and_tail(customers, on=TODAY, today=TODAY, policy=policy)
    return list(report.rows), report.summary, report.total, list(ct.core), list(ct.tail), ct.middle_count


def test_a_department_manager_reads_the_departments_stored_ranking(books, manager, monkeypatch, dept_xs1):
    _small_department(monkeypatch)
    shop, mill, quiet, far, own = books
    _refresh()
    services.refresh_abc_ranking(today=TODAY)
    policy = current_policy()
    customers = visible_customers(manager)
    for kind, year in ((AbcRank.Kind.SALES, 2026), (AbcRank.Kind.CORE, 2026)):
        assert ranking.whole_ranking(customers, kind, year, policy) == (True, dept_xs1.pk)
    ranked = AbcRank.objects.filter(kind=AbcRank.Kind.SALES, year=2026, department=dept_xs1, customer=shop)
    assert ranked.get().rank == 1  # the shop's 2,500 leads the department (the other's 5,000 does not count)
    via_department = _abc(customers, policy)
    with monkeypatch.context() as m:  # the same rules run over the stored figures of the files seen
        m.setattr(ranking, "whole_ranking", lambda *args: (False, None))
        assert via_department == _abc(customers, policy)
    # a ranked file handed over since: the department's ranking no longer holds the files seen
    Customer.objects.filter(pk=mill.pk).update(department=books[3].department_id)
    assert ranking.whole_ranking(visible_customers(manager), AbcRank.Kind.SALES, 2026, policy) == (
        False,
        None,
    )
    # a new snapshot drops the departments' rankings until the ranking is stored again
    services.refresh_credit_snapshot(today=TODAY)
    assert not AbcRank.objects.filter(department__isnull=False).exists()


def test_the_files_seen_are_read_once_from_the_visibilitys_own_query(
    books, manager, salesperson, credit_manager
):
    for user in (manager, salesperson, credit_manager):
        customers = visible_customers(user)
        assert figures.visible_ids(customers) == set(customers.values_list("pk", flat=True)), user
    assert figures.ids_query(visible_customers(manager)) is not None  # the union of index lookups
