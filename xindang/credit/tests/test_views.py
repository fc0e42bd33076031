"""Credit screens: permissions, 404 for files the user may not see, the investigation form with its
yearly figures, sign and review, the propose page with the computed grade and reasons, the list with
its filters and export, and the printed form (PDF)."""

from io import BytesIO

import pytest
from django.urls import reverse

from conftest import PASSWORD
from xindang.credit import services
from xindang.credit.models import Investigation, InvestigationStatus, Rating, RatingStatus

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_customer_section_shows_state_and_buttons(client, customer, salesperson, investigate):
    login(client, salesperson)
    url = reverse("credit:customer_section", args=[customer.pk])
    html = client.get(url).content.decode()
    assert 'data-state="missing"' in html and 'data-testid="new-investigation"' in html
    investigate(customer)
    html = client.get(url).content.decode()
    assert 'data-state="valid"' in html
    assert 'data-testid="propose-rating"' not in html  # a salesperson does not propose


def test_invisible_file_is_404_everywhere(client, customer, other_salesperson, investigate):
    inv = investigate(customer)
    login(client, other_salesperson)
    for url in [
        reverse("credit:customer_section", args=[customer.pk]),
        reverse("credit:investigation_create", args=[customer.pk]),
        reverse("credit:investigation", args=[inv.pk]),
        reverse("credit:investigation_pdf", args=[inv.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_propose_needs_the_capability(client, customer, salesperson, investigate):
    investigate(customer)
    login(client, salesperson)
    assert client.get(reverse("credit:propose", args=[customer.pk])).status_code == 403


def test_investigation_form_creates_draft_with_years(client, customer, salesperson):
    login(client, salesperson)
    url = reverse("credit:investigation_create", args=[customer.pk])
    page = client.get(url)
    assert page.status_code == 200 and "years-TOTAL_FORMS" in page.content.decode()
    data = {
        "investigated_on": "2026-01-05",
        "sources": ["cooperation", "archive"],
        "basic_info": "基本情况",
        "conclusion": "良好",
        "site_visit": "厂区整洁",
        "bank_credit": "银行反映结算正常",
        "public_records_court": "无诉讼",
        "public_records_tax": "纳税A级",
        "public_records_penalties": "无处罚",
        "media": "无负面报道",
        "credit_proposal": "建议授信",
        "proposed_limit_amount": "300000",
        "proposed_term_days": "30",
        "yearly_shipments_amount": "1500000",
        "lawful_and_kept_promises": "on",
        "broken_promises_count": "0",
        "falling_turnover_months": "0",
        "years-TOTAL_FORMS": "2",
        "years-INITIAL_FORMS": "0",
        "years-MIN_NUM_FORMS": "0",
        "years-MAX_NUM_FORMS": "1000",
        "years-0-year": "2024",
        "years-0-revenue_amount": "1000000",
        "years-0-profit_amount": "50000",
        "years-1-year": "2025",
        "years-1-revenue_amount": "1200000",
        "years-1-profit_amount": "-20000",
    }
    response = client.post(url, data)
    inv = Investigation.objects.get(customer=customer)
    assert response.status_code == 302 and response.url == inv.get_absolute_url()
    assert inv.status == InvestigationStatus.DRAFT and inv.sources == ["cooperation", "archive"]
    assert [y.year for y in inv.years.all()] == [2024, 2025]
    # the credit report's items (001 客户档案专题 客户档案的内容 2 客户资信调查报告)
    assert (inv.site_visit, inv.public_records_tax, inv.media, inv.credit_proposal) == (
        "厂区整洁",
        "纳税A级",
        "无负面报道",
        "建议授信",
    )
    assert inv.proposed_limit_amount == 300000 and inv.yearly_shipments_amount == 1500000
    detail = client.get(inv.get_absolute_url()).content.decode()
    assert "银行反映结算正常" in detail and "无诉讼" in detail and "无处罚" in detail
    assert 'data-code="x.loss_not_declared"' in detail  # the contradiction is flagged before review
    assert 'data-testid="sign-investigation"' in detail


def test_sign_and_review_through_the_pages(
    client, customer, salesperson, credit_manager, manager, investigate
):
    inv = investigate(customer, sign=False)
    login(client, salesperson)
    client.post(reverse("credit:investigation_sign", args=[inv.pk]))  # no confirmation: refused
    inv.refresh_from_db()
    assert inv.status == InvestigationStatus.DRAFT
    client.post(reverse("credit:investigation_sign", args=[inv.pk]), {"confirm": "1"})
    inv.refresh_from_db()
    assert inv.status == InvestigationStatus.SIGNED
    # the author sees no review button; nor does the credit manager (002 第十条: the department
    # manager reviews); the department manager does
    assert 'data-testid="review-investigation"' not in client.get(inv.get_absolute_url()).content.decode()
    client.logout()
    login(client, credit_manager)
    assert 'data-testid="review-investigation"' not in client.get(inv.get_absolute_url()).content.decode()
    client.logout()
    login(client, manager)
    assert 'data-testid="review-investigation"' in client.get(inv.get_absolute_url()).content.decode()
    client.post(reverse("credit:investigation_review", args=[inv.pk]), {"notes": "已核对"})
    inv.refresh_from_db()
    assert inv.status == InvestigationStatus.REVIEWED and inv.reviewed_by == manager


def test_propose_page_shows_grade_reasons_and_submits(
    client, customer, credit_manager, salesperson, investigate, docs_complete
):
    investigate(customer)
    login(client, credit_manager)
    url = reverse("credit:propose", args=[customer.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="computed-grade" data-grade="A"' in html
    assert "002 第十五条(6)" in html and 'data-testid="facts"' in html
    response = client.post(url, {"grade": "A"})
    rating = Rating.objects.get(customer=customer)
    # 002 第十九条: the salesperson in charge takes part before it goes for approval
    assert response.status_code == 302 and rating.status == RatingStatus.PROPOSED
    assert rating.salesperson == salesperson
    html = client.get(rating.get_absolute_url()).content.decode()
    assert 'data-testid="submit-rating"' not in html and 'data-testid="opinion-form"' not in html
    client.logout()
    login(client, salesperson)
    assert 'data-testid="opinion-form"' in client.get(rating.get_absolute_url()).content.decode()
    client.post(reverse("credit:rating_opinion", args=[rating.pk]), {"agrees": "0"})  # no opinion: refused
    rating.refresh_from_db()
    assert rating.salesperson_signed_at is None
    client.post(
        reverse("credit:rating_opinion", args=[rating.pk]), {"agrees": "0", "opinion": "客户近期回款变慢"}
    )
    rating.refresh_from_db()
    assert rating.salesperson_agrees is False and rating.salesperson_opinion == "客户近期回款变慢"
    client.logout()
    login(client, credit_manager)
    client.post(reverse("credit:rating_submit", args=[rating.pk]))
    rating.refresh_from_db()
    assert rating.status == RatingStatus.PENDING
    assert any("客户近期回款变慢" in w for w in rating.approval.warnings)  # the approvers read it
    assert 'data-testid="approval-link"' in client.get(rating.get_absolute_url()).content.decode()


def test_propose_override_without_reason_shows_error(
    client, customer, credit_manager, investigate, docs_complete
):
    investigate(customer)
    login(client, credit_manager)
    response = client.post(reverse("credit:propose", args=[customer.pk]), {"grade": "C"})
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not Rating.objects.exists()


def test_list_filters_and_export(client, customer, make_customer, credit_manager, salesperson, investigate):
    other = make_customer(salesperson, name="江南纺织有限公司")
    investigate(customer)
    login(client, credit_manager)
    html = client.get(reverse("credit:list")).content.decode()
    assert customer.name in html and other.name in html
    html = client.get(reverse("credit:list"), {"inv": "missing"}).content.decode()
    assert other.name in html and customer.name not in html
    html = client.get(reverse("credit:list"), {"inv": "valid", "sort": "-rated"}).content.decode()
    assert customer.name in html and other.name not in html
    response = client.get(reverse("credit:export"))
    data = b"".join(response.streaming_content)
    assert response.status_code == 200 and data[:2] == b"PK"
    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 3


def test_list_is_limited_to_visible_files(client, customer, other_salesperson):
    login(client, other_salesperson)
    html = client.get(reverse("credit:list")).content.decode()
    assert customer.name not in html


def test_pdf_renders_with_customer_name(
    client, customer, credit_manager, investigate, docs_complete, marketing_manager
):
    inv = investigate(customer)
    rating = services.propose_rating(customer_id=customer.pk, by=credit_manager)
    services.sign_rating_as_salesperson(rating_id=rating.pk, by=customer.owner, agrees=True)
    rating = services.submit_rating(rating_id=rating.pk, by=credit_manager)
    from xindang.approvals import services as approvals

    approvals.approve_step(approval=rating.approval, approver=marketing_manager, comment="同意")
    login(client, credit_manager)
    response = client.get(reverse("credit:investigation_pdf", args=[inv.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(data)).pages)
    assert "华夏钢铁贸易有限公司" in text
    assert "002 第十五条" in text


def test_edit_draft_keeps_years_and_signed_form_is_not_editable(client, customer, salesperson, investigate):
    inv = investigate(customer, sign=False)
    login(client, salesperson)
    url = reverse("credit:investigation_edit", args=[inv.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    years = page.context["years"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool | list)}
    data.update({name: "on" for name, v in form.initial.items() if v is True})
    data["sources"] = inv.sources
    data["conclusion"] = "复核后修改"
    data.update({f"years-{k}": v for k, v in years.management_form.initial.items()})
    for i, f in enumerate(years.forms):
        data[f"years-{i}-id"] = f.instance.pk or ""
        for name, value in f.initial.items():
            if value is not None:
                data[f"years-{i}-{name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.conclusion == "复核后修改" and inv.years.count() == 2
    services.sign_investigation(investigation_id=inv.pk, by=salesperson)
    assert client.get(url).status_code == 302  # signed: back to the page, never edited
