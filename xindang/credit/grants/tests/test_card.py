"""The printed customer file (客户资料表) carries the grade and the limit for those who see grants."""

import unicodedata
from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from pypdf import PdfReader

from xindang.approvals import services as approvals
from xindang.approvals.models import ApprovalRequest
from xindang.credit.grants import services

from .conftest import make_facts


def _text(content: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_file_pdf_shows_grade_and_limit(
    client, make_customer, salesperson, other_salesperson, ledger, rate, vp_marketing, cfo, gm, chairman
):
    customer = make_customer(salesperson, name="华夏机电有限公司")
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts(shipments="100000", collections="80000")
    grant = services.request_grant(
        customer=customer, by=salesperson, kind="long_term", limit_amount=Decimal("60000"), term_days=30
    )
    for user in (vp_marketing, cfo, gm, chairman):
        approvals.approve_step(approval=ApprovalRequest.objects.get(pk=grant.approval_id), approver=user)
    client.force_login(salesperson)
    text = _text(client.get(reverse("customers:pdf", args=[customer.pk])).content)
    assert "¥60,000.00" in text and "30" in text
