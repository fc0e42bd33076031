"""Fixtures of the documents tests: a private MEDIA_ROOT per test, sample files, a filed licence."""

import pytest

from xindang.documents.models import DocumentCategory
from xindang.testing.samples import pdf_bytes, upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Autouse, so it is set up before the database fixtures and torn down after their rollback: files
    removed on rollback are removed from this folder, never from var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def pdf_file():
    def _make(text="营业执照 91110000MA01ABCD0X", name="营业执照.pdf"):
        return upload(name, pdf_bytes(text), "application/pdf")

    return _make


@pytest.fixture
def licence_category(db):
    return DocumentCategory.objects.get(code="business_licence")


@pytest.fixture
def category(db):
    def _get(code):
        return DocumentCategory.objects.get(code=code)

    return _get


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏科技有限公司")


@pytest.fixture
def file_document(licence_category, pdf_file):
    """file_document(by, customer, level=3, **kw) → a document filed through the service."""
    from xindang.documents import services

    counter = iter(range(1, 10_000))

    def _file(by, customer, level=3, category=None, title=None, file=None, **metadata):
        n = next(counter)
        return services.upload_document(
            by=by,
            customer=customer,
            category=category or licence_category,
            uploaded_file=file or pdf_file(text=f"{customer.name} 文件 {n}"),
            title=title or f"营业执照副本 {n}",
            confidentiality=level,
            **metadata,
        )

    return _file
