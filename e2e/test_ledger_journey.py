"""Receivables and credit control in a real browser: the credit manager posts a shipment by
hand (a bad amount is refused and nothing is posted); the salesperson's credit check of the next
shipment is blocked over the limit and sent for over-limit approval (002 第三十二条); the
approvers approve it (ending with the general manager, 004 客户信息管理制度 第九条3(3)); the approval,
picked from the list of approved requests, lets exactly that amount through once; the ageing report by
customer drills down from the customer's row to its entries. A customer without a limit is blocked
with no approval route (002 第三十四条 只能减少不能增加)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.credit.control.models import CreditCheck, OverLimitRequest, OverLimitStatus
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Rating, RatingStatus
from xindang.customers.models import Customer
from xindang.ledger.models import Exposure, TradeEntry

from .journey import approve_through_chain, expect, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAME = "华东机电设备有限公司"


def check(page, customer, amount, over_limit_id=""):
    page.goto(f"/credit/control/customer/{customer.pk}/check/")
    page.fill("#id_amount", str(amount))
    page.select_option("#id_kind", "shipment")
    if over_limit_id:
        page.select_option("#id_over_limit_id", str(over_limit_id))
    page.click("[data-testid=check]")


def test_post_check_block_approve_over_limit_and_age(
    page, make_customer, salesperson, credit_manager, approvers
):
    page.on("dialog", lambda dialog: dialog.accept())
    today = timezone.localdate()
    customer = make_customer(salesperson, name=NAME)
    Customer.objects.filter(pk=customer.pk).update(status="active")
    Rating.objects.create(
        customer=customer,
        grade="B",
        computed_grade="B",
        status=RatingStatus.APPROVED,
        effective_at=timezone.now(),
    )
    CreditGrant.objects.create(
        customer=customer,
        limit_amount=Decimal("100000"),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=300),
    )

    # The credit manager posts a shipment by hand; a negative amount is refused first, nothing posted.
    log_in(page, credit_manager.username)
    page.goto(f"/ledger/customer/{customer.pk}/new/")
    page.select_option("#id_kind", "shipment")
    page.fill("#id_entry_on", today.isoformat())
    page.fill("#id_amount", "-5")
    page.fill("#id_external_id", "XS-E2E-0001")
    page.click("form:has(#id_amount) button[type=submit]")
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()
    assert not TradeEntry.objects.filter(customer=customer).exists()
    page.fill("#id_amount", "80000")
    page.click("form:has(#id_amount) button[type=submit]")
    expect(page.locator("[data-testid=open]")).to_contain_text("80,000")
    assert Exposure.objects.get(customer=customer).total_amount == Decimal("80000")

    # The salesperson checks the next shipment of 50,000: over the limit of 100,000 → blocked, with
    # the limit, the exposure and the reason on screen, and the over-limit form offered.
    log_in(page, salesperson.username)
    check(page, customer, 50000)
    result = page.locator("[data-testid=check-result]")
    expect(result).to_have_attribute("data-outcome", "block")
    expect(result).to_contain_text("100,000")
    expect(result).to_contain_text("80,000")
    expect(page.locator("[data-testid=reasons]")).to_contain_text("第三十二条")
    page.fill("#id_reason", "老客户旺季备货，月底回款")
    page.click("[data-testid=request-over-limit]")
    expect(page.locator("[data-testid=status]")).to_be_visible()
    olr = OverLimitRequest.objects.get(customer=customer)
    assert olr.amount == Decimal("50000") and olr.overage_amount == Decimal("30000") and olr.approval_id

    # The approvers of the policy's tier approve it (each acknowledges the warning where asked).
    roles = approve_through_chain(page, olr.approval_id, approvers, acknowledge=True)
    assert roles and roles[-1] == "general_manager", roles
    olr.refresh_from_db()
    assert olr.status == OverLimitStatus.APPROVED

    # The approval lets exactly that amount through, once.
    log_in(page, salesperson.username)
    page.goto(f"/credit/control/over-limit/{olr.pk}/")
    expect(page.locator("[data-testid=amount]")).to_contain_text("50,000")
    check(page, customer, 50000, over_limit_id=olr.pk)
    expect(page.locator("[data-testid=check-result]")).to_have_attribute("data-outcome", "allow")
    expect(page.locator("[data-testid=headroom]")).to_contain_text("¥-30,000.00")
    olr.refresh_from_db()
    assert olr.status == OverLimitStatus.USED
    page.goto(f"/credit/control/customer/{customer.pk}/check/")  # used: no longer offered
    expect(page.locator(f"#id_over_limit_id option[value='{olr.pk}']")).to_have_count(0)
    assert CreditCheck.objects.filter(customer=customer, over_limit=olr).count() == 1
    # The customer's credit-control page documents the decision and the checks.
    page.goto(f"/credit/control/customer/{customer.pk}/")
    expect(page.locator("[data-testid=over-limit-row]")).to_contain_text("50,000")
    expect(page.locator("[data-testid=check-row]").first).to_be_visible()

    # The credit manager reads the ageing report by customer and drills down to the entries.
    log_in(page, credit_manager.username)
    page.goto("/ledger/collection/ageing/?by=customer")
    row = page.locator("[data-testid=ageing-row]", has_text=NAME)
    expect(row).to_contain_text("80,000")
    row.locator("a").first.click()
    expect(page.locator("[data-testid=aged-entries]")).to_contain_text("XS-E2E-0001")


def test_a_customer_without_a_limit_is_blocked_with_no_approval_route(page, make_customer, salesperson):
    """002 第三十四条 只能减少不能增加: no limit, exposure 5,000 → a new shipment is blocked and no
    over-limit approval is offered; a payment passes."""
    from xindang.ledger.services import post_trade_entry

    today = timezone.localdate()
    customer = make_customer(salesperson, name="无额度五金贸易有限公司")
    Customer.objects.filter(pk=customer.pk).update(status="active")
    Rating.objects.create(
        customer=customer,
        grade="B",
        computed_grade="B",
        status=RatingStatus.APPROVED,
        effective_at=timezone.now(),
    )
    post_trade_entry(
        customer=customer,
        kind="shipment",
        amount=Decimal("5000"),
        entry_on=today,
        due_on=today + timedelta(days=30),
    )

    log_in(page, salesperson.username)
    check(page, customer, 1000)
    result = page.locator("[data-testid=check-result]")
    expect(result).to_have_attribute("data-outcome", "block")
    expect(page.locator("[data-testid=reasons]")).to_contain_text("第三十四条")
    expect(page.locator("[data-testid=no-route]")).to_be_visible()
    expect(page.locator("[data-testid=request-over-limit]")).to_have_count(0)
    expect(page.locator("[data-testid=headroom]")).not_to_contain_text("¥")
    page.goto(f"/credit/control/customer/{customer.pk}/")
    expect(page.locator("[data-testid=on-reduction-list]")).to_be_visible()
    expect(page.locator("a[href$='/over-limit/']")).to_have_count(0)
    page.goto(f"/credit/control/customer/{customer.pk}/check/")
    page.fill("#id_amount", "1000")
    page.select_option("#id_kind", "payment")
    page.click("[data-testid=check]")
    expect(page.locator("[data-testid=check-result]")).to_have_attribute("data-outcome", "allow")
    assert not OverLimitRequest.objects.filter(customer=customer).exists()
