"""The daily credit snapshot (reports.CreditSnapshot) gives exactly the dashboard the ledger gives live —
for every set of files a user may see — and the drill-downs, the workbench panel and the tail of the
ABC analysis read the same files from it; refreshing again changes nothing; the page says as of when."""

from datetime import date, timedelta
from decimal import Decimal as D
from itertools import count

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xindang.core.errors import DomainError
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.customers.selectors import visible_customers
from xindang.reports import services
from xindang.reports.documents import credit_document
from xindang.reports.models import CreditSnapshot
from xindang.reports.selectors import credit, snapshot
from xindang.reports.selectors.sales import Base

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
_serial = count()


def grant(customer, limit, *, on=TODAY):
    return CreditGrant.objects.create(
        customer=customer,
        limit_amount=D(limit),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=on - timedelta(days=100),
        valid_until=on + timedelta(days=300),
    )


def _dashboard(customers, snap, on=TODAY):
    doc = credit_document(customers, on=on, snap=snap)
    return [(t.key, t.title, t.rows, t.links, t.note) for t in doc.tables]


@pytest.fixture
def trade(post, make_customer, salesperson, other_salesperson, give_grade):
    """Four files over two departments: overdue and current receivables, limits below, near and over
    the exposure, one without a limit, grades now and a year ago."""
    shop = make_customer(salesperson, name="华夏电气商店")
    mill = make_customer(salesperson, name="长江钢铁贸易有限公司")
    quiet = make_customer(salesperson, name="安静贸易有限公司")
    far = make_customer(other_salesperson, name="南方机电有限公司")
    post(shop, "shipment", 1000, entry_on=date(2026, 2, 5), due_on=date(2026, 3, 7))
    post(shop, "payment", 400, entry_on=date(2026, 3, 1))
    post(shop, "invoice", 2500, entry_on=date(2026, 6, 1), due_on=date(2026, 7, 1))
    post(mill, "shipment", 900, entry_on=date(2025, 11, 20), due_on=date(2025, 12, 20))
    post(mill, "shipment", 700, entry_on=date(2026, 5, 3), due_on=date(2026, 6, 2))
    post(far, "shipment", 5000, entry_on=date(2026, 4, 20), due_on=date(2026, 5, 19))
    grant(shop, 10000)
    grant(mill, 1500)
    grant(quiet, 2000)
    before = (timezone.localdate() - date(2025, 1, 2)).days  # rated before a year ago from TODAY
    give_grade(shop, "B", days_ago=before)
    give_grade(shop, "A")
    give_grade(mill, "C")
    give_grade(far, "B", days_ago=before)
    return shop, mill, quiet, far


def test_the_snapshot_gives_the_live_dashboard_for_each_users_files(
    trade, salesperson, other_salesperson, manager, credit_manager
):
    rows = services.refresh_credit_snapshot(today=TODAY)
    assert rows == CreditSnapshot.objects.count() == len(trade) + 1  # every file and the marker
    snap = snapshot.for_day(TODAY)
    assert snap is not None and snap.on == TODAY
    for user in (salesperson, other_salesperson, manager, credit_manager):
        customers = visible_customers(user)
        assert _dashboard(customers, snap) == _dashboard(customers, None), user


def test_the_yearly_reports_migration_since_last_year_end_is_read_from_the_snapshot(
    trade, salesperson, manager, credit_manager
):
    """The yearly report compares the grades now with those at the end of last year (000 合同 4): the
    snapshot keeps that grade too, and gives the live matrix without asking every customer's grade."""
    services.refresh_credit_snapshot(today=TODAY)
    snap = snapshot.for_day(TODAY)
    end = snapshot.last_year_end(TODAY)
    assert end == date(2025, 12, 31) and snapshot.has_year_migration(snap)
    shop, mill, _quiet, far = trade
    stored = dict(
        CreditSnapshot.objects.filter(customer__isnull=False).values_list("customer", "grade_year_end")
    )
    assert (stored[shop.pk], stored[mill.pk], stored[far.pk]) == ("B", "", "B")
    for user in (salesperson, manager, credit_manager):
        customers = visible_customers(user)
        live = credit_document(customers, on=TODAY, then=end, snap=None).tables[1]
        read = credit_document(customers, on=TODAY, then=end, snap=snap).tables[1]
        assert (read.key, read.rows) == (live.key, live.rows), user
    with CaptureQueriesContext(connection) as ctx:  # the marker's stored sums: no grade asked
        snapshot.migration_pairs(visible_customers(credit_manager), since_year_end=True)
    assert not [q for q in ctx.captured_queries if "credit_rating" in q["sql"]]
    # a snapshot stored before the grade at the year's end was kept: the matrix is the live one
    marker = CreditSnapshot.objects.get(customer__isnull=True)
    del marker.totals["year_migration"]
    marker.save()
    CreditSnapshot.objects.filter(customer__isnull=False).update(grade_year_end="")
    assert not snapshot.has_year_migration(snapshot.for_day(TODAY))
    customers = visible_customers(credit_manager)
    live = credit_document(customers, on=TODAY, then=end, snap=None).tables[1]
    assert (
        credit_document(customers, on=TODAY, then=end, snap=snapshot.for_day(TODAY)).tables[1].rows
        == live.rows
    )


@pytest.mark.parametrize(
    "which, overdue, band, grade, grade_year_ago",
    [
        # 600 of the shop's February shipment overdue since 7 March; 2,500 invoiced, not yet due
        ("shop", D(600), "lt50", "A", "B"),
        # the mill: 900 overdue since December, 700 since 2 June; 1,600 against a limit of 1,500
        ("mill", D(1600), "over", "C", ""),
        # a limit, nothing owed
        ("quiet", D(0), "lt50", "", ""),
        # no limit, 5,000 overdue
        ("far", D(5000), "no_limit", "B", "B"),
    ],
)
def test_the_stored_figures_of_a_file(trade, which, overdue, band, grade, grade_year_ago):
    files = dict(zip(("shop", "mill", "quiet", "far"), trade, strict=True))
    services.refresh_credit_snapshot(today=TODAY)
    row = CreditSnapshot.objects.get(customer=files[which])
    assert (row.overdue, row.band, row.grade, row.grade_year_ago) == (overdue, band, grade, grade_year_ago)
    assert row.a0 + row.overdue == sum(row.amounts(6), D(0))


def test_risk_inputs_and_drill_ids_equal_the_live_ones(trade, manager, credit_manager):
    services.refresh_credit_snapshot(today=TODAY)
    for user in (manager, credit_manager):
        customers = visible_customers(user)
        grades, earlier, overdue = credit.risk_inputs(customers, TODAY)
        assert snapshot.grades_now_and_then(customers) == (grades, earlier)
        assert snapshot.overdue_by_customer(customers) == overdue
        assert {r["customer_id"] for r in snapshot.overdue_ids(customers)} == set(overdue)
        live = {r["pk"] for r in credit.limits_and_exposure(customers, TODAY) if r["band"] == "over"}
        assert {r["customer_id"] for r in snapshot.band_ids(customers, "over")} == live


def test_refreshing_again_is_idempotent_and_takes_in_new_entries(trade, post, credit_manager):
    shop = trade[0]
    services.refresh_credit_snapshot(today=TODAY)
    first = sorted(CreditSnapshot.objects.values_list("customer_id", "overdue", "a0", "exposure"), key=str)
    services.refresh_credit_snapshot(today=TODAY)
    again = sorted(CreditSnapshot.objects.values_list("customer_id", "overdue", "a0", "exposure"), key=str)
    assert again == first
    post(shop, "shipment", 50, entry_on=date(2026, 3, 3), due_on=date(2026, 4, 2))
    customers = visible_customers(credit_manager)
    services.refresh_credit_snapshot(today=TODAY)
    assert _dashboard(customers, snapshot.for_day(TODAY)) == _dashboard(customers, None)
    assert CreditSnapshot.objects.get(customer=shop).overdue == D(650)


def test_a_snapshot_of_other_buckets_or_another_day_is_not_read(trade):
    services.refresh_credit_snapshot(today=TODAY)
    assert snapshot.for_dashboard(TODAY + timedelta(days=1)) is not None  # before the next daily run
    assert snapshot.for_dashboard(TODAY + timedelta(days=2)) is None
    assert snapshot.for_day(TODAY + timedelta(days=1)) is None
    CreditSnapshot.objects.filter(customer__isnull=True).update(buckets="30,90")
    assert snapshot.for_day(TODAY) is None


def test_the_dashboard_page_says_as_of_the_daily_run(client, trade, manager):
    today = timezone.localdate()
    services.refresh_credit_snapshot(today=today)
    type(manager).objects.filter(pk=manager.pk).update(language="en")  # reads in English
    client.force_login(manager)
    page = client.get(reverse("reports:credit")).content.decode()
    assert "as stored by the daily run of" in page
    # its drill-downs list the snapshot's files, within the department
    listed = client.get(reverse("reports:customers") + "?overdue=1").content.decode()
    assert "长江钢铁贸易有限公司" in listed and "南方机电有限公司" not in listed
    panel = client.get(reverse("reports:home_section"))
    assert panel.status_code == 200


def test_the_daily_run_stores_the_snapshot(trade):
    from xindang.duties.daily import run_daily

    report = run_daily(today=TODAY, users=[])
    assert any(line.startswith("reports_snapshot: credit snapshot") for line in report.lines)
    assert snapshot.for_day(TODAY) is not None
    assert any(
        line.startswith("reports_year_end: credit snapshot of the end of 2025") for line in report.lines
    )
    assert snapshot.year_end_of(date(2025, 12, 31)) is not None


def _tables(doc):
    return [(t.key, t.title, t.rows, t.links, t.note) for t in doc.tables]


def test_the_year_end_snapshot_gives_the_live_yearly_report_for_each_users_files(
    trade, salesperson, other_salesperson, manager, credit_manager, post
):
    """The yearly report of the year just ended (000 合同 4: due before 10 January) reads the figures
    of 31 December from the year-end snapshot: the same as computed live, for every user's files."""
    from xindang.policy.selectors import current_policy
    from xindang.reports.documents import yearly_document
    from xindang.reports.models import YearEndSnapshot

    end = date(2025, 12, 31)
    # a late posting with a December date: in the figures of the next run
    mill = trade[1]
    rows = services.refresh_year_end_snapshot(today=TODAY)
    assert rows == YearEndSnapshot.objects.count() == len(trade) + 1
    post(mill, "payment", 100, entry_on=date(2025, 12, 30))
    services.refresh_year_end_snapshot(today=TODAY)
    assert YearEndSnapshot.objects.count() == len(trade) + 1  # replaced, not added
    snap = snapshot.year_end_of(end)
    assert snap is not None and snapshot.for_day(end) is None
    assert YearEndSnapshot.objects.get(customer=mill).overdue == D(800)  # 900 overdue, 100 paid
    policy = current_policy()
    for user in (salesperson, other_salesperson, manager, credit_manager):
        customers = visible_customers(user)
        read = credit_document(customers, on=end, then=date(2024, 12, 31), snap=snap)
        live = credit_document(customers, on=end, then=date(2024, 12, 31), snap=None)
        assert _tables(read) == _tables(live), user
        stored_doc = yearly_document(customers, year=2025, today=TODAY, policy=policy)
        assert any("as stored by the daily run" in n for n in stored_doc.notes)
        YearEndSnapshot.objects.filter(customer__isnull=True).update(buckets="1,2,3")  # other buckets
        assert snapshot.year_end_of(end) is None
        live_doc = yearly_document(customers, year=2025, today=TODAY, policy=policy)
        assert _tables(stored_doc) == _tables(live_doc), user
        assert not any("as stored by the daily run" in n for n in live_doc.notes)
        YearEndSnapshot.objects.filter(customer__isnull=True).update(buckets=snap.buckets)
    # the daily snapshot is not touched by the year-end one, nor read in its place
    assert not CreditSnapshot.objects.exists()


@pytest.mark.parametrize(
    "today, months, first",
    [
        (date(2027, 1, 5), 13, (2025, 12)),  # the dashboard's 13 months hold all of 2026
        (date(2026, 6, 15), 18, (2024, 12)),
        (date(2026, 12, 7), 24, (2024, 12)),
    ],
)
def test_the_monthly_facts_hold_last_year_and_the_december_before_it(today, months, first):
    """The yearly report of last year (its months and the opening December) reads stored months on
    any day of this year."""
    assert services.fact_months(today) == months
    assert services.closed_months(today, months)[0] == first


step = st.tuples(
    st.sampled_from(["shipment", "invoice", "payment", "note_received", "write_off", "credit_note"]),
    st.integers(min_value=1, max_value=900),
    st.integers(min_value=0, max_value=420),  # days after 2025-04-01
    st.integers(min_value=0, max_value=60),  # term
    st.integers(min_value=0, max_value=2),  # which file
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(step, min_size=1, max_size=12),
    limits=st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=3000)), min_size=3, max_size=3),
)
def test_any_trade_gives_a_snapshot_equal_to_the_live_dashboard(
    post, make_customer, salesperson, other_salesperson, manager, credit_manager, steps, limits
):
    with transaction.atomic():
        n = next(_serial)
        files = [
            make_customer(salesperson, name=f"快照测试甲{n}有限公司"),
            make_customer(salesperson, name=f"快照测试乙{n}有限公司"),
            make_customer(other_salesperson, name=f"快照测试丙{n}有限公司"),
        ]
        for customer, limit in zip(files, limits, strict=True):
            if limit is not None:
                grant(customer, limit)
        for kind, amount, day, term, which in steps:
            on = date(2025, 4, 1) + timedelta(days=day)
            due = on + timedelta(days=term) if kind in ("shipment", "invoice") else None
            extra = {"_allow_write_off": True} if kind == "write_off" else {}
            try:
                post(files[which], kind, amount, entry_on=on, due_on=due, **extra)
            except DomainError:  # e.g. a write-off above what is owed: refused, nothing posted
                continue
        services.refresh_credit_snapshot(today=TODAY)
        snap = snapshot.for_day(TODAY)
        for user in (salesperson, manager, credit_manager):
            customers = visible_customers(user)
            assert _dashboard(customers, snap) == _dashboard(customers, None)
        transaction.set_rollback(True)


def _amounts(value):
    """The answer with its amounts as numbers ("1500" and "1500.00" are the same limit)."""
    if isinstance(value, dict):
        return {k: _amounts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_amounts(v) for v in value]
    if isinstance(value, str):
        try:
            return D(value)
        except ArithmeticError:
            return value
    return value


def test_the_dashboard_api_gives_the_same_answer_from_the_snapshot(client, trade, manager, credit_manager):
    for user in (manager, credit_manager):
        client.force_login(user)
        CreditSnapshot.objects.all().delete()
        live = client.get("/api/reports/dashboard").json()
        services.refresh_credit_snapshot(today=timezone.localdate())
        assert _amounts(client.get("/api/reports/dashboard").json()) == _amounts(live)


def test_the_company_sums_less_a_few_files_equal_the_sums_over_the_rows(trade, monkeypatch):
    """A user who sees all but a few files has the sums stored on the marker row less those files'."""
    from xindang.customers.models import Customer

    services.refresh_credit_snapshot(today=TODAY)
    assert CreditSnapshot.objects.get(customer__isnull=True).totals["grades"]
    for left in ([trade[1].pk], [trade[0].pk, trade[3].pk], []):
        customers = Customer.objects.exclude(pk__in=left or [0])
        monkeypatch.setattr(snapshot, "base_of", lambda qs, left=left: Base(None, (), tuple(left)))
        via_marker = {name: snapshot.totals_of(customers, name) for name in snapshot.TOTALS}
        figures = (
            snapshot.grade_distribution(customers),
            sorted(snapshot.migration_pairs(customers), key=str),
            snapshot.bands(customers),
            snapshot.ageing_total(customers, 6),
        )
        monkeypatch.setattr(snapshot, "base_of", lambda qs: None)  # sums over the rows seen
        over_rows = {name: snapshot.totals_of(customers, name) for name in snapshot.TOTALS}
        assert via_marker == over_rows, left
        assert figures == (
            snapshot.grade_distribution(customers),
            sorted(snapshot.migration_pairs(customers), key=str),
            snapshot.bands(customers),
            snapshot.ageing_total(customers, 6),
        )
