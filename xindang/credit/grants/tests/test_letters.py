"""Letters to the customer: the notice's letterhead names the company (policy core.company_name), the
customer's copy leaves out the approvers' comments, and the standard reply (回复客户的标准函) to a
refused request or a reduced limit (001 客户信用档案建立与管理制度 5)."""

import unicodedata
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xindang.approvals import services as approvals
from xindang.approvals.models import ApprovalRequest
from xindang.core.pdf import undrawn_characters
from xindang.credit.grants import services
from xindang.credit.grants.letters import REDUCED, REFUSED, reply_kind
from xindang.credit.grants.models import GrantStatus

from .conftest import make_facts, set_policy

D = Decimal


def _text(content: bytes) -> str:
    """The PDF's text, NFKC-folded: the CID font draws ¥ as its full-width ￥."""
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    ("status", "limit", "previous", "kind"),
    [
        ("rejected", "50000", None, REFUSED),
        ("active", "30000", "60000", REDUCED),  # a lower limit replaces a higher one
        ("replaced", "30000", "60000", REDUCED),
        ("active", "60000", "60000", None),  # unchanged: the notice answers
        ("active", "80000", "60000", None),  # raised: the notice answers
        ("active", "60000", None, None),  # a first grant
        ("pending", "30000", "60000", None),  # not decided yet
    ],
)
def test_reply_kind(status, limit, previous, kind):
    assert reply_kind(status=status, limit_amount=D(limit), previous_limit=previous and D(previous)) == kind


@pytest.fixture
def customer(make_customer, salesperson, ledger, rate):
    c = make_customer(salesperson, name="华夏机电有限公司")
    rate(c, "A")
    ledger.facts[c.pk] = make_facts(shipments="100000", collections="80000")
    return c


def _grant(customer, by, limit, *, approvers=(), reject_by=None, replaces=None):
    grant = services.request_grant(
        customer=customer,
        by=by,
        kind="long_term",
        limit_amount=D(limit),
        term_days=30,
        reason="年度授信",
        replaces=replaces,
    )
    for user in approvers:
        approvals.approve_step(
            approval=ApprovalRequest.objects.get(pk=grant.approval_id), approver=user, comment="同意,内部意见"
        )
    if reject_by is not None:
        approval = ApprovalRequest.objects.get(pk=grant.approval_id)
        approvals.reject(approval=approval, approver=reject_by, reason="内部否决理由")
    grant.refresh_from_db()
    return grant


@pytest.fixture
def company(credit_manager):
    set_policy(credit_manager, "core", company_name="华信达贸易有限公司")
    return "华信达贸易有限公司"


def test_notice_letterhead_names_the_company_and_hides_comments(
    client, salesperson, customer, vp_marketing, cfo, gm, chairman, company, settings
):
    settings.XINDANG_PDF_FONT = "cid"
    grant = _grant(customer, salesperson, "60000", approvers=(vp_marketing, cfo, gm, chairman))
    assert grant.status == GrantStatus.ACTIVE
    client.force_login(salesperson)
    letter = client.get(reverse("grants:notice", args=[grant.pk]))
    text = _text(letter.content)
    assert company in text and "本公司" not in text
    assert "内部意见" not in text  # the customer does not read our approvers' comments
    internal = client.get(reverse("grants:notice", args=[grant.pk]) + "?copy=internal")
    assert "内部意见" in _text(internal.content)
    assert undrawn_characters(letter.content) == {} and undrawn_characters(internal.content) == {}


def test_reply_letter_to_a_refused_request(client, salesperson, customer, vp_marketing, company, settings):
    settings.XINDANG_PDF_FONT = "cid"
    grant = _grant(customer, salesperson, "50000", reject_by=vp_marketing)
    assert grant.status == GrantStatus.REJECTED
    client.force_login(salesperson)
    detail = client.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert 'data-testid="reply-letter"' in detail
    response = client.get(reverse("grants:reply_letter", args=[grant.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert company in text and "暂不能给予授信" in text and "¥50,000.00" in text
    assert "内部否决理由" not in text
    assert undrawn_characters(response.content) == {}


def test_reply_letter_to_a_reduced_limit(
    client, salesperson, customer, vp_marketing, cfo, gm, chairman, company
):
    first = _grant(customer, salesperson, "60000", approvers=(vp_marketing, cfo, gm, chairman))
    reduced = _grant(
        customer, salesperson, "30000", approvers=(vp_marketing, cfo, gm, chairman), replaces=first
    )
    assert reduced.status == GrantStatus.ACTIVE
    client.force_login(salesperson)
    text = "".join(_text(client.get(reverse("grants:reply_letter", args=[reduced.pk])).content).split())
    assert "调整为¥30,000.00" in text and "原额度¥60,000.00" in text
    assert undrawn_characters(client.get(reverse("grants:reply_letter", args=[reduced.pk])).content) == {}


def test_no_reply_letter_for_a_first_grant(client, salesperson, customer, vp_marketing, cfo, gm, chairman):
    grant = _grant(customer, salesperson, "60000", approvers=(vp_marketing, cfo, gm, chairman))
    client.force_login(salesperson)
    assert client.get(reverse("grants:reply_letter", args=[grant.pk])).status_code == 404
