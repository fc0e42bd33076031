"""The salesperson's everyday journey in a real browser: log in → open a customer file → find it by
pinyin initials → edit it → read the change in its history → switch the interface to English."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from conftest import PASSWORD, make_credit_code
from xindang.customers.models import Customer

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAME = "鸿运星辰科技有限公司"  # pinyin initials: hyxc…
OLD_PHONE, NEW_PHONE = "010-62345678", "021-87654321"
CATALOGUE = Path(settings.BASE_DIR) / "xindang" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


def log_in(page, username):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")  # Chinese first
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("nav.side")).to_be_visible()


def save(page):
    page.click("button[name=save]")
    if page.locator("#id_confirm_similar").count():  # a similar name exists: confirm it is another firm
        page.check("#id_confirm_similar")
        page.click("button[name=save]")


def test_salesperson_creates_finds_edits_and_reads_history_of_a_file(page, salesperson):
    # given a salesperson logs in; the interface speaks Chinese
    log_in(page, salesperson.username)
    if CATALOGUE.exists():
        expect(page.locator("nav.side")).to_contain_text("客户档案")

    # when they open a new customer file
    page.goto("/customers/new/")
    page.fill("#id_name", NAME)
    page.fill("#id_credit_code", make_credit_code())
    page.select_option("#id_department", str(salesperson.department_id))
    page.select_option("#id_owner", str(salesperson.pk))
    page.fill("#id_registered_capital", "500")
    page.fill("#id_phone", OLD_PHONE)
    save(page)

    # then the file page shows it, numbered by department and year
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.locator("h1")).to_contain_text(NAME)
    expect(page.locator("[data-testid=file-no]")).to_have_text(re.compile(r"^XS1-\d{4}-\d{5}$"))
    customer = Customer.objects.get(name=NAME)
    assert page.url.endswith(f"/customers/{customer.pk}/")

    # when they search for it from the top bar by its pinyin initials
    search = page.locator("form[role=search] input[name=q]")
    search.fill("hyxc")
    search.press("Enter")
    results = page.locator("table.data")
    expect(results).to_contain_text(NAME)
    expect(results).to_contain_text(customer.file_no)

    # and open it and edit its phone number
    results.get_by_role("link", name=NAME).click()
    page.click("a[data-testid=edit]")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/edit/$"))
    expect(page.locator("#id_phone")).to_have_value(OLD_PHONE)
    page.fill("#id_phone", NEW_PHONE)
    save(page)

    # then the history shows the change from the old to the new value
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    change = page.locator("#history [data-testid=history-entry]").filter(has_text=NEW_PHONE)
    expect(change).to_have_count(1)
    expect(change).to_contain_text(OLD_PHONE)
    customer.refresh_from_db()
    assert customer.phone == NEW_PHONE

    # when they switch the interface to English
    page.select_option("select[data-testid=language]", "en")

    # then the page comes back in English, on the same file
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.side")).to_contain_text("Customer files")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("h1")).to_contain_text(NAME)
