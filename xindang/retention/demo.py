"""Demo data for retention (order 70, after the ledger and collection): for a few demo files without
open receivables, financial statements filed twelve years ago (past the short retention), one
appraised for destruction and sent to the general manager, one kept for five more years; and a
manual hold for litigation on another file."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xindang.core import pdf
from xindang.core.holds import holds_on


def _statement(customer, year: int) -> SimpleUploadedFile:
    story = pdf.letterhead(customer.name, f"{year}年度资产负债表") + [pdf.para("（演示文件）")]
    content = pdf.render(story, title=f"{year}年度资产负债表")
    return SimpleUploadedFile(f"{year}年度资产负债表.pdf", content, content_type="application/pdf")


def seed_retention(ctx) -> str:
    from xindang.documents import services as documents
    from xindang.documents.models import Document, DocumentCategory

    from . import services
    from .models import Decision, HoldKind

    archivist = ctx.users.get("dangan")
    category = DocumentCategory.objects.filter(group="financial", is_active=True).first()
    if archivist is None or category is None:
        return "retention: no archivist or no financial category"
    free = [c for c in ctx.customers if not holds_on(c)][:3]
    filed = []
    for i, customer in enumerate(free):
        year = ctx.today.year - 12 - i
        doc = documents.upload_document(
            by=archivist,
            customer=customer,
            category=category,
            uploaded_file=_statement(customer, year),
            title=f"{year}年度资产负债表",
            confidentiality=3,
            retention_class="short",
            concerns_period=str(year),
        )
        filed_at = timezone.now() - timedelta(days=365 * (12 + i) + 30)
        Document.objects.filter(pk=doc.pk).update(filed_at=filed_at)
        filed.append(Document.objects.get(pk=doc.pk))
    if filed:
        services.appraise_document(
            by=archivist, document=filed[0], decision=Decision.DESTROY, reason="短期保管期满，无继续保存价值"
        )
        services.request_disposal(by=archivist, documents=[filed[0]], reason="2026年度到期档案销毁")
    if len(filed) > 1:
        services.appraise_document(
            by=archivist,
            document=filed[1],
            decision=Decision.KEEP,
            reason="与在谈合同相关，继续保存",
            keep_until=ctx.today + timedelta(days=365 * 5),
        )
    others = [c for c in ctx.customers if c not in free]
    if others:
        services.place_hold(
            by=archivist,
            customer=others[0],
            kind=HoldKind.LITIGATION,
            reason="货款纠纷诉讼中，判决执行完毕前档案不得销毁",
        )
    return f"retention: {len(filed)} statements past retention, 1 disposal awaiting the GM, 1 hold"
