"""Contract fixtures on top of the root personas: a customer file of 张三 (销售一部) and make_contract."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.contracts import services
from xindang.policy.selectors import build_policy


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def make_contract(db):
    """make_contract(customer, by, **fields) → a draft created through the service."""

    def _make(customer, by, **fields):
        data = {
            "title": fields.pop("title", "热轧钢板购销合同"),
            "kind": fields.pop("kind", "sale"),
            "amount": fields.pop("amount", Decimal("1250000.00")),
            "currency": fields.pop("currency", "CNY"),
            "handler": fields.pop("handler", by),
            "starts_on": fields.pop("starts_on", date(2026, 1, 1)),
            "ends_on": fields.pop("ends_on", date(2026, 12, 31)),
            **fields,
        }
        return services.create_contract(by=by, customer_id=customer.pk, data=data)

    return _make


@pytest.fixture
def contract(make_contract, customer, salesperson):
    return make_contract(customer, salesperson)


@pytest.fixture
def contracts_policy(monkeypatch):
    """contracts_policy(handover_days_to_credit_manager=10, …) → the services and selectors see that
    company policy (validated by the registered section, like a stored version)."""
    from xindang.contracts import selectors, views

    def _set(**values):
        policy = build_policy({"contracts": values}, version=9)
        for module in (services, selectors, views):
            monkeypatch.setattr(module, "current_policy", lambda on=None: policy)
        return policy

    return _set


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploaded contract documents go to a private folder per test, never to var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pdf_upload(text: str = "热轧钢板购销合同 正本", name: str = "合同正本.pdf"):
    """A real one-page PDF (reportlab's built-in CJK font), different for each text."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4, invariant=1)
    page.setFont("STSong-Light", 14)
    page.drawString(72, 760, text)
    page.showPage()
    page.save()
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/pdf")
