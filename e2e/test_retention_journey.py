"""Appraisal and destruction in a real browser: a statement past its short retention, not on hold, is
appraised for destruction by the archivist, approved by the general manager, witnessed by two others
and destroyed; the register shows it, the file's section lists it and the content is gone from disk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from e2e.journey import approve_through_chain, log_in, snapshot
from xindang.accounts.roles import Role
from xindang.documents import services as documents
from xindang.documents.models import Document, DocumentCategory
from xindang.retention.models import Disposal
from xindang.testing.samples import pdf_bytes, upload

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the live server runs in this process: same settings
    return tmp_path / "media"


def test_appraise_approve_witness_destroy(
    page, live_server, make_customer, salesperson, archivist, gm, media_root
):
    # given a statement filed twelve years ago (short retention: ten years from filing), no hold
    customer = make_customer(salesperson, name="永盛机械有限公司")
    doc = documents.upload_document(
        by=archivist,
        customer=customer,
        category=DocumentCategory.objects.get(code="business_licence"),
        uploaded_file=upload(
            "2014年资产负债表.pdf", pdf_bytes("永盛机械 2014 资产负债表"), "application/pdf"
        ),
        title="2014年资产负债表",
        confidentiality=3,
        retention_class="short",
    )
    Document.objects.filter(pk=doc.pk).update(filed_at=timezone.now() - timedelta(days=365 * 12))
    stored = media_root / doc.current_version.storage_name
    assert stored.exists()
    witnesses = [make_user("jianxiao1", Role.ARCHIVIST), make_user("jianxiao2", Role.CREDIT_MANAGER)]

    # when the archivist appraises it for destruction and sends it to the general manager
    page.on("dialog", lambda dialog: dialog.accept())  # the approval page asks "Approve this step?"
    errors: list = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    log_in(page, archivist.username)
    page.goto("/retention/")
    expect(page.locator("[data-testid=due-row]")).to_contain_text("2014年资产负债表")
    snapshot(page, "retention-appraisal", errors)
    page.click(f"[data-testid=appraise-{doc.pk}]")
    page.check("input[name=decision][value=destroy]")
    page.fill("#id_reason", "短期保管期满,无继续保存价值")
    page.click("[data-testid=submit-appraisal]")
    page.check(f"[data-testid=choose-{doc.pk}]")
    page.fill("#id_reason", "2026年度到期档案销毁")
    page.click("[data-testid=submit-disposal]")
    expect(page.locator("[data-testid=disposal-status]")).to_be_visible()
    disposal = Disposal.objects.get()

    # and the general manager approves, two witnesses sign
    assert approve_through_chain(page, disposal.approval_id, {Role.GENERAL_MANAGER.value: gm}) == [
        "general_manager"
    ]
    for w in witnesses:
        log_in(page, w.username)
        page.goto(disposal.get_absolute_url())
        page.click("[data-testid=submit-witness]")
        expect(page.locator("[data-testid=witnesses]")).to_contain_text(w.display_name)

    # then the archivist destroys the content
    log_in(page, archivist.username)
    page.goto(disposal.get_absolute_url())
    page.click("[data-testid=submit-carry-out]")
    expect(page.locator("[data-testid=disposal-status]")).to_have_text("已销毁")
    assert not stored.exists()

    # the register shows it, and the file's section lists the disposal
    page.goto("/retention/register/")
    row = page.locator("[data-testid=register-row]")
    expect(row).to_contain_text("2014年资产负债表")
    expect(row).to_contain_text(disposal.number)
    snapshot(page, "retention-register", errors)
    page.goto(customer.get_absolute_url())
    expect(page.locator("#retention [data-testid=file-disposals]")).to_contain_text("2014年资产负债表")
    page.goto(disposal.get_absolute_url())
    snapshot(page, "retention-disposal", errors)
