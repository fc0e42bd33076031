"""Fixtures of the documents tests: a private MEDIA_ROOT per test, sample files, a filed licence."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xindang.documents.models import DocumentCategory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Autouse, so it is set up before the database fixtures and torn down after their rollback: files
    removed on rollback are removed from this folder, never from var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def pdf_bytes(text: str = "营业执照", pages: int = 1) -> bytes:
    """A real one-page PDF (reportlab), different for each text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for _ in range(pages):
        c.setFont("STSong-Light", 14)
        c.drawString(72, 760, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def png_bytes(color=(200, 30, 30), size=(60, 40)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def set_policy(by, section: str, **values):
    """Put a policy version in force with `values` changed in `section`."""
    from xindang.policy import services as policy_services

    draft = policy_services.create_draft(by=by, comment="test")
    base = draft.data.get(section, {})
    policy_services.update_draft_section(draft_id=draft.pk, section=section, values={**base, **values}, by=by)
    return policy_services.put_in_force(draft_id=draft.pk, by=by, comment="test")


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


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
