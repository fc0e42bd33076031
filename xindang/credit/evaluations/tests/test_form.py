"""The 客户授信额度执行评价表 as the regulation names it (002 第三十九–四十一条): the finance department
fills it in (the CFO as well as the credit controller), the business supervisor reports, the VP
marketing's opinion is a field with its signer; the PDF prints all four signatures, every character
in a font that has it, and no label running into its value."""

import unicodedata
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from xindang.audit.models import AuditEvent
from xindang.core import pdf
from xindang.core.errors import DomainError
from xindang.credit.evaluations import rules, services
from xindang.policy.selectors import current_policy


@pytest.fixture
def reviewed(evaluation, finance_controller, manager, marketing_manager):
    services.sign_figures(evaluation=evaluation, by=finance_controller, remarks="数据属实 · 已核对")
    services.submit_report(
        evaluation=evaluation, by=manager, operations_report="经营正常 • 订单稳定 HD-2026", confirmed=True
    )
    services.review_evaluation(evaluation=evaluation, by=marketing_manager, opinion="同意,维持额度。")
    evaluation.refresh_from_db()
    return evaluation


def test_the_default_reads_the_business_supervisor_as_the_department_manager(db):
    assert current_policy().evaluations.reporter == rules.DEPARTMENT_MANAGER


def test_the_cfo_signs_for_the_finance_department(evaluation, cfo):
    assert cfo.has_perm("evaluations.sign_figures")
    services.sign_figures(evaluation=evaluation, by=cfo, remarks="财务部核对")
    evaluation.refresh_from_db()
    assert evaluation.controller_signed_by == cfo


def test_vp_marketing_gives_the_opinion_after_the_review(
    evaluation, reviewed, vp_marketing, marketing_manager
):
    assert vp_marketing.has_perm("evaluations.give_vp_opinion")
    assert not marketing_manager.has_perm("evaluations.give_vp_opinion")
    services.give_vp_opinion(evaluation=reviewed, by=vp_marketing, opinion="同意。")
    reviewed.refresh_from_db()
    assert (reviewed.status, reviewed.vp_signed_by) == (rules.VP_REVIEWED, vp_marketing)
    assert AuditEvent.objects.filter(action="evaluation.vp_opinion", object_id=str(reviewed.pk)).exists()
    with pytest.raises(DomainError) as again:
        services.give_vp_opinion(evaluation=reviewed, by=vp_marketing, opinion="再次")
    assert again.value.code == "evaluation.already_vp"


def test_no_vp_opinion_before_the_review(evaluation, vp_marketing):
    with pytest.raises(DomainError) as refused:
        services.give_vp_opinion(evaluation=evaluation, by=vp_marketing, opinion="同意")
    assert refused.value.code == "evaluation.not_reviewed"


def test_vp_opinion_through_the_screen(client, reviewed, vp_marketing, salesperson):
    client.force_login(salesperson)
    assert (
        client.post(reverse("evaluations:vp_opinion", args=[reviewed.pk]), {"opinion": "x"}).status_code
        == 403
    )
    client.force_login(vp_marketing)
    page = client.get(reviewed.get_absolute_url()).content.decode()
    assert 'data-testid="vp-form"' in page
    assert (
        client.post(reverse("evaluations:vp_opinion", args=[reviewed.pk]), {"opinion": ""}).status_code == 400
    )
    response = client.post(reverse("evaluations:vp_opinion", args=[reviewed.pk]), {"opinion": "同意执行"})
    assert response.status_code == 302
    page = client.get(reviewed.get_absolute_url()).content.decode()
    assert 'data-testid="vp-text">同意执行' in page


def _lines(content: bytes) -> list[tuple[float, float, str]]:
    """(x, font size, text) of every string drawn on the first page."""
    drawn = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            drawn.append((tm[4] * cm[0] + cm[4], size * tm[0] if tm[0] else size, text.strip()))

    PdfReader(BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return drawn


@pytest.mark.parametrize("font", ["cid", ""])
def test_evaluation_pdf_prints_every_signature_in_covered_glyphs(
    client, reviewed, vp_marketing, settings, font
):
    settings.XINDANG_PDF_FONT = font
    services.give_vp_opinion(evaluation=reviewed, by=vp_marketing, opinion="同意执行")
    client.force_login(vp_marketing)
    content = client.get(reverse("evaluations:pdf", args=[reviewed.pk])).content
    text = "".join(unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(BytesIO(content)).pages)
    text = "".join(text.split())
    for who in (
        "财务部意见",
        "业务主管经营状况书面汇报",
        "营销部经理评价意见",
        "营销主管副总意见",
        "同意执行",
    ):
        assert who in text
    assert vp_marketing.get_full_name() in text
    assert pdf.undrawn_characters(content) == {}  # "•", "·" and empty cells drew boxes before


def test_evaluation_pdf_labels_stay_in_their_column(client, reviewed, finance_controller, settings):
    """付款承诺(作出/履行/违约) ran over its value: every string that starts in the label column
    (16 mm margin + 32 mm) ends inside it."""
    settings.XINDANG_PDF_FONT = "cid"
    client.force_login(finance_controller)
    content = client.get(reverse("evaluations:pdf", args=[reviewed.pk])).content
    left, edge = 16 * mm, (16 + 32) * mm
    font = pdf.cjk_font()
    starting_in_label_column = [  # table cells are 9.5 pt (the footer and the note run across)
        (x, size, t) for x, size, t in _lines(content) if left - 1 <= x < edge - 10 and size >= 9
    ]
    assert any("付款承诺" in t for _x, _s, t in starting_in_label_column)
    for x, size, text in starting_in_label_column:
        assert x + pdfmetrics.stringWidth(text, font, size) <= edge + 0.5, text


def test_export_carries_the_vp_opinion(client, reviewed, vp_marketing, finance_controller):
    import io

    from openpyxl import load_workbook

    services.give_vp_opinion(evaluation=reviewed, by=vp_marketing, opinion="同意执行")
    client.force_login(finance_controller)
    response = client.get(reverse("evaluations:export"), {"month": f"{reviewed.month:%Y-%m}"})
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[1][-2:] == (vp_marketing.get_full_name(), "同意执行")
