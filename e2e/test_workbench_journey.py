"""The credit manager's first hour with the workbench and the customer list, in a real browser (issue
12 items 10 and 11): the workbench groups the to-dos by kind, filters by kind and pages; the customer
list shows the credit columns, the chosen columns are remembered, the list sorts by exposure, two
ticked rows are exported, and two files get another salesperson of their department. Each screen is
saved under var/e2e/ and checked: no server error, no English left on the Chinese page."""

import re

import openpyxl
import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.customers.models import Customer
from xindang.testing.factories import credit_picture
from xindang.views import workbench_items

from .journey import expect, log_in, snapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_credit_manager_works_the_workbench_and_the_customer_list(
    page, make_customer, salesperson, credit_manager, tmp_path
):
    cache.clear()
    errors: list = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.on("dialog", lambda dialog: dialog.accept())
    today = timezone.localdate()
    colleague = make_user("zhaoer", Role.SALESPERSON, department=salesperson.department, display_name="赵二")

    # Given 32 files of the salesperson, none with a customer code yet (a to-do of the credit
    # manager each), six of them trading without an investigation (another kind of to-do), and the
    # credit picture of three.
    names = ["华夏科技有限公司", "长城贸易有限公司", "安徽机电设备有限公司"]
    names += [f"测试{n:02d}号商贸有限公司" for n in range(29)]
    files = [make_customer(salesperson, name=name) for name in names]
    Customer.objects.filter(pk__in=[c.pk for c in files[:6]]).update(status="active")
    huaxia, changcheng, anhui = files[:3]
    credit_picture(huaxia, exposure="80000", limit="100000", grade="A", overdue_days=40, investigated=today)
    credit_picture(changcheng, exposure="250000", limit="200000", grade="C", overdue_days=10)
    credit_picture(anhui, exposure="5000", limit="300000", grade="B")

    # The workbench: to-dos grouped by kind with counts, 25 a page.
    log_in(page, credit_manager.username)
    response = page.goto("/")
    assert response.status == 200
    groups = page.locator("[data-testid=kind-groups]")
    expect(groups.locator("[data-kind='customers.no_code'] .count")).to_have_text("32")
    expect(page.locator("[data-testid=todo-list] tbody tr")).to_have_count(25)
    snapshot(page, "workbench", errors)

    # Filter by kind: only the missing investigations, those of the trading files.
    groups.locator("[data-kind='credit.investigation_missing']").click()
    rows = page.locator("[data-testid=todo-list] tbody tr")
    expect(rows).to_have_count(6)
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.kind)")) == {"credit.investigation_missing"}
    snapshot(page, "workbench-by-kind", errors)
    rows.first.locator("a").click()  # the item opens where the investigation is written
    expect(page).to_have_url(re.compile(r"/credit/customer/\d+/investigate/"))

    # Page through all to-dos: the second page holds the rest.
    page.goto("/")
    page.locator("nav.pagination a[href*='page=2']").first.click()
    expect(page).to_have_url(re.compile(r"page=2"), timeout=20_000)  # a heavy page under CI load
    rest = len(workbench_items(credit_manager)) - 25
    assert rest > 0
    expect(page.locator("[data-testid=todo-list] tbody tr")).to_have_count(rest)
    snapshot(page, "workbench-page-2", errors)

    # The customer list with the credit columns; choose the columns and 25 rows a page.
    page.goto("/customers/?status=all")
    header = page.locator("[data-testid=customer-table] thead")
    expect(header).to_contain_text("占用额度")
    expect(header).to_contain_text("额度使用率")
    page.locator("[data-testid=column-chooser] summary").click()
    page.uncheck("[data-testid=column-updated_at]")
    page.check("[data-testid=column-credit_code]")
    page.select_option("[data-testid=page-size]", "25")
    page.click("[data-testid=save-columns]")
    expect(header).to_contain_text("统一社会信用代码")
    expect(header).not_to_contain_text("更新")
    expect(page.locator("[data-testid=customer-table] tbody tr")).to_have_count(25)
    page.goto("/customers/")  # remembered on the next visit
    expect(page.locator("[data-testid=customer-table] thead")).to_contain_text("统一社会信用代码")

    # "/" puts the cursor in the search box.
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.locator("[data-testid=list-search]")).to_be_focused()

    # Sort by exposure, largest first.
    header.get_by_role("link", name="占用额度").click()
    expect(page).to_have_url(re.compile(r"sort=exposure"))
    header.get_by_role("link", name="占用额度").click()  # again: largest first
    expect(page).to_have_url(re.compile(r"sort=-exposure"))
    first_rows = page.locator("[data-testid=customer-table] tbody tr")
    expect(first_rows.nth(0)).to_contain_text("长城贸易有限公司")
    expect(first_rows.nth(1)).to_contain_text("华夏科技有限公司")
    expect(first_rows.nth(0)).to_contain_text("¥250,000.00")
    expect(first_rows.nth(0)).to_contain_text("125.0%")
    snapshot(page, "customers-by-exposure", errors)

    # Tick two rows and export them.
    page.check(f"[data-testid=select-{changcheng.pk}]")
    page.check(f"[data-testid=select-{huaxia.pk}]")
    expect(page.locator("[data-testid=selected-count]")).to_have_text("2")
    list_url = page.url
    page.click("[data-testid=export-selected]")
    page.fill("#id_purpose", "季度信用检查")  # an export states its purpose (seed 003 篇一 二.4)
    with page.expect_download() as download:
        page.click("[data-testid=export-continue]")
    page.goto(list_url)  # back to the list, the two rows ticked again
    page.check(f"[data-testid=select-{changcheng.pk}]")
    page.check(f"[data-testid=select-{huaxia.pk}]")
    target = tmp_path / "selected.xlsx"
    download.value.save_as(target)
    sheet = openpyxl.load_workbook(target).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["客户名称"] for r in records] == ["长城贸易有限公司", "华夏科技有限公司"]
    assert records[0]["占用额度"] == 250000 and records[1]["等级"] == "A"
    assert AuditEvent.objects.filter(action="customer.export").count() == 1

    # Give the two files to a colleague of the same department.
    page.select_option("[data-testid=bulk-owner]", str(colleague.pk))
    page.click("[data-testid=bulk-reassign]")
    expect(page.locator("ul.messages")).to_contain_text("已更换 2 份档案的业务员")
    assert set(Customer.objects.filter(owner=colleague).values_list("pk", flat=True)) == {
        huaxia.pk,
        changcheng.pk,
    }
    expect(page).to_have_url(re.compile(r"sort=-exposure"))  # back where the user was
    snapshot(page, "customers-reassigned", errors)
