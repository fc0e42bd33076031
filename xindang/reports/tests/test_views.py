"""The analysis screens: who sees what, drill-downs, and exports that ask the purpose, are audited and
hold the figures of the screen."""

from datetime import date
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xindang.audit.models import AuditEvent

TODAY = timezone.localdate()


@pytest.fixture
def trade(make_customer, salesperson, other_salesperson, post, give_grade):
    """Three files of 销售一部 (张三's) and one of 销售二部 with this year's sales and grades."""
    on = date(TODAY.year, 1, 10)
    big = make_customer(salesperson, name="华夏电气商店", industry="F")
    mid = make_customer(salesperson, name="长江钢铁贸易有限公司", industry="C")
    small = make_customer(salesperson, name='=HYPERLINK("x")公司', industry="C")
    other = make_customer(other_salesperson, name="南方机电有限公司", industry="F")
    post(big, "shipment", 7000, entry_on=on)
    post(mid, "shipment", 2500, entry_on=on)
    post(small, "shipment", 500, entry_on=on)
    post(other, "shipment", 99000, entry_on=on)
    give_grade(big, "A")
    give_grade(mid, "C")
    give_grade(other, "C")
    return {"big": big, "mid": mid, "small": small, "other": other}


def test_abc_page_shows_own_customers_only(client, salesperson, trade):
    client.force_login(salesperson)
    page = client.get(reverse("reports:abc")).content.decode()
    assert "华夏电气商店" in page and "长江钢铁贸易有限公司" in page
    assert "南方机电有限公司" not in page
    assert 'data-chart="chart-pareto"' in page and 'id="chart-pareto"' in page
    assert "onclick=" not in page
    # each customer's name opens its file
    assert f'<a href="{reverse("customers:detail", args=[trade["big"].pk])}">华夏电气商店</a>' in page


def test_abc_export_asks_the_purpose_and_holds_the_screen_figures(client, salesperson, trade):
    client.force_login(salesperson)
    url = reverse("reports:export", args=["abc"])
    form = client.get(url + f"?year={TODAY.year}&format=xlsx")
    assert form.status_code == 200 and b'name="purpose"' in form.content
    # no purpose: refused, nothing recorded
    refused = client.post(url, {"query": f"year={TODAY.year}", "format": "xlsx", "purpose": " "})
    assert refused.status_code == 422
    assert not AuditEvent.objects.filter(action="reports.export").exists()
    response = client.post(
        url, {"query": f"year={TODAY.year}", "format": "xlsx", "purpose": "月度经营分析会"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="reports.export")
    assert (event.purpose, event.object_id, event.data["format"]) == ("月度经营分析会", "abc", "xlsx")
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[1]  # customers by cumulative share
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]]
    # 70 % before nothing: A; 70 % before it: still A (75 % line); 95 % before it: C
    assert [(r[1], r[3], r[6]) for r in rows] == [
        ("华夏电气商店", D("7000.00"), "A"),
        ("长江钢铁贸易有限公司", D("2500.00"), "A"),
        ('=HYPERLINK("x")公司', D("500.00"), "C"),
    ]
    screen = client.get(reverse("reports:abc") + f"?year={TODAY.year}").content.decode()
    for text in ("¥7,000.00", "¥2,500.00", "¥500.00", "70.0 %", "95.0 %"):
        assert text in screen
    # a name that looks like a formula stays text
    cell = next(c for c in sheet["B"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"


def test_export_needs_the_capability(client, archivist):
    client.force_login(archivist)
    assert client.get(reverse("reports:export", args=["abc"])).status_code == 403


def test_credit_dashboard_for_managers_not_salespeople(client, manager, salesperson, trade):
    client.force_login(salesperson)
    assert client.get(reverse("reports:credit")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("reports:credit"))
    assert page.status_code == 200
    assert b'data-chart="chart-grades"' in page.content


def test_grade_drill_down_lists_the_grade_c_customers_the_manager_sees(client, manager, trade):
    client.force_login(manager)
    page = client.get(reverse("reports:customers") + "?grade=C").content.decode()
    assert "长江钢铁贸易有限公司" in page
    assert "华夏电气商店" not in page  # grade A
    assert "南方机电有限公司" not in page  # another department


def test_home_section_links_the_grades(client, credit_manager, trade):
    client.force_login(credit_manager)
    page = client.get(reverse("reports:home_section")).content.decode()
    assert reverse("reports:customers") + "?grade=C" in page


@pytest.mark.parametrize("dimension", ["industry", "region", "nature", "product"])
def test_composition_page(client, salesperson, trade, dimension):
    client.force_login(salesperson)
    response = client.get(reverse("reports:composition") + f"?dimension={dimension}")
    assert response.status_code == 200


def test_sales_page_asks_for_stock_and_computes_turnover(client, salesperson, make_customer, post):
    customer = make_customer(salesperson, name="华夏电气商店")
    year = TODAY.year - 1
    post(
        customer,
        "shipment",
        1000,
        entry_on=date(year, 5, 10),
        lines=[{"product": "电机", "amount": D(1000), "cost_amount": D(700)}],
    )
    client.force_login(salesperson)
    page = client.get(reverse("reports:sales") + f"?year={year}").content.decode()
    assert 'name="open::电机"' in page
    assert "往来账不记录库存" in page  # the screen says what is missing
    page = client.get(
        reverse("reports:sales"), {"year": year, "goal": "12000", "open::电机": "200", "close::电机": "300"}
    ).content.decode()
    assert "4.00" in page  # turnover 1,000 ÷ 250
    assert "¥12,000.00" in page  # May carries the whole goal: its only month of sales (第四条1(8))


def test_yearly_report_pdf_export(client, credit_manager, trade):
    client.force_login(credit_manager)
    page = client.get(reverse("reports:yearly") + f"?year={TODAY.year}")
    assert page.status_code == 200
    response = client.post(
        reverse("reports:export", args=["yearly"]),
        {"query": f"year={TODAY.year}", "format": "pdf", "purpose": "年度信用管理分析报告"},
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="reports.export", object_id="yearly").exists()


def test_an_earlier_years_report_is_prepared_as_a_file(client, credit_manager, salesperson, trade):
    """This year's report and the year just ended's are on the screen (the daily run stores their
    figures); an earlier year's is computed from the whole ledger by the task worker, as its export."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("reports:yearly")
    client.force_login(credit_manager)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url, {"year": TODAY.year - 2})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="yearly-as-file"' in body and 'data-testid="export-pdf"' in body
    assert f"year={TODAY.year - 2}&amp;format=pdf" in body
    assert not [q for q in ctx.captured_queries if "ledger_tradeentry" in q["sql"]]
    for year in (TODAY.year - 1, TODAY.year):
        shown = client.get(url, {"year": year}).content.decode()
        assert 'data-testid="yearly-as-file"' not in shown and 'data-testid="doc-subtitle"' in shown
    client.force_login(salesperson)
    assert client.get(url, {"year": TODAY.year - 2}).status_code == 403


def test_navigation_and_index(client, salesperson, credit_manager):
    client.force_login(salesperson)
    assert client.get(reverse("reports:index")).url == reverse("reports:abc")
    client.force_login(credit_manager)
    assert client.get(reverse("reports:index")).url == reverse("reports:credit")


def test_sales_analysis_of_one_customer_within_the_visible_files(client, salesperson, trade):
    client.force_login(salesperson)
    year = TODAY.year
    mine = client.get(reverse("reports:sales"), {"year": year, "customer": trade["mid"].pk})
    assert mine.status_code == 200
    assert "长江钢铁贸易有限公司 (" in mine.content.decode()  # the subtitle names the customer
    assert f'<option value="{trade["big"].pk}"' in mine.content.decode()
    other = client.get(reverse("reports:sales"), {"year": year, "customer": trade["other"].pk})
    assert other.status_code == 404


@pytest.mark.parametrize("slug, query", [("yearly", f"year={TODAY.year}"), ("credit", ""), ("abc", "")])
def test_pdf_exports_draw_every_character(client, credit_manager, trade, slug, query):
    from xindang.core.pdf import undrawn_characters

    client.force_login(credit_manager)
    response = client.post(
        reverse("reports:export", args=[slug]), {"query": query, "format": "pdf", "purpose": "存档"}
    )
    assert response.status_code == 200
    assert undrawn_characters(response.content) == {}


def test_the_abc_list_is_paginated_and_the_export_holds_every_customer(
    client, salesperson, post, make_customer
):
    """A list of customers shows a page at a time (views.TABLE_PAGE rows); the class summary and the
    export stay on all of them."""
    from xindang.customers.models import Customer
    from xindang.reports import views

    on = date(TODAY.year, 1, 10)
    n = views.TABLE_PAGE + 5
    first = make_customer(salesperson, name="分页测试公司0")
    post(first, "shipment", 1000 + n, entry_on=on)
    for i in range(1, n):  # the files directly, faster than the service: only their sales matter
        c = Customer.objects.create(
            name=f"分页测试公司{i}", file_no=f"FY-T{i:04d}", owner=salesperson, department=first.department
        )
        post(c, "shipment", 1000 + n - i, entry_on=on)
    type(salesperson).objects.filter(pk=salesperson.pk).update(language="en")  # reads in English
    client.force_login(salesperson)
    url = reverse("reports:abc") + f"?year={TODAY.year}"
    page = client.get(url).content.decode()
    assert page.count("分页测试公司") >= views.TABLE_PAGE  # the first page (and the chart's labels)
    assert f"Rows 1–{views.TABLE_PAGE} of {n}" in page and 'data-testid="pager-abc_customers"' in page
    assert "abc_customers-page=2" in page
    second = client.get(url + "&abc_customers-page=2").content.decode()
    assert f"Rows {views.TABLE_PAGE + 1}–{n} of {n}" in second and f"分页测试公司{n - 1}<" in second
    assert f"分页测试公司{n - 1}<" not in page.split('id="table-abc_customers"')[1]
    response = client.post(
        reverse("reports:export", args=["abc"]),
        {"query": f"year={TODAY.year}&abc_customers-page=2", "format": "xlsx", "purpose": "月度经营分析会"},
    )
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = [r for r in book.worksheets[1].iter_rows(min_row=4, values_only=True) if r[1]]
    assert len(rows) == n
