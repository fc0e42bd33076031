"""The printed transaction card (004 客户信息管理制度 第十条; 002 篇五 新客户认定申请报告) with its approval
trail: permission-checked like the file, every Chinese character drawn, the print audited."""

import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.core import pdf

pytestmark = pytest.mark.django_db


def test_the_approved_card_prints_with_its_signatures_and_is_audited(
    client, salesperson, make_prospect, fill_card, approve_card
):
    from xindang.onboarding import services

    prospect = make_prospect(salesperson)
    card = fill_card(prospect, salesperson)
    services.submit_card(by=salesperson, customer_id=prospect.pk)
    approve_card(card)
    client.force_login(salesperson)
    response = client.get(reverse("onboarding:card_pdf", args=[prospect.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert pdf.undrawn_characters(response.content) == {}
    event = AuditEvent.objects.filter(action="onboarding.card_print").get()
    assert event.actor_id == salesperson.pk and event.data["card"] == card.pk
    page = client.get(reverse("onboarding:card", args=[prospect.pk])).content
    assert b'data-testid="card-pdf"' in page


def test_a_draft_prints_without_a_trail(client, salesperson, make_prospect, fill_card):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    client.force_login(salesperson)
    response = client.get(reverse("onboarding:card_pdf", args=[prospect.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_no_card_is_404_and_another_departments_file_is_not_printed(
    client, salesperson, other_salesperson, make_prospect, fill_card
):
    prospect = make_prospect(salesperson)
    client.force_login(salesperson)
    assert client.get(reverse("onboarding:card_pdf", args=[prospect.pk])).status_code == 404
    fill_card(prospect, salesperson)
    client.force_login(other_salesperson)
    assert client.get(reverse("onboarding:card_pdf", args=[prospect.pk])).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="onboarding.card_print").exists()


def test_a_user_without_the_card_permission_is_refused(
    client, make_prospect, salesperson, fill_card, sysadmin
):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    client.force_login(sysadmin)
    assert client.get(reverse("onboarding:card_pdf", args=[prospect.pk])).status_code == 403
