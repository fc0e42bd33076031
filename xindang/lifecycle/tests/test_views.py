"""The lifecycle screens, the printed slip, the statistics export, the workbench and the API."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse

from xindang.accounts.models import Department
from xindang.lifecycle import services
from xindang.lifecycle.models import Loan, TransferStage

pytestmark = pytest.mark.django_db


def test_archivist_records_a_loan_from_the_file(
    client, archivist, customer, salesperson, file_document, today
):
    doc = file_document(salesperson, customer)
    client.force_login(archivist)
    url = reverse("lifecycle:loan_create", args=[customer.pk])
    page = client.get(url)
    assert page.status_code == 200 and doc.title in page.content.decode()
    response = client.post(
        url,
        {
            "borrower": salesperson.pk,
            "purpose": "合同评审",
            "documents": [doc.pk],
            "lent_on": today.isoformat(),
            "due_on": (today + timedelta(days=7)).isoformat(),
            "slip_no": "JY-2026-0001",
        },
    )
    loan = Loan.objects.get()
    assert response.status_code == 302 and response["Location"] == loan.get_absolute_url()
    assert loan.items.get().document == doc
    detail = client.get(loan.get_absolute_url()).content.decode()
    assert "JY-2026-0001" in detail and doc.title in detail


def test_the_form_shows_due_before_lending_and_nothing_chosen(
    client, archivist, customer, salesperson, today
):
    client.force_login(archivist)
    response = client.post(
        reverse("lifecycle:loan_create", args=[customer.pk]),
        {
            "borrower": salesperson.pk,
            "purpose": "查阅",
            "lent_on": today.isoformat(),
            "due_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "due_on" in errors and "documents" in errors
    assert not Loan.objects.exists()


def test_the_form_shows_a_document_lent_already(
    client, archivist, customer, salesperson, manager, file_document, lend, today
):
    doc = file_document(salesperson, customer)
    lend(customer, manager, documents=[doc])
    client.force_login(archivist)
    response = client.post(
        reverse("lifecycle:loan_create", args=[customer.pk]),
        {
            "borrower": salesperson.pk,
            "purpose": "查阅",
            "whole_file": "on",
            "lent_on": today.isoformat(),
            "due_on": today.isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["documents"]
    assert Loan.objects.count() == 1


def test_return_through_the_page_and_refused_before_lending(
    client, archivist, customer, salesperson, lend, today
):
    loan = lend(customer, salesperson, whole_file=True, lent_on=today - timedelta(days=2))
    client.force_login(archivist)
    url = reverse("lifecycle:loan_return", args=[loan.pk])
    early = client.post(url, {"returned_on": (today - timedelta(days=5)).isoformat(), "condition": "intact"})
    assert early.status_code == 400 and early.context["return_form"].errors["returned_on"]
    ok = client.post(url, {"returned_on": today.isoformat(), "condition": "damaged", "note": "封面破损"})
    assert ok.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_on == today and loan.return_condition == "damaged"


def test_loss_report_from_the_loan_page(client, archivist, customer, salesperson, lend, today):
    loan = lend(customer, salesperson, whole_file=True)
    client.force_login(archivist)
    response = client.post(
        reverse("lifecycle:loan_report", args=[loan.pk]),
        {"kind": "loss", "occurred_on": today.isoformat(), "description": "出差途中遗失"},
    )
    assert response.status_code == 302
    report = loan.reports.get()
    assert report.approval is not None and report.approval.kind == "lifecycle.loss_report"


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_others_may_not_lend_return_or_transfer(request, client, persona, customer, salesperson, lend, today):
    user = request.getfixturevalue(persona)
    loan = lend(customer, salesperson, whole_file=True)
    client.force_login(user)
    assert client.get(reverse("lifecycle:loan_create", args=[customer.pk])).status_code == 403
    ret = client.post(reverse("lifecycle:loan_return", args=[loan.pk]), {"returned_on": today.isoformat()})
    assert ret.status_code == 403
    assert client.post(reverse("lifecycle:transfer_propose")).status_code == 403
    assert client.get(reverse("lifecycle:statistics")).status_code == 403


def test_slip_prints_as_pdf_with_every_character_drawn(
    client, archivist, customer, salesperson, file_document, lend
):
    from pypdf import PdfReader

    from xindang.core.pdf import undrawn_characters

    doc = file_document(salesperson, customer)
    loan = lend(customer, salesperson, documents=[doc])
    client.force_login(archivist)
    response = client.get(reverse("lifecycle:loan_slip", args=[loan.pk]))
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert customer.file_no in text
    assert undrawn_characters(content) == {}


def test_customer_section_lists_loans_and_transfers(client, salesperson, archivist, customer, lend):
    lend(customer, salesperson, whole_file=True, slip_no="JY-SEC-1")
    client.force_login(salesperson)
    html = client.get(reverse("lifecycle:customer_section", args=[customer.pk])).content.decode()
    assert "JY-SEC-1" in html and 'data-testid="lend-originals"' not in html
    client.force_login(archivist)
    html = client.get(reverse("lifecycle:customer_section", args=[customer.pk])).content.decode()
    assert 'data-testid="lend-originals"' in html
    detail = client.get(customer.get_absolute_url()).content.decode()
    assert reverse("lifecycle:customer_section", args=[customer.pk]) in detail


def test_section_of_a_file_out_of_sight_is_404(client, other_salesperson, customer):
    client.force_login(other_salesperson)
    assert client.get(reverse("lifecycle:customer_section", args=[customer.pk])).status_code == 404


def test_overdue_loan_on_the_borrowers_and_the_archivists_workbench(
    client, salesperson, manager, archivist, customer, lend, today
):
    from xindang.lifecycle.selectors import workbench_items

    lend(
        customer,
        salesperson,
        whole_file=True,
        lent_on=today - timedelta(days=20),
        due_on=today - timedelta(days=6),
    )
    mine = workbench_items(salesperson)
    assert [i.kind for i in mine] == ["lifecycle.loan_overdue"]
    assert mine[0].overdue and "000" in mine[0].rule
    assert [i.kind for i in workbench_items(archivist)] == ["lifecycle.loan_overdue"]
    assert workbench_items(manager) == []
    client.force_login(salesperson)
    assert customer.name in client.get(reverse("home")).content.decode()


def _old(customer):
    from django.utils import timezone

    from xindang.customers.models import Customer

    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=1200))


def test_transfer_screens_propose_and_record(client, credit_manager, archivist, customer, salesperson, today):
    _old(customer)
    client.force_login(credit_manager)
    page = client.get(reverse("lifecycle:transfers")).content.decode()
    assert 'data-testid="propose"' in page
    response = client.post(reverse("lifecycle:transfer_propose"))
    assert response.status_code == 302
    listing = client.get(reverse("lifecycle:transfer_list", args=[today.year])).content.decode()
    assert customer.file_no in listing
    url = reverse("lifecycle:transfer_act", args=[today.year, customer.pk])
    response = client.post(
        url,
        {
            "customer": customer.pk,
            "stage": TransferStage.AT_CREDIT_OFFICE,
            "acted_on": today.isoformat(),
            "handed_by": salesperson.pk,
            "missing_note": "原件缺营业执照",
        },
    )
    assert response.status_code == 302
    item = customer.transfer_items.get()
    assert item.stage == TransferStage.AT_CREDIT_OFFICE
    assert item.acts.get().missing_note == "原件缺营业执照"
    client.force_login(archivist)
    html = client.get(reverse("lifecycle:customer_section", args=[customer.pk])).content.decode()
    assert 'data-testid="transfer-acts"' in html


def test_transfer_act_of_a_file_not_on_the_list_shows_the_error(
    client, credit_manager, customer, make_customer, salesperson, today
):
    _old(customer)
    services.propose_transfer_list(by=credit_manager, year=today.year)
    recent = make_customer(salesperson, name="长城贸易有限公司")
    client.force_login(credit_manager)
    response = client.post(
        reverse("lifecycle:transfer_act", args=[today.year, recent.pk]),
        {"customer": recent.pk, "stage": TransferStage.AT_CREDIT_OFFICE, "acted_on": today.isoformat()},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["customer"] or response.context["form"].non_field_errors()


def test_statistics_on_screen_and_as_formula_safe_xlsx(
    client, archivist, make_customer, salesperson, file_document, lend
):
    import openpyxl

    Department.objects.filter(pk=salesperson.department_id).update(name='=HYPERLINK("http://x")')
    customer = make_customer(salesperson, name="华夏科技有限公司")
    file_document(salesperson, customer)
    lend(customer, salesperson, whole_file=True)
    client.force_login(archivist)
    page = client.get(reverse("lifecycle:statistics"))
    assert page.status_code == 200
    keys = [t.key for t in page.context["tables"]]
    assert keys == ["year", "category", "department", "level", "retention", "status", "loans", "transfers"]
    loans = next(t for t in page.context["tables"] if t.key == "loans")
    assert loans.rows[0][1] == 1
    response = client.get(reverse("lifecycle:statistics_export"))
    workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == 8
    cells = [c for row in workbook.worksheets[2].iter_rows() for c in row if isinstance(c.value, str)]
    evil = next(c for c in cells if c.value.startswith("=HYPERLINK"))
    assert evil.data_type == "s"


def test_api_lists_loans_and_transfers(
    client, archivist, other_salesperson, customer, salesperson, lend, credit_manager, today
):
    loan = lend(customer, salesperson, whole_file=True)
    client.force_login(archivist)
    body = client.get("/api/lifecycle/loans?state=open").json()
    assert body["count"] == 1 and body["results"][0]["id"] == loan.pk
    assert client.get(f"/api/lifecycle/loans/{loan.pk}").json()["whole_file"] is True
    _old(customer)
    services.propose_transfer_list(by=credit_manager, year=today.year)
    lists = client.get("/api/lifecycle/transfers").json()
    assert lists[0]["year"] == today.year and lists[0]["total"] == 1
    items = client.get(f"/api/lifecycle/transfers/{today.year}").json()
    assert items[0]["customer_id"] == customer.pk and items[0]["stage"] == "proposed"
    assert client.get(f"/api/lifecycle/customers/{customer.pk}/transfers").json() == []
    client.force_login(other_salesperson)
    assert client.get(f"/api/lifecycle/loans/{loan.pk}").status_code == 404
    assert client.get("/api/lifecycle/loans").json()["count"] == 0


def test_the_approver_sees_the_loan_beside_the_report(
    client, archivist, office_director, customer, salesperson, lend, today
):
    loan = lend(customer, salesperson, whole_file=True, slip_no="JY-APP-1")
    report = services.report_loss(
        by=archivist, loan=loan, kind="loss", occurred_on=today, description="出差途中遗失"
    )
    client.force_login(office_director)
    html = client.get(reverse("approvals:detail", args=[report.approval.pk])).content.decode()
    assert 'data-testid="loss-report-panel"' in html and "JY-APP-1" in html and "出差途中遗失" in html
