"""Loans of originals in a real browser: the archivist lends a licence from the customer file's
loans section, prints the slip, and records the return; the document is free to lend again."""

import re

import pytest
from django.utils import timezone

from conftest import PASSWORD
from xindang.documents.models import Document, DocumentCategory
from xindang.lifecycle.models import Loan

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("nav.side")).to_be_visible()


def test_lend_print_and_return(page, live_server, make_customer, salesperson, archivist):
    customer = make_customer(salesperson, name="瑞丰电子有限公司")
    licence = Document.objects.create(
        customer=customer,
        category=DocumentCategory.objects.get(code="business_licence"),
        title="营业执照正本",
        retention_class="long",
        location="A柜-3盒",
        filed_by=salesperson,
        filed_at=timezone.now(),
    )

    # given the archivist on the file page, whose loans section loads with htmx
    log_in(page, archivist.username)
    page.goto(customer.get_absolute_url())
    page.locator("#loans [data-testid=lend-originals]").click()

    # when they copy the borrowing slip
    page.select_option("#id_borrower", str(salesperson.pk))
    page.fill("#id_purpose", "合同评审查阅")
    page.check(f"input[name=documents][value='{licence.pk}']")
    page.fill("#id_slip_no", "JY-2026-0009")
    page.click("[data-testid=lend]")

    # then the loan page shows the slip and the original lent, and the slip prints as PDF
    expect(page).to_have_url(re.compile(r"/lifecycle/loans/\d+/$"))
    expect(page.locator("[data-testid=loan-items]")).to_contain_text("营业执照正本")
    with page.expect_response(re.compile(r"slip\.pdf$")) as slip:
        page.evaluate("url => fetch(url)", page.locator("[data-testid=slip]").get_attribute("href"))
    assert slip.value.headers["content-type"] == "application/pdf"

    # when the original comes back, the return is recorded and the document is free again
    page.click("[data-testid=return]")
    expect(page.locator("#return")).to_have_count(0)
    assert Loan.objects.get().returned_on == timezone.localdate()
    page.goto(customer.get_absolute_url())
    expect(page.locator("#loans [data-testid=customer-loans]")).to_contain_text("JY-2026-0009")
