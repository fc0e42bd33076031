"""Fixtures of the lifecycle tests: a private MEDIA_ROOT, an office director, filed documents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.documents.models import DocumentCategory
from xindang.testing.samples import pdf_bytes, upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def office_director(db):
    return make_user("qianjiu", Role.OFFICE_DIRECTOR, display_name="钱九")


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏科技有限公司")


@pytest.fixture
def file_document(db):
    """file_document(by, customer, **kw) → a document filed through the documents service."""
    from xindang.documents import services

    counter = iter(range(1, 10_000))
    licence = DocumentCategory.objects.get(code="business_licence")

    def _file(by, customer, category=None, title=None, **metadata):
        n = next(counter)
        return services.upload_document(
            by=by,
            customer=customer,
            category=category or licence,
            uploaded_file=upload(f"文件{n}.pdf", pdf_bytes(f"{customer.name} 文件 {n}"), "application/pdf"),
            title=title or f"营业执照副本 {n}",
            confidentiality=3,
            **metadata,
        )

    return _file


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def lend(archivist, today):
    """lend(customer, borrower, documents=…, whole_file=…, **kw) through the service, by the archivist."""
    from xindang.lifecycle import services

    def _lend(customer, borrower, documents=(), whole_file=False, by=None, **kw):
        return services.lend(
            by=by or archivist,
            customer=customer,
            borrower=borrower,
            purpose=kw.pop("purpose", "授信复核"),
            lent_on=kw.pop("lent_on", today),
            due_on=kw.pop("due_on", today + timedelta(days=14)),
            documents=documents,
            whole_file=whole_file,
            **kw,
        )

    return _lend
