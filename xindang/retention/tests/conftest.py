"""Fixtures of the retention tests: a private MEDIA_ROOT, documents filed through the documents service
and aged past their retention, a second archivist and a witness."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.documents.models import Document, DocumentCategory
from xindang.testing.samples import pdf_bytes, upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏科技有限公司")


@pytest.fixture
def file_document(db, archivist):
    """file_document(customer, years_ago=12, content=None, retention_class="short") → a document filed
    through the documents service, its filing date moved back (the short class counts from upload)."""
    from xindang.documents import services

    counter = iter(range(1, 10_000))
    category = DocumentCategory.objects.get(code="business_licence")

    def _file(customer, *, years_ago=12, content=None, retention_class="short", title=None, by=None):
        n = next(counter)
        doc = services.upload_document(
            by=by or archivist,
            customer=customer,
            category=category,
            uploaded_file=upload(
                f"资料{n}.pdf", content or pdf_bytes(f"{customer.name} 资料 {n}"), "application/pdf"
            ),
            title=title or f"资产负债表 {2010 + n}",
            confidentiality=3,
            retention_class=retention_class,
        )
        Document.objects.filter(pk=doc.pk).update(
            filed_at=timezone.now() - timedelta(days=365 * years_ago + 5)
        )
        return Document.objects.get(pk=doc.pk)

    return _file


@pytest.fixture
def archivist2(db):
    return make_user("qianer", Role.ARCHIVIST, display_name="钱二")


@pytest.fixture
def witness(db):
    return make_user("lisi2", Role.CREDIT_MANAGER, display_name="李思")


@pytest.fixture
def blob_path(media_root):
    def _path(document):
        return media_root / document.current_version.storage_name

    return _path
