"""Documents in a real browser: a salesperson uploads a business licence to a customer file, sees it
listed with its checksum, uploads a new version and downloads both; the general manager then reads
the uploads and downloads in the audit log."""

import hashlib
import re
from pathlib import Path

import pytest

from conftest import PASSWORD
from xindang.audit.models import AuditEvent
from xindang.documents.models import Document, DocumentCategory
from xindang.testing.samples import pdf_bytes

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the live server runs in this process: same settings
    return tmp_path / "media"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("nav.side")).to_be_visible()


def pdf_upload(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": data}


def download(page, link) -> bytes:
    """A download states its purpose first (seed 003 篇一 二.4; custody policy), then comes back."""
    back = page.url
    link.click()
    page.fill("#id_purpose", "核对营业执照")
    with page.expect_download() as info:
        page.click("[data-testid=purpose-form] button[type=submit]")
    data = Path(info.value.path()).read_bytes()
    page.goto(back)
    return data


def test_upload_list_version_download_and_audit(page, browser, live_server, make_customer, salesperson, gm):
    customer = make_customer(salesperson, name="瑞丰电子有限公司")
    licence = DocumentCategory.objects.get(code="business_licence")
    first = pdf_bytes("营业执照 瑞丰电子 2020")
    second = pdf_bytes("营业执照 瑞丰电子 2026 换发")
    sha1, sha2 = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()

    # given the salesperson on the customer's file page, whose documents section loads with htmx
    log_in(page, salesperson.username)
    page.goto(customer.get_absolute_url())
    section = page.locator("#documents")
    expect(section.locator("[data-testid=missing-category]")).to_be_visible()  # no licence yet

    # when they upload the licence
    section.locator("[data-testid=upload-document]").click()
    page.select_option("#id_category", str(licence.pk))
    page.fill("#id_title", "营业执照(副本)")
    page.fill("#id_number", "91310000MA1FL0XX0X")
    page.fill("#id_valid_from", "2020-01-01")
    page.fill("#id_valid_until", "2040-12-31")
    page.fill("#id_location", "A柜-3盒")
    page.set_input_files("#id_file", pdf_upload("营业执照.pdf", first))
    page.click("[data-testid=submit-upload]")

    # then the document page shows the version with its full checksum
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(page.locator("[data-testid=version-sha256]")).to_have_text(sha1)
    document = Document.objects.get(customer=customer)

    # and the file page lists it under its category with the short checksum; the file is complete
    page.goto(customer.get_absolute_url())
    group = page.locator("#documents [data-category=business_licence]")
    expect(group).to_contain_text("营业执照(副本)")
    checksum = group.locator("[data-testid=checksum]")
    expect(checksum).to_have_text(sha1[:12] + "…")
    expect(checksum).to_have_attribute("title", sha1)
    expect(page.locator("#documents [data-testid=complete]")).to_be_visible()

    # when they upload a new version on the document page
    group.get_by_role("link", name="营业执照(副本)").click()
    page.set_input_files("#id_file", pdf_upload("营业执照-2026.pdf", second))
    page.click("[data-testid=submit-version]")
    rows = page.locator("[data-testid=version-row]")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=version-sha256]").first).to_have_text(sha2)

    # then both versions download unchanged (level 3: originals, no watermark)
    links = page.locator("[data-testid=download-link]")
    assert download(page, links.nth(0)) == second
    assert download(page, links.nth(1)) == first

    # and the audit log holds the upload, the new version and both downloads
    events = AuditEvent.objects.filter(object_type="documents.document", object_id=str(document.pk))
    assert sorted(events.values_list("action", flat=True)) == sorted(
        ["document.upload", "document.version_added", "document.download", "document.download"]
    )
    assert {e.data["sha256"] for e in events.filter(action="document.download")} == {sha1, sha2}

    # which the general manager reads on the audit log screen
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    gm_page = context.new_page()
    try:
        log_in(gm_page, gm.username)
        gm_page.goto(f"/audit/?object_type=documents.document&object_id={document.pk}")
        table = gm_page.locator("[data-testid=audit-table]")
        expect(table.locator("tbody tr")).to_have_count(4)
        expect(table).to_contain_text("营业执照(副本)")
    finally:
        context.close()
