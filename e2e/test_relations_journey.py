"""A complaint from receipt to closing in the browser (000 7): the salesperson receives it from the
customer's file, investigates and proposes a resolution; the general manager approves it on the
approval page (with the complaint beside the decision); the office director feeds the result back and
closes it with the customer's answer; the credit manager then finds it as dated evidence on the
rating form. No 500 on the way."""

import pytest
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.relations.models import Complaint

from .journey import approve_through_chain, expect, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_complaint_is_resolved_approved_closed_and_seen_on_the_rating_form(
    page, make_customer, salesperson, gm, credit_manager
):
    customer = make_customer(salesperson, name="华东精密机械有限公司")
    office = make_user("bangongshi_e2e", Role.OFFICE_DIRECTOR, display_name="郑红梅")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of propose and close

    log_in(page, salesperson.username)
    page.goto(f"/customers/{customer.pk}/")
    page.click("[data-testid=new-complaint]")
    page.select_option("#id_severity", "serious")
    page.select_option("#id_cause", "delivery")
    page.fill("#id_product", "数控车床配件")
    page.fill("#id_content", "交货比合同约定晚了十天, 影响客户生产。")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "received")
    complaint = Complaint.objects.get(customer=customer)

    page.fill("#id_investigation", "物流承运商延误, 仓库未及时跟催。")
    page.click("[data-testid=investigate]")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "investigating")
    page.fill("#id_resolution", "补偿运费并承诺下批优先发货。")
    page.click("[data-testid=propose]")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "proposed")

    complaint.refresh_from_db()
    log_in(page, gm.username)
    page.goto(f"/approvals/{complaint.approval_id}/")
    expect(page.locator("[data-testid=complaint-panel]")).to_contain_text("补偿运费")
    assert approve_through_chain(page, complaint.approval_id, {Role.GENERAL_MANAGER.value: gm}) == [
        Role.GENERAL_MANAGER.value
    ]

    log_in(page, office.username)
    page.goto(complaint.get_absolute_url())
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "approved")
    page.fill("#id_feedback", "已电话及书面告知客户处理结果。")
    page.click("[data-testid=feed-back]")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "fed_back")
    page.fill("#id_customer_answer", "客户接受处理结果。")
    page.select_option("#id_satisfied", "true")
    page.click("[data-testid=close]")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "closed")

    log_in(page, credit_manager.username)
    page.goto(f"/credit/customer/{customer.pk}/propose/")
    evidence = page.locator("[data-testid=relations-evidence]")
    expect(evidence).to_be_visible()
    row = evidence.locator("[data-testid=evidence-row][data-kind=complaint]")
    expect(row).to_contain_text(complaint.complaint_no)
    expect(row).to_contain_text(timezone.localdate().isoformat())
