"""The customer file printed as one PDF (客户资料表 / 客户卡): every part of the file, the registered
capital in its currency and the postal code, no character its font cannot draw."""

import unicodedata
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xindang.audit.models import AuditEvent
from xindang.core.pdf import undrawn_characters


def pdf_text(content: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    return "".join(unicodedata.normalize("NFKC", text).split())  # line breaks fall anywhere


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(
        salesperson,
        name="华夏·HD-2026 外资有限公司",
        address="上海市浦东新区世纪大道100号",
        postal_code="200120",
        registered_capital=Decimal("10725264000"),
        registered_capital_currency="USD",
        legal_rep="王建华",
        children={
            "contacts": [
                {"name": "王经理", "title": "财务总监", "phone": "021-5888 0000", "is_primary": True}
            ],
            "bank_accounts": [
                {"bank_name": "中国工商银行上海分行", "account_no": "1001 2345 6789", "is_settlement": True}
            ],
            "shareholders": [{"name": "HD Holdings Ltd.", "kind": "company", "share_pct": Decimal("100")}],
            "managers": [{"name": "李总", "position": "总经理", "age": 52}],
        },
        tags=["重点"],
    )


@pytest.mark.parametrize("font", ["cid", ""])
def test_file_prints_as_one_pdf(client, salesperson, customer, settings, font):
    settings.XINDANG_PDF_FONT = font  # the built-in CID font, or an installed TrueType one if any
    client.force_login(salesperson)
    detail = client.get(customer.get_absolute_url()).content.decode()
    assert 'data-testid="file-pdf"' in detail
    response = client.get(reverse("customers:pdf", args=[customer.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        customer.file_no,
        "华夏·HD-2026外资有限公司".replace("·", ""),
        "USD10,725,264,000.00",
        "200120",
        "王经理",
        "中国工商银行上海分行",
        "HDHoldingsLtd.",
        "李总",
        "重点",
    ):
        assert expected.replace(" ", "") in text.replace("・", "").replace("·", ""), expected
    assert undrawn_characters(response.content) == {}
    assert AuditEvent.objects.filter(action="customer.view", object_id=str(customer.pk)).exists()


def test_file_pdf_of_another_department_is_404(client, other_salesperson, customer):
    client.force_login(other_salesperson)
    assert client.get(reverse("customers:pdf", args=[customer.pk])).status_code == 404
