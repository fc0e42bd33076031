"""A lookup in a real browser (查阅申请): a salesperson of another department asks for a level-1
contract with a purpose, the archive leader and the GM approve, the salesperson reads it and the
download is watermarked with their name; after the period the same link is refused; the GM sees the
trail in the audit log."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import make_user
from e2e.journey import log_in
from xindang.accounts.roles import Role
from xindang.custody.models import LookupRequest
from xindang.documents import services as documents
from xindang.documents.models import DocumentCategory
from xindang.testing.samples import pdf_bytes, upload

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PURPOSE = "签订年度合同前核对原合同条款"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def test_ask_approve_read_watermarked_expire_and_audit(
    page, make_customer, salesperson, other_salesperson, credit_manager, gm
):
    from pypdf import PdfReader

    leader = make_user("gaoxz", Role.ARCHIVE_LEADER, display_name="高行政")
    customer = make_customer(salesperson, name="瑞丰电子有限公司")
    original = pdf_bytes("购销合同 瑞丰电子 2026")
    contract = documents.upload_document(
        by=credit_manager,
        customer=customer,
        category=DocumentCategory.objects.get(code="business_licence"),
        uploaded_file=upload("购销合同.pdf", original),
        title="购销合同",
        confidentiality=1,
    )

    # given the salesperson of 销售二部, who cannot open the file
    log_in(page, other_salesperson.username)
    assert page.goto(customer.get_absolute_url()).status == 404

    # when they ask to read the contract, with a purpose
    page.goto(f"/custody/new/?customer={customer.pk}")
    page.check(f"input[name=documents][value='{contract.pk}']")
    expect(page.locator("input[name=rights][value=download]")).to_be_checked()  # asked by default
    page.fill("#id_purpose", PURPOSE)
    page.click("[data-testid=submit-lookup]")
    expect(page.locator("[data-testid=lookup-phase]")).to_be_visible()
    lookup = LookupRequest.objects.get()

    # then the leader of the archive department and the GM sign (level 1 from another department)
    assert lookup.approval.chain == ["archive_leader", "general_manager"]
    page.on("dialog", lambda dialog: dialog.accept())  # "Approve this step?"
    for approver, signed in ((leader, "已签署"), (gm, "已批准")):
        log_in(page, approver.username)
        page.goto(f"/approvals/{lookup.approval_id}/")
        page.fill("[data-testid=comment]", "同意")
        page.click("[data-testid=approve]")
        expect(page.get_by_text(signed).first).to_be_visible()
    lookup.refresh_from_db()
    assert lookup.status == "approved"

    assert lookup.rights == ["view", "download"]

    # the file opens with its header and the contract only, none of its other sections
    log_in(page, other_salesperson.username)
    page.goto(customer.get_absolute_url())
    expect(page.locator("[data-testid=header-only]")).to_contain_text("瑞丰电子有限公司")
    expect(page.locator("#documents")).to_contain_text("购销合同")
    expect(page.locator("#contracts")).to_have_count(0)
    expect(page.locator("#ledger")).to_have_count(0)

    # and the salesperson reads the contract: the download is a copy carrying their name
    page.goto(lookup.get_absolute_url())
    expect(page.locator("[data-testid=lookup-rights] .label")).to_have_count(2)  # view, download
    page.locator("[data-testid=lookup-documents]").get_by_role("link", name="购销合同").click()
    with page.expect_download() as info:
        page.locator("[data-testid=download-link]").first.click()
    data = Path(info.value.path()).read_bytes()
    assert data != original
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert "wangwu" in text

    # when the period is over, the same link is refused
    today = timezone.localdate()
    LookupRequest.objects.filter(pk=lookup.pk).update(
        starts_on=today - timedelta(days=5), ends_on=today - timedelta(days=1)
    )
    url = f"/documents/version/{contract.current_version.pk}/download/"
    assert page.request.get(url).status == 404

    # and the GM reads the trail in the audit log: the request, the reads with their purpose
    log_in(page, gm.username)
    page.goto(f"/audit/?object_type=documents.document&object_id={contract.pk}")
    table = page.locator("[data-testid=audit-table]")
    expect(table).to_contain_text(PURPOSE)
    page.goto("/audit/?action=customer.access_denied")
    expect(page.locator("[data-testid=audit-table]")).to_contain_text("王五")
