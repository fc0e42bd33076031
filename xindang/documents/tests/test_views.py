"""Document screens: file-page section, upload, document page, downloads (403 + audit), watermarks,
preview, global list, integrity page."""

import io

import pytest
from django.urls import reverse

from conftest import PASSWORD
from xindang.audit.models import AuditEvent
from xindang.documents.models import Document, FixityRun
from xindang.testing.samples import pdf_bytes, png_bytes, upload

# Downloads state their purpose (seed 003 篇一 二.4; custody policy "purpose_actions").
PURPOSE = {"purpose": "核对资料"}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_section_is_a_fragment_grouped_by_category(client, customer, salesperson, file_document):
    doc = file_document(salesperson, customer, number="91110000MA01ABCD0X")
    response = login(client, salesperson).get(reverse("documents:customer_section", args=[customer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<h2>")
    assert "<html" not in html
    assert doc.title in html and doc.current_version.sha256[:12] in html
    assert 'data-category="business_licence"' in html
    assert 'data-testid="complete"' in html  # a prospective file needs only its licence


def test_section_shows_missing_required_categories(client, customer, salesperson):
    html = (
        login(client, salesperson)
        .get(reverse("documents:customer_section", args=[customer.pk]))
        .content.decode()
    )
    assert 'data-testid="missing-category"' in html


def test_section_of_a_file_not_visible_is_404_and_audited(client, customer, other_salesperson):
    response = login(client, other_salesperson).get(reverse("documents:customer_section", args=[customer.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="customer.access_denied", object_id=str(customer.pk)).exists()


def test_customer_page_links_the_section(client, customer, salesperson):
    html = login(client, salesperson).get(customer.get_absolute_url()).content.decode()
    assert reverse("documents:customer_section", args=[customer.pk]) in html


def test_upload_form_files_a_document(client, customer, salesperson, licence_category):
    login(client, salesperson)
    url = reverse("documents:upload", args=[customer.pk])
    assert client.get(url + "?category=business_licence").status_code == 200
    response = client.post(
        url,
        {
            "category": licence_category.pk,
            "title": "营业执照(副本)",
            "confidentiality": "3",
            "retention_class": "",
            "number": "91110000MA01ABCD0X",
            "valid_from": "2020-01-01",
            "valid_until": "2040-01-01",
            "location": "A柜-3盒",
            "file": upload("营业执照.pdf", pdf_bytes()),
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response.url == doc.get_absolute_url()
    assert doc.retention_class == "long" and doc.location == "A柜-3盒"


@pytest.mark.parametrize(
    ("extra", "file", "field_error"),
    [
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-01"}, ("a.pdf", pdf_bytes()), "valid_until"),
        ({}, ("a.pdf", b"\x7fELF" + b"\x00" * 64), "file"),
        ({}, ("a.pdf", b""), "file"),
    ],
)
def test_upload_form_shows_errors_next_to_the_field(
    client, customer, salesperson, licence_category, media_root, extra, file, field_error
):
    login(client, salesperson)
    data = {"category": licence_category.pk, "title": "营业执照", "confidentiality": "3", **extra}
    data["file"] = upload(*file)
    response = client.post(reverse("documents:upload", args=[customer.pk]), data)
    assert response.status_code == 200
    assert field_error in response.context["form"].errors
    assert Document.objects.count() == 0
    assert not (media_root / "documents").exists() or not any((media_root / "documents").rglob("*.*"))


def test_duplicate_upload_warns_with_a_link(client, customer, salesperson, licence_category, file_document):
    data = pdf_bytes("同一内容")
    doc = file_document(salesperson, customer, file=upload("a.pdf", data))
    login(client, salesperson)
    response = client.post(
        reverse("documents:upload", args=[customer.pk]),
        {
            "category": licence_category.pk,
            "title": "重复",
            "confidentiality": "3",
            "file": upload("b.pdf", data),
        },
    )
    assert response.status_code == 200
    assert response.context["duplicate_id"] == doc.pk
    assert Document.objects.count() == 1


def test_download_streams_the_original_and_audits(client, customer, salesperson, file_document):
    data = pdf_bytes("原件")
    doc = file_document(salesperson, customer, file=upload("营业执照.pdf", data))
    response = login(client, salesperson).get(
        reverse("documents:download", args=[doc.current_version.pk]), PURPOSE
    )
    assert response.status_code == 200
    assert _body(response) == data  # level 3: the original, unmarked
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="document.download")
    assert event.actor == salesperson and event.data["sha256"] == doc.current_version.sha256


def test_download_without_the_levels_clearance_is_403_and_audited(
    client, customer, salesperson, credit_manager, file_document
):
    secret = file_document(credit_manager, customer, level=1, title="资信调查报告")
    response = login(client, salesperson).get(
        reverse("documents:download", args=[secret.current_version.pk]), PURPOSE
    )
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="document.download_denied")
    assert event.actor == salesperson and event.object_id == str(secret.pk)
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_level_1_pdf_download_is_a_watermarked_copy(
    client, customer, credit_manager, file_document, media_root
):
    from pypdf import PdfReader

    data = pdf_bytes("资信调查报告")
    doc = file_document(credit_manager, customer, level=1, file=upload("报告.pdf", data))
    response = login(client, credit_manager).get(
        reverse("documents:download", args=[doc.current_version.pk]), PURPOSE
    )
    body = _body(response)
    assert response.status_code == 200 and body != data
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "赵六" in text and "zhaoliu" in text and "XinDang" in text
    assert (media_root / doc.current_version.storage_name).read_bytes() == data  # the original is untouched
    assert AuditEvent.objects.get(action="document.download").data["watermarked"] is True


def test_level_2_image_download_is_a_watermarked_copy(client, customer, credit_manager, file_document):
    from PIL import Image

    data = png_bytes(color=(255, 255, 255), size=(400, 300))
    doc = file_document(credit_manager, customer, level=2, file=upload("照片.png", data))
    body = _body(
        login(client, credit_manager).get(
            reverse("documents:download", args=[doc.current_version.pk]), PURPOSE
        )
    )
    marked = Image.open(io.BytesIO(body)).convert("RGB")
    assert marked.size == (400, 300)
    assert any(low < 255 for low, _high in marked.getextrema())  # the mark is visible


def test_altered_file_is_not_sent(client, customer, salesperson, file_document, media_root):
    doc = file_document(salesperson, customer)
    (media_root / doc.current_version.storage_name).write_bytes(b"%PDF-1.4 forged")
    response = login(client, salesperson).get(
        reverse("documents:download", args=[doc.current_version.pk]), PURPOSE
    )
    assert response.status_code == 409
    assert AuditEvent.objects.filter(action="document.integrity_failed").exists()


def test_preview_page_and_inline_copy(client, customer, salesperson, file_document):
    doc = file_document(salesperson, customer)
    login(client, salesperson)
    page = client.get(reverse("documents:preview", args=[doc.current_version.pk]))
    assert page.status_code == 200
    inline_url = reverse("documents:inline", args=[doc.current_version.pk])
    assert inline_url in page.content.decode()
    response = client.get(inline_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert AuditEvent.objects.filter(action="document.preview").count() == 1


def test_other_types_are_downloaded_not_previewed(client, customer, salesperson, file_document):
    doc = file_document(
        salesperson, customer, file=upload("对账单.csv", "客户,金额\n华夏科技,100\n".encode())
    )
    login(client, salesperson)
    response = client.get(reverse("documents:preview", args=[doc.current_version.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "documents:download", args=[doc.current_version.pk]
    )
    assert client.get(reverse("documents:inline", args=[doc.current_version.pk])).status_code == 404


def test_document_page_shows_versions_and_retention(client, customer, salesperson, file_document, pdf_file):
    doc = file_document(salesperson, customer)
    login(client, salesperson)
    response = client.post(reverse("documents:add_version", args=[doc.pk]), {"file": pdf_file(text="第二版")})
    assert response.status_code == 302
    html = client.get(doc.get_absolute_url()).content.decode()
    assert html.count('data-testid="version-row"') == 2
    assert doc.current_version.sha256 in html
    assert 'data-testid="earliest-disposal"' in html


def test_document_page_above_clearance_is_403(client, customer, salesperson, credit_manager, file_document):
    secret = file_document(credit_manager, customer, level=2)
    assert login(client, salesperson).get(secret.get_absolute_url()).status_code == 403


def test_edit_document(client, customer, salesperson, file_document):
    doc = file_document(salesperson, customer)
    login(client, salesperson)
    response = client.post(
        reverse("documents:edit", args=[doc.pk]),
        {
            "category": doc.category_id,
            "title": "营业执照(正本)",
            "confidentiality": "3",
            "retention_class": "permanent",
            "valid_until": "2035-12-31",
        },
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert (doc.title, doc.retention_class, str(doc.valid_until)) == (
        "营业执照(正本)",
        "permanent",
        "2035-12-31",
    )


def test_global_list_only_shows_readable_documents(
    client, customer, salesperson, credit_manager, file_document
):
    file_document(credit_manager, customer, level=1, title="一级资料")
    file_document(credit_manager, customer, level=3, title="三级资料")
    html = login(client, salesperson).get(reverse("documents:list")).content.decode()
    assert "三级资料" in html and "一级资料" not in html


def test_empty_list_without_a_filter_says_there_are_no_documents_yet(client, customer, salesperson):
    # given no document filed anywhere the salesperson can see
    login(client, salesperson)
    # when the list opens without a filter
    html = client.get(reverse("documents:list")).content.decode()
    # then it says there are none yet (not that none match)
    assert "还没有档案资料" in html and "没有符合条件的档案资料" not in html
    # and with a filter, that nothing matches
    html = client.get(reverse("documents:list"), {"q": "不存在"}).content.decode()
    assert "没有符合条件的档案资料" in html and "还没有档案资料" not in html


def test_workbench_shows_expiring_documents(client, customer, salesperson, file_document):
    from datetime import timedelta

    from django.utils import timezone

    doc = file_document(
        salesperson, customer, valid_until=timezone.localdate() + timedelta(days=5), title="即将到期执照"
    )
    html = login(client, salesperson).get(reverse("home")).content.decode()
    assert doc.get_absolute_url() in html


def test_navigation_lists_documents(client, salesperson, sysadmin):
    assert reverse("documents:list") in login(client, salesperson).get(reverse("home")).content.decode()


def test_fixity_page_and_run_now(client, customer, salesperson, archivist, file_document):
    file_document(salesperson, customer)
    login(client, archivist)
    assert client.get(reverse("documents:fixity")).status_code == 200
    response = client.post(reverse("documents:fixity_run"))
    assert response.status_code == 302
    run = FixityRun.objects.get()
    assert run.trigger == "screen" and run.started_by == archivist and run.ok
    html = client.get(reverse("documents:fixity")).content.decode()
    assert 'data-testid="fixity-ok"' in html


def test_fixity_page_needs_the_permission(client, salesperson):
    login(client, salesperson)
    assert client.get(reverse("documents:fixity")).status_code == 403
    assert client.post(reverse("documents:fixity_run")).status_code == 403


def test_policy_screen_edits_the_documents_section(client, sysadmin):
    import json

    from xindang.policy import services as policy_services
    from xindang.policy.selectors import section_defaults

    draft = policy_services.create_draft(by=sysadmin)
    html = login(client, sysadmin).get(reverse("policy:detail", args=[draft.pk])).content.decode()
    assert "documents-level1_clearance" in html and "documents-retention_preset" in html
    values = section_defaults("documents")
    values.update(retention_preset="regulation", level2_clearance=["*"], expiry_reminder_days=45)
    data = {
        f"documents-{k}": (json.dumps(v) if isinstance(v, list | dict) else ("on" if v is True else v))
        for k, v in values.items()
    }
    response = client.post(reverse("policy:edit", args=[draft.pk, "documents"]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    saved = draft.data["documents"]
    assert saved["retention_preset"] == "regulation" and saved["level2_clearance"] == ["*"]
    # an unknown role is refused next to the field
    data["documents-level1_clearance"] = json.dumps(["nobody"])
    response = client.post(reverse("policy:edit", args=[draft.pk, "documents"]), data)
    assert response.status_code == 400
