"""A new customer's first trade (004 客户信息管理制度 第十条; 002 篇五 第三条(4)): a salesperson opens a
prospect's file, fills in the transaction card and submits it; the direct superior, the credit
department, the marketing manager and head office approve it on the approval page, which shows the
card; the customer gets its code — and the credit check that refused the prospect passes."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_credit_code
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.customers.models import Customer
from xindang.onboarding.models import TransactionCard

from .journey import approve_through_chain, expect, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAME = "新星电缆贸易有限公司"


def check_credit(page, customer, amount="10000"):
    page.goto(f"/credit/control/customer/{customer.pk}/check/")
    page.fill("#id_amount", amount)
    page.click("[data-testid=check]")


def test_a_prospect_trades_once_its_card_is_approved(page, salesperson, manager, approvers):
    people = {**approvers, "department_manager": manager}
    page.on("dialog", lambda dialog: dialog.accept())  # the approval buttons ask for confirmation
    # given a salesperson opens a new customer file: a prospect
    log_in(page, salesperson.username)
    page.goto("/customers/new/")
    page.fill("#id_name", NAME)
    page.fill("#id_credit_code", make_credit_code())
    page.select_option("#id_department", str(salesperson.department_id))
    page.select_option("#id_owner", str(salesperson.pk))
    page.fill("#id_address", "上海市浦东新区张江路1号")
    page.fill("#id_website", "https://xinxing.example.cn")
    page.fill("#id_founded_on", "2015-03-01")
    page.fill("#id_registered_capital", "500")
    page.click("button[name=save]")
    if page.locator("#id_confirm_similar").count():
        page.check("#id_confirm_similar")
        page.click("button[name=save]")
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    customer = Customer.objects.get(name=NAME)
    expect(page.locator("[data-testid=header-onboarding]")).to_be_visible()
    today = timezone.localdate()
    CreditGrant.objects.create(  # a limit in force does not open trade before the card's approval
        customer=customer,
        limit_amount=Decimal("500000"),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=300),
    )
    # before the approval the credit check refuses the first credit sale
    check_credit(page, customer)
    expect(page.locator("[data-testid=check-result]")).to_have_attribute("data-outcome", "block")
    expect(page.locator("[data-testid=reasons]")).to_contain_text("004 客户信息管理制度 第十条1(8)")

    # when the salesperson fills the card — a blank is refused — then submits it complete
    page.goto(f"/customers/{customer.pk}/")
    page.click("[data-testid=fill-card]")
    page.fill("#id_head_office", "上海市浦东新区")
    page.fill("#id_trading_site", "江苏省苏州市")
    page.fill("#id_staff_count", "120")
    page.fill("#id_managers_count", "8")
    page.fill("#id_managers_age_structure", "40–55岁为主")
    page.fill("#id_assets_schedule", "自有厂房一处,生产线两条")
    page.fill("#id_requested_limit_amount", "300000")
    page.fill("#id_trade_reason", "区域龙头经销商,拟长期合作")
    page.fill("#id_products", "电力电缆约20万元/月")
    page.click("[data-testid=submit-card]")
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()  # 调查结果 still blank
    page.fill("#id_survey_result", "实地调查:经营正常")
    page.click("[data-testid=submit-card]")
    expect(page.locator("[data-testid=card-status]")).to_be_visible()
    card = TransactionCard.objects.get(customer=customer)
    assert card.status == "submitted"

    # then each approver signs on the approval page, which shows the card
    log_in(page, manager.username)
    page.goto(f"/approvals/{card.approval_id}/")
    expect(page.locator("[data-testid=card-panel]")).to_contain_text("实地调查:经营正常")
    roles = approve_through_chain(page, card.approval_id, people)
    assert roles == ["department_manager", "credit_manager", "marketing_manager", "general_manager"]

    # and the customer has its code, and the first credit check passes
    customer.refresh_from_db()
    assert customer.code and customer.onboarding == "approved"
    log_in(page, salesperson.username)
    page.goto(f"/customers/{customer.pk}/")
    expect(page.locator("[data-testid=customer-code]")).to_have_text(customer.code)
    check_credit(page, customer)
    expect(page.locator("[data-testid=check-result]")).to_have_attribute("data-outcome", "allow")
