"""The supplier and handover read endpoints: the screens' capability and visibility, refusals audited."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def selected_supplier(make_customer, salesperson, marketing_manager, credit_manager):
    from xindang.approvals.services import approve_step
    from xindang.contracts.models import Contract
    from xindang.suppliers import rules, services

    supplier = make_customer(salesperson, name="江南原料有限公司", relationship="supplier")
    steps = {
        rules.GENERAL_SURVEY: {"general_survey_on": date(2026, 2, 1), "general_survey_notes": "资料已收"},
        rules.SITE_SURVEY: {
            "site_survey_on": date(2026, 2, 20),
            "site_survey_team": "资材部",
            "meets_quality": True,
            "site_survey_findings": "设备满足要求",
        },
        rules.APPLICATION: {
            "trade_reasons": "质量稳定",
            "goods": "原料 A",
            "annual_amount": Decimal("1200000"),
            "payment_method": "monthly",
        },
    }
    for step, data in steps.items():
        services.save_step(by=salesperson, customer_id=supplier.pk, step=step, data=data)
    contracts = [
        Contract.objects.create(
            customer=supplier, department=supplier.department, contract_no=f"GY-{i}", title=title,
            kind=kind, amount=Decimal("1"), signed_on=date(2026, 3, 1), handler=salesperson, status="signed",
        )
        for i, (kind, title) in enumerate([("purchase", "供应合同"), ("other", "质量保证合同")])
    ]  # fmt: skip
    services.save_step(
        by=salesperson,
        customer_id=supplier.pk,
        step=rules.CONTRACTS,
        data={"supply_contract": contracts[0], "quality_contract": contracts[1]},
    )
    selection = services.submit_selection(by=salesperson, customer_id=supplier.pk)
    approve_step(approval=selection.approval, approver=marketing_manager, acknowledge_warnings=True)
    services.evaluate(
        by=credit_manager,
        customer_id=supplier.pk,
        year=date.today().year,
        scores={"quality": 95, "delivery": 95, "price": 90, "service": 90},
    )
    return supplier


def test_supplier_list_and_detail_with_grade(client, salesperson, selected_supplier, make_customer):
    make_customer(salesperson, name="华夏钢铁贸易有限公司")  # a buyer: not listed
    client.force_login(salesperson)
    r = client.get("/api/suppliers")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    row = body["items"][0]
    assert row["customer_id"] == selected_supplier.pk and row["status"] == "approved"
    assert row["code"] and row["grade"] == "A"
    assert client.get("/api/suppliers?grade=B").json()["count"] == 0
    assert client.get("/api/suppliers?status=not_started").json()["count"] == 0
    detail = client.get(f"/api/suppliers/{selected_supplier.pk}").json()
    assert detail["evaluations"][0]["grade"] == "A" and detail["payment_method"] == "monthly"
    assert detail["missing_contracts"] == [] and detail["steps_done"]["code"] is True
    assert {p["name"]: p["met"] for p in detail["principles"]}["meets_quality"] is True


def test_another_departments_supplier_is_404_and_audited(client, other_salesperson, selected_supplier):
    client.force_login(other_salesperson)
    assert client.get("/api/suppliers").json()["count"] == 0
    assert client.get(f"/api/suppliers/{selected_supplier.pk}").status_code == 404
    assert AuditEvent.objects.filter(action__endswith="access_denied", actor=other_salesperson).exists()


def test_a_buyer_is_no_supplier_and_no_capability_is_403(client, salesperson, sysadmin, make_customer):
    buyer = make_customer(salesperson, name="华夏钢铁贸易有限公司")
    client.force_login(salesperson)
    assert client.get(f"/api/suppliers/{buyer.pk}").status_code == 404
    client.force_login(sysadmin)
    assert client.get("/api/suppliers").status_code == 403


def test_handovers_are_read_by_their_parties_and_the_personnel_side(
    client, sysadmin, salesperson, manager, other_salesperson, make_customer, dept_xs1
):
    from conftest import make_user
    from xindang.accounts.roles import Role
    from xindang.handovers import rules, services

    make_customer(salesperson, name="华夏钢铁贸易有限公司")
    successor = make_user("qianjin", Role.SALESPERSON, department=dept_xs1)
    handover = services.hand_over(
        by=sysadmin, leaver=salesperson, reason=rules.JOB_CHANGE, successor=successor, manager=manager
    )
    for user in (sysadmin, successor):
        client.force_login(user)
        assert client.get("/api/handovers").json()["count"] == 1
        detail = client.get(f"/api/handovers/{handover.pk}").json()
        assert detail["number"] == handover.number and detail["signed"] is False
        assert [i["category"] for i in detail["items"]] == ["customer"]
        assert {s["line"] for s in detail["signatures"]} == {"leaver", "successor", "manager"}
    client.force_login(other_salesperson)
    assert client.get("/api/handovers").json()["count"] == 0
    assert client.get(f"/api/handovers/{handover.pk}").status_code == 404
