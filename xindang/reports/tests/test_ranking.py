"""The stored ABC ranking and two ends (reports.AbcRank) give exactly the ABC analysis the ledger gives
live — for every set of files a user may see, this year's and last year's — a page at a time on the
screen and every row in the export; a ranking of other cut-offs or of an older day is not read."""

from datetime import date, timedelta
from io import BytesIO
from itertools import count

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xindang.core.errors import DomainError
from xindang.customers.selectors import visible_customers
from xindang.ledger.ageing import policy_buckets
from xindang.policy.selectors import current_policy
from xindang.reports import services
from xindang.reports.documents import abc_document
from xindang.reports.models import AbcRank
from xindang.reports.selectors import ranking, sales, snapshot

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
_serial = count()


def _abc(customers, year, policy):
    """The ABC document as the page builds it (building.build), as of TODAY."""
    ct, _marker = ranking.two_ends(customers, year=year, today=TODAY, policy=policy)
    doc = abc_document(customers, year=year, today=TODAY, policy=policy, core_tail=ct)
    return [(t.key, list(t.rows), list(t.links), t.note) for t in doc.tables], doc.notes


def _stored_and_live(users, years=(2025, 2026)):
    policy = current_policy()
    services.refresh_abc_ranking(today=TODAY)
    stored = {(u.pk, y): _abc(visible_customers(u), y, policy) for u in users for y in years}
    AbcRank.objects.all().delete()
    live = {(u.pk, y): _abc(visible_customers(u), y, policy) for u in users for y in years}
    return stored, live


@pytest.fixture
def trade(post, make_customer, salesperson, other_salesperson, give_grade):
    """Five files over two departments: ties, a net return, an old customer, overdue, grades."""
    big = make_customer(salesperson, name="华夏电气商店")
    tie1 = make_customer(salesperson, name="长江钢铁贸易有限公司")
    tie2 = make_customer(salesperson, name="安静贸易有限公司")
    back = make_customer(other_salesperson, name="南方机电有限公司")
    far = make_customer(other_salesperson, name="北方机械有限公司")
    post(big, "shipment", 9000, entry_on=date(2024, 5, 2), due_on=date(2024, 6, 1))
    post(big, "payment", 9000, entry_on=date(2024, 6, 1))
    post(big, "shipment", 7000, entry_on=date(2026, 2, 5), due_on=date(2026, 3, 7))
    post(tie1, "shipment", 1500, entry_on=date(2025, 11, 20), due_on=date(2025, 12, 20))
    post(tie1, "shipment", 1500, entry_on=date(2026, 1, 20), due_on=date(2026, 9, 20))
    post(tie2, "shipment", 1500, entry_on=date(2026, 3, 3), due_on=date(2026, 8, 2))
    post(back, "shipment", 800, entry_on=date(2025, 12, 2), due_on=date(2026, 1, 1))
    post(back, "credit_note", 300, entry_on=date(2026, 2, 2))
    post(far, "shipment", 5000, entry_on=date(2025, 4, 20), due_on=date(2025, 5, 19))
    give_grade(big, "A")
    give_grade(tie1, "C")
    give_grade(far, "B")
    return big, tie1, tie2, back, far


def test_the_stored_ranking_gives_the_live_analysis_for_each_users_files(
    trade, salesperson, other_salesperson, manager, credit_manager
):
    services.refresh_credit_snapshot(today=TODAY)
    users = (salesperson, other_salesperson, manager, credit_manager)
    stored, live = _stored_and_live(users)
    for key, (tables, notes) in stored.items():
        assert tables == live[key][0], key
        assert notes and not live[key][1]  # the stored one says as of when
    # the whole company read from the stored rows: the tail, the core, the classes
    tables = {k: rows for k, rows, _l, _n in stored[(credit_manager.pk, 2026)][0]}
    assert [r[6] for r in tables["abc_customers"]] == ["A", "A", "B", "C"]
    assert [r[0] for r in tables["core"]] == ["华夏电气商店"]


def test_without_a_snapshot_the_ranking_reads_the_risks_from_the_ledger(trade, manager, credit_manager):
    stored, live = _stored_and_live((manager, credit_manager), years=(2026,))
    assert {k: v[0] for k, v in stored.items()} == {k: v[0] for k, v in live.items()}


def test_last_years_two_ends_read_the_year_end_snapshot(trade, salesperson, manager, credit_manager):
    """The two ends as of 31 December of last year (no stored ranking of that day) take the grades and
    the overdue amounts from the snapshot of the end of last year: the same as from the ledger."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xindang.reports.models import YearEndSnapshot

    policy = current_policy()
    services.refresh_year_end_snapshot(today=TODAY)
    for user in (salesperson, manager, credit_manager):
        customers = visible_customers(user)
        with CaptureQueriesContext(connection) as ctx:
            stored, marker = ranking.two_ends(customers, year=2025, today=TODAY, policy=policy)
            stored = (list(stored.core), list(stored.tail))
        assert marker is None
        assert not [q for q in ctx.captured_queries if "credit_rating" in q["sql"]]  # no grade asked
        YearEndSnapshot.objects.filter(customer__isnull=True).update(buckets="1,2,3")  # not read
        live, _m = ranking.two_ends(customers, year=2025, today=TODAY, policy=policy)
        assert stored == (list(live.core), list(live.tail)), user
        YearEndSnapshot.objects.filter(customer__isnull=True).update(
            buckets=snapshot.bounds_key(policy_buckets())
        )
    assert any(stored)  # the fixture has a tail last year
    # the daily run stores them too, as of 31 December: read a page at a time like today's
    live = {
        u.pk: ranking.two_ends(visible_customers(u), year=2025, today=TODAY, policy=policy)[0]
        for u in (salesperson, manager, credit_manager)
    }
    services.refresh_abc_ranking(today=TODAY)
    for user in (salesperson, manager, credit_manager):
        ct, marker = ranking.two_ends(visible_customers(user), year=2025, today=TODAY, policy=policy)
        assert marker is not None and marker.on == date(2025, 12, 31), user
        assert (list(ct.core), list(ct.tail)) == (list(live[user.pk].core), list(live[user.pk].tail)), user


def test_the_stored_rows_of_a_file(trade):
    big, tie1, tie2, back, far = trade
    services.refresh_credit_snapshot(today=TODAY)
    services.refresh_abc_ranking(today=TODAY)
    company = AbcRank.objects.filter(department__isnull=True)  # each department's ranking besides
    row = company.get(kind="sales", year=2026, customer=back)
    assert (row.amount, row.klass, row.rank) == (-300, "C", 4)
    core = company.get(kind="core", year=2026, customer=tie1)
    assert (core.reasons, core.signs, core.grade) == ("grade_c,overdue", 2, "C")
    assert company.get(kind="core", year=2026, customer=big).days_of_trade == (TODAY - date(2024, 5, 2)).days
    # and as of the end of last year
    last = company.get(kind="core", year=2025, customer=big)
    assert (last.on, last.days_of_trade) == (date(2025, 12, 31), (date(2025, 12, 31) - date(2024, 5, 2)).days)
    # refreshing again gives the same table
    first = sorted(
        AbcRank.objects.values_list(
            "kind", "year", "department_id", "customer_id", "amount", "rank", "klass"
        ),
        key=str,
    )
    services.refresh_abc_ranking(today=TODAY)
    again = sorted(
        AbcRank.objects.values_list(
            "kind", "year", "department_id", "customer_id", "amount", "rank", "klass"
        ),
        key=str,
    )
    assert again == first


def test_a_ranking_of_other_cut_offs_or_an_older_day_is_not_read(trade, credit_manager):
    services.refresh_abc_ranking(today=TODAY)
    customers, policy = visible_customers(credit_manager), current_policy()
    assert ranking.abc_report(customers, 2026, TODAY, policy) is not None
    assert (
        ranking.abc_report(customers, 2026, TODAY + timedelta(days=1), policy) is not None
    )  # before the run
    assert ranking.abc_report(customers, 2026, TODAY + timedelta(days=2), policy) is None
    assert ranking.abc_report(customers, 2025, TODAY, policy) is not None  # stored after the year ended
    assert ranking.abc_report(customers, 2024, TODAY, policy) is None  # not stored
    assert ranking.core_and_tail(customers, on=TODAY, today=TODAY, policy=policy) is not None
    assert ranking.core_and_tail(customers, on=date(2025, 12, 31), today=TODAY, policy=policy) is not None
    assert ranking.core_and_tail(customers, on=date(2025, 6, 30), today=TODAY, policy=policy) is None
    AbcRank.objects.filter(customer__isnull=True).update(params="80/15")
    assert ranking.abc_report(customers, 2026, TODAY, policy) is None
    assert ranking.core_and_tail(customers, on=TODAY, today=TODAY, policy=policy) is None


@pytest.mark.parametrize("years, days", [(0, 0), (1, 366), (2, 731), ("0.5", 183), ("1.5", 548)])
def test_min_days_is_where_the_years_of_trade_reach_the_policy(years, days):
    from decimal import Decimal

    assert ranking.min_days(Decimal(years)) == days
    assert sales.years_of_trade(days) >= Decimal(years)
    assert days == 0 or sales.years_of_trade(days - 1) < Decimal(years)


def test_the_daily_run_stores_the_ranking(trade):
    from xindang.duties.daily import run_daily

    report = run_daily(today=TODAY, users=[])
    assert any(line.startswith("reports_abc: ABC ranking") for line in report.lines)
    assert AbcRank.objects.filter(kind="core", customer__isnull=True, on=TODAY).exists()


def test_the_page_reads_the_stored_ranking_a_page_at_a_time_and_the_export_holds_every_row(
    client, salesperson, credit_manager, post, make_customer
):
    from xindang.customers.models import Customer
    from xindang.reports import views

    today = timezone.localdate()
    on = date(today.year, 1, 10)
    n = views.TABLE_PAGE + 5
    first = make_customer(salesperson, name="分页测试公司0")
    post(first, "shipment", 1000 + n, entry_on=on)
    for i in range(1, n):
        c = Customer.objects.create(
            name=f"分页测试公司{i}", file_no=f"FY-T{i:04d}", owner=salesperson, department=first.department
        )
        post(c, "shipment", 1000 + n - i, entry_on=on)
    services.refresh_abc_ranking(today=today)
    type(credit_manager).objects.filter(pk=credit_manager.pk).update(language="en")
    client.force_login(credit_manager)
    url = reverse("reports:abc") + f"?year={today.year}"
    page = client.get(url).content.decode()
    assert "as stored by the daily run of" in page
    assert f"Rows 1–{views.TABLE_PAGE} of {n}" in page
    second = client.get(url + "&abc_customers-page=2").content.decode()
    assert f"Rows {views.TABLE_PAGE + 1}–{n} of {n}" in second and f"分页测试公司{n - 1}<" in second
    response = client.post(
        reverse("reports:export", args=["abc"]),
        {"query": f"year={today.year}", "format": "xlsx", "purpose": "月度经营分析会"},
    )
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = [r for r in book.worksheets[1].iter_rows(min_row=4, values_only=True) if r[1]]
    assert [r[1] for r in rows] == [f"分页测试公司{i}" for i in range(n)]
    assert [r[0] for r in rows] == list(range(1, n + 1))


step = st.tuples(
    st.sampled_from(["shipment", "invoice", "payment", "write_off", "credit_note"]),
    st.sampled_from([100, 300, 500, 900, 2000]),  # few amounts: ties
    st.integers(min_value=0, max_value=800),  # days after 2024-04-01
    st.integers(min_value=0, max_value=60),  # term
    st.integers(min_value=0, max_value=3),  # which file
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(step, min_size=1, max_size=14),
    grades=st.lists(st.sampled_from(["", "A", "B", "C"]), min_size=4, max_size=4),
)
def test_any_trade_gives_a_ranking_equal_to_the_live_analysis(
    post, make_customer, salesperson, other_salesperson, manager, credit_manager, give_grade, steps, grades
):
    with transaction.atomic():
        n = next(_serial)
        files = [
            make_customer(salesperson, name=f"排名测试甲{n}有限公司"),
            make_customer(salesperson, name=f"排名测试乙{n}有限公司"),
            make_customer(other_salesperson, name=f"排名测试丙{n}有限公司"),
            make_customer(other_salesperson, name=f"排名测试丁{n}有限公司"),
        ]
        for customer, grade in zip(files, grades, strict=True):
            if grade:
                give_grade(customer, grade)
        for kind, amount, day, term, which in steps:
            on = date(2024, 4, 1) + timedelta(days=day)
            due = on + timedelta(days=term) if kind in ("shipment", "invoice") else None
            extra = {"_allow_write_off": True} if kind == "write_off" else {}
            try:
                post(files[which], kind, amount, entry_on=on, due_on=due, **extra)
            except DomainError:
                continue
        services.refresh_credit_snapshot(today=TODAY)
        stored, live = _stored_and_live((salesperson, manager, credit_manager))
        assert {k: v[0] for k, v in stored.items()} == {k: v[0] for k, v in live.items()}
        transaction.set_rollback(True)
