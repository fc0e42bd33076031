"""The read API: holds of a file from every source, the destruction register."""

from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.approvals.services import approve_step
from xindang.ledger.models import Exposure
from xindang.retention import services
from xindang.retention.models import Decision, HoldKind

pytestmark = pytest.mark.django_db


def test_customer_holds_from_every_source(client, archivist, credit_manager, customer):
    Exposure.objects.create(customer=customer, open_invoices_amount=Decimal("800"))
    hold = services.place_hold(by=archivist, customer=customer, kind=HoldKind.LITIGATION, reason="诉讼")
    client.force_login(credit_manager)
    body = client.get(f"/api/retention/customers/{customer.pk}/holds").json()
    assert body["on_hold"] is True
    assert {h["source"] for h in body["holds"]} == {"retention.manual", "ledger.receivables"}
    assert body["manual_holds"][0]["id"] == hold.pk and body["manual_holds"][0]["state"] == "active"


def test_customer_holds_out_of_scope_is_404(client, other_salesperson, customer):
    client.force_login(other_salesperson)
    assert client.get(f"/api/retention/customers/{customer.pk}/holds").status_code == 404


def test_register_needs_the_permission(client, salesperson):
    client.force_login(salesperson)
    assert client.get("/api/retention/register").status_code == 403


def test_register_lists_the_destroyed_document(
    client, archivist, archivist2, witness, gm, customer, file_document, django_capture_on_commit_callbacks
):
    doc = file_document(customer, title="2013年利润表")
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满销毁")
    approve_step(approval=disposal.approval, approver=gm)
    services.witness_disposal(by=archivist2, disposal=disposal)
    services.witness_disposal(by=witness, disposal=disposal)
    with django_capture_on_commit_callbacks(execute=True):
        services.carry_out_disposal(by=archivist, disposal=disposal)
    client.force_login(gm)
    page = client.get("/api/retention/register", {"year": timezone.localdate().year}).json()
    assert page["count"] == 1
    row = page["results"][0]
    assert row["title"] == "2013年利润表" and row["approved_by"] == str(gm) and len(row["witnesses"]) == 2
    assert row["retention_class"] == "short" and row["stored_files_erased"] == 1
