"""The screens: asking, the request's page and printed form, reading under a request (audited with the
purpose, watermarked, closed after the period), the purpose asked before downloads and exports, and the
file page's section."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.custody.models import LookupRequest

from .conftest import approve, docx_bytes

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_asking_without_a_purpose_shows_the_error_next_to_the_field(
    client, other_salesperson, customer, docs
):
    client.force_login(other_salesperson)
    today = timezone.localdate()
    response = client.post(
        reverse("custody:new"),
        {
            "customer": customer.pk,
            "documents": [docs["contract"].pk],
            "purpose": "",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert b'data-testid="error-purpose"' in response.content
    assert not LookupRequest.objects.exists()


def test_asking_through_the_form_sends_it_for_approval(client, other_salesperson, customer, docs):
    client.force_login(other_salesperson)
    assert customer.name.encode() in client.get(reverse("custody:new"), {"q": "华夏"}).content
    today = timezone.localdate()
    response = client.post(
        reverse("custody:new"),
        {
            "customer": customer.pk,
            "documents": [docs["contract"].pk],
            "purpose": "签订新合同前核对资信",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
        },
    )
    lookup = LookupRequest.objects.get()
    assert response.status_code == 302 and response.url == lookup.get_absolute_url()
    assert lookup.approval.chain == ["archive_leader", "general_manager"]
    page = client.get(lookup.get_absolute_url())
    assert page.status_code == 200 and "购销合同" in page.content.decode()


def test_reading_under_a_request_is_watermarked_and_audited_with_its_purpose(
    client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    lookup = approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    client.force_login(other_salesperson)
    contract = docs["contract"]
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
    assert client.get(contract.get_absolute_url()).status_code == 200
    view = AuditEvent.objects.get(action="document.view")
    assert view.purpose == lookup.purpose and view.data["lookup_request"] == lookup.pk
    response = client.get(reverse("documents:download", args=[contract.current_version.pk]))
    assert response.status_code == 200  # no purpose asked: the request's purpose applies
    assert body(response).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="document.download")
    assert event.data["watermarked"] is True
    assert event.purpose == lookup.purpose and event.data["lookup_request"] == lookup.pk
    assert event.actor_id == other_salesperson.pk


def test_the_watermark_names_the_reader(client, other_salesperson, customer, docs, ask, archive_leader, gm):
    import io

    from pypdf import PdfReader

    approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    client.force_login(other_salesperson)
    data = body(client.get(reverse("documents:download", args=[docs["contract"].current_version.pk])))
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    assert "wangwu" in text


def test_a_document_outside_the_request_is_refused_and_logged(
    client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    client.force_login(other_salesperson)
    licence = docs["licence"]
    assert client.get(licence.get_absolute_url()).status_code == 403
    # a tampered version id in the download URL: the version of another document of the file
    response = client.get(reverse("documents:download", args=[licence.current_version.pk]), {"purpose": "x"})
    assert response.status_code == 403
    denied = AuditEvent.objects.filter(action="document.download_denied", object_id=str(licence.pk))
    assert denied.count() == 2
    assert not AuditEvent.objects.filter(action="document.download").exists()
    last = docs["licence"].current_version.pk + 1000
    assert client.get(reverse("documents:download", args=[last])).status_code == 404


def test_after_the_period_the_same_link_is_refused_and_logged(
    client, other_salesperson, customer, docs, ask, archive_leader, gm, time_machine
):
    approve(ask(other_salesperson, customer, [docs["contract"]], days=2), archive_leader, gm)
    client.force_login(other_salesperson)
    url = reverse("documents:download", args=[docs["contract"].current_version.pk])
    assert client.get(url).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    client.logout()  # a new session: the old one timed out meanwhile
    client.force_login(other_salesperson)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        action="customer.access_denied", actor=other_salesperson, object_id=str(customer.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="document.download").count() == 1


def test_a_standing_download_asks_for_the_purpose_first(client, credit_manager, customer, docs):
    client.force_login(credit_manager)
    url = reverse("documents:download", args=[docs["licence"].current_version.pk])
    response = client.get(url)
    assert response.status_code == 200 and b'data-testid="purpose-form"' in response.content
    assert not AuditEvent.objects.filter(action="document.download").exists()
    response = client.get(url, {"purpose": "年审核对"})
    assert response.status_code == 200 and body(response).startswith(b"%PDF")
    assert AuditEvent.objects.get(action="document.download").purpose == "年审核对"


def test_an_export_asks_for_the_purpose_and_records_it(client, credit_manager, customer):
    client.force_login(credit_manager)
    response = client.get(reverse("customers:export"))
    assert b'data-testid="export-form"' in response.content and b'name="purpose"' in response.content
    assert not AuditEvent.objects.filter(action="customer.export").exists()
    response = client.get(reverse("customers:export"), {"purpose": "季度信用检查"})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="customer.export").purpose == "季度信用检查"


def test_an_unmarkable_level_1_original_goes_out_only_under_a_request(
    client, credit_manager, other_salesperson, customer, file_doc, ask, archive_leader, gm
):
    word = file_doc(credit_manager, customer, 1, title="补充协议", data=docx_bytes(), name="补充协议.docx")
    client.force_login(credit_manager)
    url = reverse("documents:download", args=[word.current_version.pk])
    response = client.get(url, {"purpose": "核对"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action="document.download_denied", data__tried="original_refused"
    ).exists()
    approve(ask(other_salesperson, customer, [word]), archive_leader, gm)
    client.force_login(other_salesperson)
    response = client.get(url)
    assert response.status_code == 200 and body(response).startswith(b"PK")
    assert AuditEvent.objects.filter(action="document.download", actor=other_salesperson).exists()


def test_the_printed_form_carries_the_approvals(
    client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    lookup = approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    client.force_login(other_salesperson)
    response = client.get(reverse("custody:pdf", args=[lookup.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="lookup.print", object_id=str(lookup.pk)).exists()


def test_a_request_is_hidden_from_those_who_may_not_see_it(
    client, colleague, other_salesperson, customer, docs, ask
):
    lookup = ask(other_salesperson, customer, [docs["contract"]])
    client.force_login(colleague)
    assert client.get(lookup.get_absolute_url()).status_code == 404
    assert client.get(reverse("custody:pdf", args=[lookup.pk])).status_code == 404


def test_the_file_page_shows_who_may_read_it_and_the_lookups(
    client, salesperson, other_salesperson, customer, docs, ask, archive_leader, gm
):
    approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    client.force_login(salesperson)
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("custody:customer_section", args=[customer.pk]) in detail
    section = client.get(reverse("custody:customer_section", args=[customer.pk])).content.decode()
    assert "张三" in section and "王五" in section  # the owner, and the reader of the open request
    assert 'data-testid="lookup-history"' in section and "签订新合同前核对资信" in section


def test_the_list_and_the_workbench_show_an_open_lookup(
    client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    from xindang.custody.selectors import workbench_items

    approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    client.force_login(other_salesperson)
    assert "华夏科技有限公司" in client.get(reverse("custody:list"), {"state": "open"}).content.decode()
    items = workbench_items(other_salesperson)
    assert [i.kind for i in items] == ["custody.lookup_open"] and items[0].customer_id == customer.pk
