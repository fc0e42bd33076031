"""The screens end to end through the test client: the archivist's appraisal, the request, the GM's
approval, two witnesses, the destruction; the register on screen, as PDF and .xlsx; the file section."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xindang.approvals.services import approve_step
from xindang.core.pdf import undrawn_characters
from xindang.retention import selectors, services
from xindang.retention.models import Decision, Disposal, DisposalStatus, HoldKind, ManualHold

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_journey_appraise_request_approve_witness_destroy(
    client,
    archivist,
    archivist2,
    witness,
    gm,
    customer,
    file_document,
    blob_path,
    django_capture_on_commit_callbacks,
):
    doc = file_document(customer, title="2012年资产负债表")
    path = blob_path(doc)
    c = _client(client, archivist)
    page = c.get(reverse("retention:appraisal"))
    assert page.status_code == 200 and "2012年资产负债表" in page.content.decode()
    # appraise: destroy
    r = c.post(
        reverse("retention:appraise", args=[doc.pk]), {"decision": "destroy", "reason": "短期保管期满"}
    )
    assert r.status_code == 302
    # ask for destruction
    r = c.post(reverse("retention:disposal_request"), {"documents": [str(doc.pk)], "reason": "期满销毁"})
    disposal = Disposal.objects.get()
    assert r.status_code == 302 and r["Location"] == disposal.get_absolute_url()
    # carrying out before the GM signs is refused
    r = c.post(disposal.get_absolute_url(), {"action": "carry_out"})
    assert r.status_code == 403
    approve_step(approval=disposal.approval, approver=gm, comment="同意")
    for w in (archivist2, witness):
        client.force_login(w)
        assert (
            client.post(disposal.get_absolute_url(), {"action": "witness", "remark": "在场"}).status_code
            == 302
        )
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(disposal.get_absolute_url(), {"action": "carry_out"})
    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.DESTROYED and not path.exists()
    # the register shows it, on screen, as PDF and as .xlsx
    page = client.get(reverse("retention:register")).content.decode()
    assert disposal.number in page and "2012年资产负债表" in page and "钱二" in page
    pdf = client.get(reverse("retention:register_pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert undrawn_characters(pdf.content) == {}
    xlsx = client.get(reverse("retention:register_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == disposal.number and values[1][3] == "2012年资产负债表"
    assert values[1][12] == str(gm) and "钱二" in values[1][14]
    # the appraisal queue no longer lists it
    assert "2012年资产负债表" not in client.get(reverse("retention:appraisal")).content.decode()


def test_one_witness_leaves_the_content(
    client, archivist, archivist2, gm, customer, file_document, blob_path
):
    doc = file_document(customer)
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满")
    approve_step(approval=disposal.approval, approver=gm)
    services.witness_disposal(by=archivist2, disposal=disposal)
    c = _client(client, archivist)
    r = c.post(disposal.get_absolute_url(), {"action": "carry_out"}, follow=True)
    assert disposal.number in r.content.decode() and blob_path(doc).exists()
    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.APPROVED


def test_place_hold_with_until_in_the_past_shows_the_error(client, archivist, customer):
    c = _client(client, archivist)
    url = reverse("retention:hold_new", args=[customer.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    r = c.post(url, {"kind": HoldKind.LITIGATION, "reason": "诉讼", "until": yesterday})
    assert r.status_code == 200 and not ManualHold.objects.exists()
    assert yesterday in r.content.decode()
    r = c.post(url, {"kind": HoldKind.LITIGATION, "reason": "(2026)沪0101民初88号"})
    hold = ManualHold.objects.get()
    assert r.status_code == 302 and r["Location"] == hold.get_absolute_url()


def test_file_section_shows_holds_and_disposals_to_the_owner(client, archivist, salesperson, customer):
    services.place_hold(by=archivist, customer=customer, kind=HoldKind.DISPUTE, reason="质量争议")
    r = _client(client, salesperson).get(reverse("retention:customer_section", args=[customer.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "质量争议" in body and 'data-testid="file-on-hold"' in body
    assert 'data-testid="place-hold"' not in body  # salespeople see holds, archivists place them


def test_file_section_is_404_out_of_scope(client, other_salesperson, customer):
    r = _client(client, other_salesperson).get(reverse("retention:customer_section", args=[customer.pk]))
    assert r.status_code == 404


def test_salesperson_cannot_open_the_appraisal(client, salesperson):
    assert _client(client, salesperson).get(reverse("retention:appraisal")).status_code == 403


def test_lift_hold_from_its_page(client, credit_manager, archivist, customer):
    hold = services.place_hold(by=archivist, customer=customer, kind=HoldKind.AUDIT, reason="审计")
    c = _client(client, credit_manager)
    assert c.post(hold.get_absolute_url(), {"reason": "审计结束"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == credit_manager


def test_workbench_lists_appraisal_due_with_the_rule(archivist, salesperson, customer, file_document):
    file_document(customer)
    file_document(customer, years_ago=2)  # not due
    items = [i for i in selectors.workbench_items(archivist) if i.kind == "retention.appraisal_due"]
    assert len(items) == 1
    assert items[0].customer_id == customer.pk and "1" in items[0].title
    assert "001 档案管理制度及流程2 2.1.4" in items[0].rule
    assert selectors.workbench_items(salesperson) == []


def test_workbench_asks_witnesses_then_the_archivist(
    archivist, archivist2, witness, gm, customer, file_document
):
    doc = file_document(customer)
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满")
    approve_step(approval=disposal.approval, approver=gm)
    assert [i.kind for i in selectors.workbench_items(witness) if i.kind.startswith("retention.")] == [
        "retention.witness"
    ]
    assert not [i for i in selectors.workbench_items(archivist) if i.kind == "retention.witness"]
    services.witness_disposal(by=archivist2, disposal=disposal)
    services.witness_disposal(by=witness, disposal=disposal)
    assert "retention.carry_out" in [i.kind for i in selectors.workbench_items(archivist)]


def test_destroyed_version_shows_as_destroyed_and_is_gone(
    client, archivist, archivist2, witness, gm, customer, file_document, django_capture_on_commit_callbacks
):
    doc = file_document(customer)
    version = doc.current_version
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满")
    approve_step(approval=disposal.approval, approver=gm)
    services.witness_disposal(by=archivist2, disposal=disposal)
    services.witness_disposal(by=witness, disposal=disposal)
    with django_capture_on_commit_callbacks(execute=True):
        services.carry_out_disposal(by=archivist, disposal=disposal)
    c = _client(client, archivist)
    page = c.get(doc.get_absolute_url()).content.decode()
    assert 'data-testid="version-erased"' in page and 'data-testid="download-link"' not in page
    assert c.get(reverse("documents:download", args=[version.pk])).status_code == 410


def test_gm_sees_the_documents_and_their_holds_on_the_approval(
    client, archivist, gm, customer, file_document
):
    doc = file_document(customer, title="2011年现金流量表")
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满")
    services.place_hold(by=archivist, customer=customer, kind=HoldKind.DISPUTE, reason="新发生的货款争议")
    page = _client(client, gm).get(reverse("approvals:detail", args=[disposal.approval_id])).content.decode()
    assert 'data-testid="disposal-panel"' in page
    assert "2011年现金流量表" in page and "新发生的货款争议" in page


def test_workbench_counts_held_documents_too_without_asking_for_holds(
    archivist, customer, file_document, django_assert_max_num_queries
):
    # a held document is still appraised (to keep it): the workbench counts it, cheaply
    file_document(customer)
    file_document(customer)
    services.place_hold(by=archivist, customer=customer, kind=HoldKind.LITIGATION, reason="诉讼")
    with django_assert_max_num_queries(12):
        items = [i for i in selectors.workbench_items(archivist) if i.kind == "retention.appraisal_due"]
    assert len(items) == 1 and "2" in items[0].title
