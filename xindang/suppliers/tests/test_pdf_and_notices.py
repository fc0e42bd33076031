"""The printed selection application (002 篇五 第三条(1)) and the notice of a selected supplier to the
departments concerned (第三条(5)): a to-do for each holder of the policy's roles who sees the file,
closed when noted, kept as a duty by the daily run until then."""

import pytest
from django.urls import reverse

from xindang.approvals.services import approve_step
from xindang.audit.models import AuditEvent
from xindang.core import pdf
from xindang.core.errors import DomainError
from xindang.suppliers import selectors, services
from xindang.suppliers.models import SupplierNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def selected(with_contracts, salesperson, marketing_manager):
    selection = services.submit_selection(by=salesperson, customer_id=with_contracts.pk)
    approve_step(approval=selection.approval, approver=marketing_manager, acknowledge_warnings=True)
    return with_contracts


def test_the_application_prints_with_its_approval_and_the_print_is_audited(client, selected, salesperson):
    client.force_login(salesperson)
    response = client.get(reverse("suppliers:pdf", args=[selected.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert pdf.undrawn_characters(response.content) == {}
    assert AuditEvent.objects.filter(action="suppliers.print", actor=salesperson).count() == 1
    page = client.get(reverse("suppliers:selection", args=[selected.pk])).content
    assert b'data-testid="selection-pdf"' in page


def test_an_application_is_printed_only_by_who_sees_the_file(
    client, surveyed, other_salesperson, sysadmin, supplier
):
    client.force_login(other_salesperson)
    assert client.get(reverse("suppliers:pdf", args=[surveyed.pk])).status_code == 404
    client.force_login(sysadmin)  # no supplier permission
    assert client.get(reverse("suppliers:pdf", args=[surveyed.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="suppliers.print").exists()


def test_no_selection_yet_is_404(client, supplier, salesperson):
    client.force_login(salesperson)
    assert client.get(reverse("suppliers:pdf", args=[supplier.pk])).status_code == 404


def test_approval_notifies_the_departments_concerned(
    manager, credit_manager, finance_controller, archivist, other_salesperson, salesperson, selected
):
    """002 篇五 第三条(5): 将选定的新客户基本资料通知本企业相关部门."""
    notified = set(SupplierNotice.objects.values_list("user_id", flat=True))
    assert {manager.pk, credit_manager.pk, finance_controller.pk, archivist.pk} <= notified
    assert salesperson.pk not in notified and other_salesperson.pk not in notified
    event = AuditEvent.objects.get(action="suppliers.notified")
    assert set(event.data["users"]) == notified
    items = [i for i in selectors.workbench_items(finance_controller) if i.kind == "suppliers.new_supplier"]
    assert len(items) == 1 and "002 篇五 第三条(5)" in items[0].rule


def test_a_manager_of_another_department_who_cannot_see_the_file_is_not_notified(
    selected, make_user_with_roles
):
    from conftest import make_user
    from xindang.accounts.models import Department

    other = Department.objects.exclude(pk=selected.department_id).first() or Department.objects.create(
        name="销售三部", code="XS3"
    )
    elsewhere = make_user("jingli3", "department_manager", department=other)
    services.notify_departments(selected.supplier_selection)
    assert not SupplierNotice.objects.filter(user=elsewhere).exists()


def test_noting_closes_the_to_do_and_the_duty(client, finance_controller, selected):
    from xindang.duties.daily import run_daily
    from xindang.duties.models import Duty

    run_daily(users=[finance_controller])
    duty = Duty.objects.get(assignee=finance_controller, kind="suppliers.new_supplier")
    assert duty.state == "open" and "第三条(5)" in duty.rule
    client.force_login(finance_controller)
    page = client.get(reverse("suppliers:selection", args=[selected.pk])).content
    assert b'data-testid="supplier-notice"' in page
    response = client.post(reverse("suppliers:acknowledge", args=[selected.pk]))
    assert response.status_code == 302
    assert SupplierNotice.objects.get(user=finance_controller).acknowledged_at is not None
    assert AuditEvent.objects.filter(action="suppliers.noted", actor=finance_controller).exists()
    assert not [
        i for i in selectors.workbench_items(finance_controller) if i.kind == "suppliers.new_supplier"
    ]
    run_daily(users=[finance_controller])
    duty.refresh_from_db()
    assert duty.state == "done"
    with pytest.raises(DomainError) as exc:  # noted once
        services.acknowledge_notice(by=finance_controller, customer_id=selected.pk)
    assert exc.value.code == "suppliers.no_notice"


def test_notices_are_given_once(archivist, selected):
    before = SupplierNotice.objects.count()
    assert services.notify_departments(selected.supplier_selection) == []
    assert SupplierNotice.objects.count() == before
