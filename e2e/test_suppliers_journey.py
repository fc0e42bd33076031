"""A supplier's selection (002 篇五): a salesperson records the general survey, the on-site survey with
the six principles, the selection application and the two contracts on the selection page — a
submission before the application is refused — and submits; the market manager approves on the
approval page; the supplier gets its code, the application prints with its signature, and finance,
told of the new supplier (第三条(5)), takes note of it."""

import re
from datetime import date
from decimal import Decimal

import pytest

from xindang.contracts.models import Contract
from xindang.suppliers.models import SupplierNotice, SupplierSelection

from .journey import approve_through_chain, expect, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_supplier_is_selected_through_the_steps_to_its_code(
    page, salesperson, manager, approvers, finance_controller, make_customer
):
    page.on("dialog", lambda dialog: dialog.accept())
    supplier = make_customer(salesperson, name="江南原料有限公司", relationship="supplier")
    for no, kind, title in (("GY-001", "purchase", "原料供应合同"), ("ZB-001", "other", "质量保证合同")):
        Contract.objects.create(
            customer=supplier, department=supplier.department, contract_no=no, title=title, kind=kind,
            amount=Decimal("500000"), signed_on=date(2026, 3, 1), handler=salesperson, status="signed",
        )  # fmt: skip

    # given the salesperson opens the supplier's selection page
    log_in(page, salesperson.username)
    page.goto(f"/suppliers/customer/{supplier.pk}/")
    expect(page.locator("[data-testid=selection-steps]")).to_be_visible()

    # the general survey
    page.fill("#id_general_survey_on", "2026-02-01")
    page.fill("#id_general_survey_notes", "企业沿革、最新年度决算表、产品目录已收;与经理及技术人员面谈。")
    page.click("[data-testid=save-general]")
    expect(page).to_have_url(re.compile(rf"/suppliers/customer/{supplier.pk}/$"))

    # a submission before the site survey and the application is refused, naming the missing step
    page.click("[data-testid=submit-selection]")
    expect(page.locator("[data-testid=submit-error]")).to_be_visible()
    assert SupplierSelection.objects.get(customer=supplier).status == "surveying"

    # the on-site survey with the six principles
    page.goto(f"/suppliers/customer/{supplier.pk}/")
    page.fill("#id_site_survey_on", "2026-02-20")
    page.fill("#id_site_survey_team", "资材部、技术部、质量管理部")
    for name in ("quality", "delivery", "finance", "cooperation", "confidentiality", "cost"):
        page.check(f"#id_meets_{name}")
    page.fill("#id_site_survey_findings", "设备与技术满足质量要求,交货及时。")
    page.click("[data-testid=save-site]")
    # the application (认定申请报告)
    page.fill("#id_trade_reasons", "质量稳定,价格合理,长期合作。")
    page.fill("#id_goods", "原料 A 每月 10 万元")
    page.fill("#id_annual_amount", "1200000")
    page.select_option("#id_payment_method", "monthly")
    page.click("[data-testid=save-application]")
    # the supply and quality-assurance contracts
    supply = Contract.objects.get(contract_no="GY-001")
    quality = Contract.objects.get(contract_no="ZB-001")
    page.select_option("#id_supply_contract", str(supply.pk))
    page.select_option("#id_quality_contract", str(quality.pk))
    page.click("[data-testid=save-contracts]")
    page.click("[data-testid=submit-selection]")
    expect(page.locator("[data-testid=selection-status]")).to_be_visible()
    selection = SupplierSelection.objects.get(customer=supplier)
    assert selection.status == "pending" and selection.approval_id

    # when the market manager approves
    roles = approve_through_chain(page, selection.approval_id, {**approvers, "department_manager": manager})
    assert roles == ["marketing_manager"]

    # then the supplier has its code, shown on the page; the application prints
    selection.refresh_from_db()
    assert selection.status == "approved" and selection.code
    log_in(page, salesperson.username)
    page.goto(f"/suppliers/customer/{supplier.pk}/")
    expect(page.locator("[data-testid=supplier-code]")).to_have_text(selection.code)
    href = page.locator("[data-testid=selection-pdf]").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF")

    # and finance, told of the new supplier, takes note of it
    assert SupplierNotice.objects.filter(user=finance_controller, acknowledged_at__isnull=True).exists()
    log_in(page, finance_controller.username)
    page.goto(f"/suppliers/customer/{supplier.pk}/")
    page.click("[data-testid=acknowledge-notice]")
    expect(page.locator("[data-testid=supplier-notice]")).to_have_count(0)
    assert SupplierNotice.objects.get(user=finance_controller).acknowledged_at is not None
