"""The credit manager's analyses in a real browser: the dashboard's rating distribution drills down
to the customers of grade C; the ABC analysis exports to .xlsx (after the purpose is asked) with the
same figures as on the screen. The charts are drawn by the vendored ECharts (a canvas appears)."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from xindang.credit.models import Rating, RatingStatus
from xindang.ledger.services import post_trade_entry

from .journey import expect, log_in, snapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_dashboard_drills_down_and_abc_exports_what_the_screen_shows(
    page, make_customer, salesperson, credit_manager, tmp_path
):
    errors: list = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    today = timezone.localdate()
    # Given four files with this year's sales and grades A, C, C and B.
    files = {}
    for name, amount, grade in (
        ("华夏电气商店", 7000, "A"),
        ("长江钢铁贸易有限公司", 2000, "C"),
        ("安徽机电设备有限公司", 600, "C"),
        ("南京五金商行", 400, "B"),
    ):
        customer = make_customer(salesperson, name=name)
        post_trade_entry(
            customer=customer,
            kind="shipment",
            amount=Decimal(amount),
            entry_on=date(today.year, 1, 5),
            by=credit_manager,
        )
        Rating.objects.create(
            customer=customer,
            grade=grade,
            computed_grade=grade,
            status=RatingStatus.APPROVED,
            effective_at=timezone.now(),
        )
        files[name] = customer

    # The dashboard: the rating distribution as a chart and a table; grade C drills down.
    log_in(page, credit_manager.username)
    page.goto("/reports/credit/")
    expect(page.locator("[data-testid=chart-grades] canvas").first).to_be_visible()
    snapshot(page, "reports-credit", errors, allowed=("xlsx", "ABC"))
    page.locator("[data-testid=table-grades] a", has_text="C").first.click()
    rows = page.locator("[data-testid=drill-list] tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=drill-list]")).to_contain_text("长江钢铁贸易有限公司")
    expect(page.locator("[data-testid=drill-list]")).to_contain_text("安徽机电设备有限公司")
    expect(page.locator("[data-testid=drill-list]")).not_to_contain_text("华夏电气商店")

    # The ABC analysis: a Pareto chart and the customers by cumulative share.
    page.goto("/reports/abc/")
    expect(page.locator("[data-testid=chart-pareto] canvas").first).to_be_visible()
    table = page.locator("[data-testid=table-abc_customers] tbody tr")
    expect(table).to_have_count(4)
    on_screen = [[c.strip() for c in table.nth(i).locator("td").all_inner_texts()] for i in range(4)]
    snapshot(page, "reports-abc", errors, allowed=("xlsx", "ABC"))

    # Export .xlsx: the purpose is asked first, then the file holds the screen's figures.
    page.click("[data-testid=export-xlsx]")
    page.fill("[data-testid=purpose]", "季度客户分析会")
    with page.expect_download() as download:
        page.click("[data-testid=export-submit]")
    target = tmp_path / "abc.xlsx"
    download.value.save_as(target)
    sheet = openpyxl.load_workbook(target).worksheets[1]
    exported = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]]
    assert [(r[1], f"¥{Decimal(str(r[3])):,.2f}", r[6]) for r in exported] == [
        (row[1], row[3], row[6]) for row in on_screen
    ]
    assert [r[6] for r in exported] == ["A", "A", "B", "C"]
