"""Credit in a real browser: a salesperson files an investigation and signs it, the
department manager reviews it (002 第十条), the credit manager proposes the computed grade with its
reasons, the salesperson in charge gives an opinion (第十九条), three approvers approve the rating; a
grant above the ceiling is refused before any approver sees it, one within the ceiling goes through
the chain, and the grant notice (授信通知函) downloads as a PDF. A ticked 第十六条 finding ends in C."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from xindang.approvals.models import ApprovalRequest
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Rating, RatingStatus
from xindang.customers.models import Customer

from .journey import approve_through_chain, log_in

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEY_DATA = {
    "legal_rep": "王建国",
    "registered_capital": Decimal("5000000"),
    "founded_on": date(2010, 5, 1),
    "address": "北京市朝阳区建国路88号",
    "phone": "010-88886666",
    "business_scope": "钢材批发",
    "enterprise_type": "llc",
}


def trade_history(customer):
    """Fourteen months of credit sales paid within the month, and an invoice open over the new year
    (the receivables balance of 第二十四条2① on January 1)."""
    from xindang.ledger.services import post_trade_entry

    today = timezone.localdate()
    for back in range(14, 0, -1):
        month = (today.replace(day=1) - timedelta(days=31 * back)).replace(day=5)
        post_trade_entry(customer=customer, kind="shipment", amount=Decimal("120000"), entry_on=month)
        post_trade_entry(
            customer=customer, kind="payment", amount=Decimal("120000"), entry_on=month + timedelta(days=15)
        )
    new_year = date(today.year, 1, 1)
    post_trade_entry(
        customer=customer,
        kind="shipment",
        amount=Decimal("800000"),
        entry_on=new_year - timedelta(days=3),
        due_on=new_year + timedelta(days=20),
    )
    post_trade_entry(
        customer=customer, kind="payment", amount=Decimal("800000"), entry_on=new_year + timedelta(days=10)
    )


def test_investigate_rate_approve_grant_and_notice(
    page,
    make_customer,
    salesperson,
    manager,
    credit_manager,
    approvers,
):
    page.on("dialog", lambda dialog: dialog.accept())
    customer = make_customer(salesperson, name="华夏钢铁贸易有限公司", **KEY_DATA)
    Customer.objects.filter(pk=customer.pk).update(status="active")
    trade_history(customer)
    today = timezone.localdate()

    # The salesperson files the investigation (客户信用调查评定表) from the customer file and signs it.
    log_in(page, salesperson.username)
    page.goto(customer.get_absolute_url())
    page.locator("#credit [data-testid=new-investigation]").click()
    page.fill("#id_investigated_on", today.isoformat())
    page.check("input[name=sources][value=cooperation]")
    page.check("input[name=sources][value=archive]")
    page.fill("#id_cooperation_since", (today - timedelta(days=3 * 365)).isoformat())
    page.fill("#id_basic_info", "成立于2010年,主营钢材批发。")
    page.fill("#id_employee_count", "320")
    page.fill("#id_yearly_collections_amount", "2400000")
    page.fill("#id_yearly_shipments_amount", "2600000")
    page.check("#id_lawful_and_kept_promises")
    page.check("#id_operations_good")
    page.fill("#id_conclusion", "资信良好。")
    for i, (year, revenue, profit) in enumerate(
        [(today.year - 2, 10_000_000, 800_000), (today.year - 1, 11_000_000, 900_000)]
    ):
        page.fill(f"#id_years-{i}-year", str(year))
        page.fill(f"#id_years-{i}-revenue_amount", str(revenue))
        page.fill(f"#id_years-{i}-profit_amount", str(profit))
        page.fill(f"#id_years-{i}-total_assets_amount", str(revenue * 8 // 10))
        page.fill(f"#id_years-{i}-liabilities_amount", str(revenue * 3 // 10))
        page.fill(f"#id_years-{i}-equity_amount", str(revenue * 5 // 10))
    page.click("[data-testid=save-investigation]")
    expect(page).to_have_url(re.compile(r"/credit/investigations/\d+/$"))
    page.check("[data-testid=sign-confirm]")
    page.click("[data-testid=sign-investigation]")
    expect(page.locator("[data-testid=investigation-status]")).to_have_attribute("data-status", "signed")
    investigation_url = page.url

    # The department manager reviews it (002 第十条); the credit manager sees the computed grade with
    # its reasons and proposes it.
    log_in(page, manager.username)
    page.goto(investigation_url)
    page.click("[data-testid=review-investigation]")
    expect(page.locator("[data-testid=investigation-status]")).to_have_attribute("data-status", "reviewed")
    log_in(page, credit_manager.username)
    page.goto(f"/credit/customer/{customer.pk}/propose/")
    computed = page.locator("[data-testid=computed-grade]")
    expect(computed).to_be_visible()
    grade = computed.get_attribute("data-grade")
    assert grade in ("A", "B"), grade
    expect(page.locator("[data-testid=reasons] li").first).to_contain_text("第")
    page.click("[data-testid=submit-rating]")
    expect(page).to_have_url(re.compile(r"/credit/ratings/\d+/$"))
    rating_url = page.url

    # The salesperson in charge takes part (002 第十九条), then the proposal goes for approval.
    log_in(page, salesperson.username)
    page.goto(rating_url)
    page.check("input[name=agrees][value='1']")
    page.click("[data-testid=give-opinion]")
    expect(page.locator("[data-testid=salesperson-opinion]")).to_have_attribute("data-agrees", "1")
    log_in(page, credit_manager.username)
    page.goto(rating_url)
    page.click("[data-testid=submit-rating]")
    expect(page.locator("[data-testid=rating-status]")).to_have_attribute("data-status", "pending")

    # Three approvers approve the rating (002 第十九条).
    rating = Rating.objects.get(customer=customer)
    assert approve_through_chain(page, rating.approval_id, approvers) == [
        "marketing_manager",
        "finance_credit_controller",
        "general_manager",
    ]
    rating.refresh_from_db()
    assert rating.status == RatingStatus.APPROVED

    # The salesperson sees the grade in the file header and requests a grant from the 授信 section.
    log_in(page, salesperson.username)
    page.goto(customer.get_absolute_url())
    expect(page.locator("[data-testid=header-grade]")).to_contain_text(grade)
    page.locator("#grants [data-testid=request-grant]").click()
    ceiling = page.locator("[data-testid=ceiling]")
    expect(ceiling).to_be_visible()
    page.fill("#id_collateral-0-description", "厂房抵押(不动产权证)")
    page.fill("#id_collateral-0-value_amount", "30")
    page.select_option("#id_collateral-0-value_unit", "wan")
    expect(page.locator("[data-testid=ceiling-amount]")).to_be_visible()

    # Above the ceiling: the form shows it as the user types, and sending is refused.
    page.fill("#id_limit_amount", "500")
    page.select_option("#id_limit_unit", "wan")
    expect(page.locator("[data-testid=over-ceiling]")).to_be_visible()
    page.click("[data-testid=send]")
    expect(page.locator("[data-testid=form-errors]")).to_have_attribute("data-code", "grant.over_ceiling")
    assert not CreditGrant.objects.filter(customer=customer).exists()
    assert not ApprovalRequest.objects.filter(kind="credit.grant").exists()

    # Within the ceiling: sent for approval.
    page.fill("#id_limit_amount", "5")
    page.select_option("#id_limit_unit", "wan")
    page.fill("#id_collateral-0-value_amount", "30")
    page.select_option("#id_collateral-0-value_unit", "wan")
    page.fill("#id_term_days", "15" if grade == "B" else "30")
    page.select_option("#id_kind", "temporary" if grade == "B" else "long_term")
    expect(page.locator("[data-testid=over-ceiling]")).to_have_count(0)
    page.click("[data-testid=send]")
    expect(page).to_have_url(re.compile(r"/credit/grants/\d+/$"))
    grant = CreditGrant.objects.get(customer=customer)
    assert grant.status == GrantStatus.PENDING and grant.limit_amount == Decimal("50000")

    # The approvers of 第二十六/二十七条 approve it, the general manager and the chairman last (第三十条).
    roles = approve_through_chain(page, grant.approval_id, approvers)
    assert roles[-4:] == ["vp_marketing", "cfo", "general_manager", "chairman"]
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACTIVE

    # The grant page shows it in force; the notice downloads as a PDF.
    log_in(page, salesperson.username)
    page.goto(f"/credit/grants/{grant.pk}/")
    expect(page.locator("[data-testid=grant-limit]")).to_have_text("¥50,000.00")
    expect(page.locator("[data-testid=approval-trail]")).to_be_visible()
    with page.expect_download() as info:
        page.click("[data-testid=notice]")
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    page.goto(customer.get_absolute_url())
    expect(page.locator("[data-testid=header-limit]")).to_have_text("¥50,000.00")


def test_a_ticked_finding_ends_in_c(page, make_customer, salesperson, manager, credit_manager):
    """002 第十六条(2): the investigator ticks 经常不兑现承诺 with one broken promise counted (below the
    policy's three); the department manager must answer the disagreement; the rating is C and its
    reason names the finding and who made it."""
    customer = make_customer(salesperson, name="江南纺织有限公司", **KEY_DATA)
    Customer.objects.filter(pk=customer.pk).update(status="active")
    today = timezone.localdate()

    log_in(page, salesperson.username)
    page.goto(customer.get_absolute_url())
    page.locator("#credit [data-testid=new-investigation]").click()
    page.fill("#id_investigated_on", today.isoformat())
    page.check("input[name=sources][value=observation]")
    page.fill("#id_cooperation_since", (today - timedelta(days=3 * 365)).isoformat())
    page.fill("#id_yearly_collections_amount", "2400000")
    page.fill("#id_yearly_shipments_amount", "2600000")
    page.check("#id_lawful_and_kept_promises")
    page.check("#id_operations_good")
    page.check("#id_broken_promises")
    page.fill("#id_broken_promises_count", "1")
    page.fill("#id_conclusion", "近期多次不兑现付款承诺。")
    for i, (year, revenue, profit) in enumerate(
        [(today.year - 2, 10_000_000, 800_000), (today.year - 1, 11_000_000, 900_000)]
    ):
        page.fill(f"#id_years-{i}-year", str(year))
        page.fill(f"#id_years-{i}-revenue_amount", str(revenue))
        page.fill(f"#id_years-{i}-profit_amount", str(profit))
        page.fill(f"#id_years-{i}-total_assets_amount", str(revenue * 8 // 10))
        page.fill(f"#id_years-{i}-liabilities_amount", str(revenue * 3 // 10))
        page.fill(f"#id_years-{i}-equity_amount", str(revenue * 5 // 10))
    page.click("[data-testid=save-investigation]")
    expect(page).to_have_url(re.compile(r"/credit/investigations/\d+/$"))
    expect(page.locator("[data-finding=broken_promises]")).to_have_attribute("data-value", "1")
    page.check("[data-testid=sign-confirm]")
    page.click("[data-testid=sign-investigation]")
    expect(page.locator("[data-testid=investigation-status]")).to_have_attribute("data-status", "signed")
    investigation_url = page.url

    # The department manager sees the disagreement and must answer it before marking it reviewed.
    log_in(page, manager.username)
    page.goto(investigation_url)
    expect(page.locator("[data-code='x.broken_promises_ticked_below']")).to_be_visible()
    page.click("[data-testid=review-investigation]")
    expect(page.locator("[data-testid=investigation-status]")).to_have_attribute("data-status", "signed")
    page.fill("#id_notes", "经核实,客户多次口头承诺付款未兑现,以调查结论为准。")
    page.click("[data-testid=review-investigation]")
    expect(page.locator("[data-testid=investigation-status]")).to_have_attribute("data-status", "reviewed")

    # The computed grade is C, citing the finding and who made it.
    log_in(page, credit_manager.username)
    page.goto(f"/credit/customer/{customer.pk}/propose/")
    expect(page.locator("[data-testid=computed-grade]")).to_have_attribute("data-grade", "C")
    reason = page.locator("[data-testid=reasons] li[data-code='c.broken_promises_finding']")
    expect(reason).to_contain_text(str(salesperson))
    expect(reason).to_contain_text("002 第十六条(2)")
    page.click("[data-testid=submit-rating]")
    expect(page).to_have_url(re.compile(r"/credit/ratings/\d+/$"))
    rating = Rating.objects.get(customer=customer)
    assert rating.grade == rating.computed_grade == "C"
