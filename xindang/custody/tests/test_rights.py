"""Separate rights on what a lookup request opens (as in Mayan EDMS): viewing, downloading, printing
and exporting; the request asks for some, its approval grants those, each use checks its own right
and every refusal is audited. And what a request opens of the file: the header and the documents
asked for, not the file's other sections (a whole-file request opens the whole file)."""

import io
import zipfile

import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.custody import rules

from .conftest import approve, docx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ([], ["view"]),  # viewing is always asked: it is what a lookup is
        (["download"], ["view", "download"]),
        (["export", "print", "nonsense"], ["view", "print", "export"]),
    ],
)
def test_the_rights_a_request_asks_for(asked, expected):
    assert rules.rights_asked(asked) == expected


@pytest.mark.parametrize(
    ("use", "requests", "allowed"),
    [
        ("view", [["view"]], True),
        ("download", [["view"]], False),
        ("download", [["view"], ["view", "download"]], True),  # another open request grants it
        ("print", [["view", "download"]], False),
        ("export", [["view", "export"]], True),
        ("view", [], False),  # no request covers the document
    ],
)
def test_a_use_needs_a_request_granting_it(use, requests, allowed):
    assert rules.use_allowed(use, requests) is allowed


def _status(client, use, version, lookup):
    if use == "view":
        return client.get(reverse("documents:detail", args=[version.document_id])).status_code
    if use == "download":
        return client.get(reverse("documents:download", args=[version.pk])).status_code
    if use == "print":
        return client.get(reverse("documents:print", args=[version.pk])).status_code
    response = client.post(reverse("custody:export", args=[lookup.pk]))
    return 200 if response.get("Content-Type") == "application/zip" else 403


@pytest.mark.parametrize("use", ["view", "download", "print", "export"])
@pytest.mark.parametrize("granted", [True, False])
def test_each_use_checks_its_own_right_and_a_refusal_is_audited(
    use, granted, client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    rights = ["view", use] if granted else ["view"]
    lookup = approve(ask(other_salesperson, customer, [docs["contract"]], rights=rights), archive_leader, gm)
    assert lookup.rights == rules.rights_asked(rights)
    client.force_login(other_salesperson)
    version = docs["contract"].current_version
    allowed = granted or use == "view"
    assert _status(client, use, version, lookup) == (200 if allowed else 403)
    if use == "export":
        refused = AuditEvent.objects.filter(action="lookup.access_denied", data__tried="export")
    else:
        refused = AuditEvent.objects.filter(action="document.download_denied", data__tried=f"use_{use}")
    assert refused.exists() is not allowed
    if allowed and use in ("download", "print"):
        event = AuditEvent.objects.get(action=f"document.{use}", actor=other_salesperson)
        assert event.purpose == lookup.purpose and event.data["lookup_request"] == lookup.pk


def test_the_export_is_a_zip_of_marked_copies_with_a_manifest(
    client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    lookup = approve(
        ask(other_salesperson, customer, [docs["contract"], docs["licence"]], rights=["view", "export"]),
        archive_leader,
        gm,
    )
    client.force_login(other_salesperson)
    response = client.post(reverse("custody:export", args=[lookup.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "manifest.txt" in names and len(names) == 3
    assert lookup.purpose in archive.read("manifest.txt").decode()
    assert AuditEvent.objects.filter(action="document.export", actor=other_salesperson).count() == 2
    assert AuditEvent.objects.get(action="lookup.export").purpose == lookup.purpose
    # someone else cannot export the reader's request
    client.force_login(gm)
    response = client.post(reverse("custody:export", args=[lookup.pk]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="lookup.access_denied", actor=gm).exists()


def test_an_unmarkable_original_needs_the_download_right(
    client, credit_manager, other_salesperson, customer, file_doc, ask, archive_leader, gm
):
    word = file_doc(credit_manager, customer, 1, title="补充协议", data=docx_bytes(), name="补充协议.docx")
    approve(ask(other_salesperson, customer, [word], rights=["view", "export"]), archive_leader, gm)
    client.force_login(other_salesperson)
    # neither downloaded (no right) nor exported as an untraceable original (export is no download)
    assert client.get(reverse("documents:download", args=[word.current_version.pk])).status_code == 403
    from xindang.core.errors import DomainError
    from xindang.documents.services import read_version

    with pytest.raises(DomainError) as exc:
        read_version(by=other_salesperson, version=word.current_version, use="export")
    assert exc.value.code == "document.original_needs_request"
    assert AuditEvent.objects.filter(
        action="document.download_denied", data__tried="original_refused"
    ).exists()


def test_a_request_for_chosen_documents_opens_the_header_and_those_documents_only(
    client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    client.force_login(other_salesperson)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="header-only"' in page and customer.file_no in page
    assert reverse("documents:customer_section", args=[customer.pk]) in page
    assert 'id="basic"' not in page and 'id="contracts"' not in page and 'id="ledger"' not in page
    section = client.get(reverse("documents:customer_section", args=[customer.pk])).content.decode()
    assert docs["contract"].get_absolute_url() in section
    assert (
        docs["licence"].get_absolute_url() not in section
        and docs["statement"].get_absolute_url() not in section
    )
    # the other sections refuse the reader as for a file they do not see, audited
    for name in ("contracts:customer_section", "credit:customer_section", "ledger:customer_section"):
        assert client.get(reverse(name, args=[customer.pk])).status_code == 404
    assert client.get(reverse("customers:pdf", args=[customer.pk])).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="customer.access_denied", actor=other_salesperson, object_id=str(customer.pk)
        ).count()
        == 4
    )


def test_a_whole_file_request_opens_the_whole_file(
    client, other_salesperson, customer, docs, ask, archive_leader, gm
):
    approve(ask(other_salesperson, customer, whole_file=True), archive_leader, gm)
    client.force_login(other_salesperson)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="header-only"' not in page and 'id="basic"' in page
    assert client.get(reverse("contracts:customer_section", args=[customer.pk])).status_code == 200
