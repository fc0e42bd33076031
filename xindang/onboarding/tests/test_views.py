"""The card on the prospect's file: the section, the full page (save, submit, blanks refused), the
approval panel, the conditions on the file header, the workbench items."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from xindang.approvals.services import approve_step
from xindang.onboarding import selectors, services
from xindang.onboarding.models import TransactionCard

pytestmark = pytest.mark.django_db


def _full_post(today, **overrides):
    from .conftest import FULL_CARD

    data = {k: ("" if v is None else str(v)) for k, v in {**FULL_CARD, "first_contact_on": today}.items()}
    return {**data, **overrides}


def test_the_section_shows_a_prospect_waiting_for_its_card(client, salesperson, make_prospect):
    prospect = make_prospect(salesperson)
    client.force_login(salesperson)
    response = client.get(reverse("onboarding:customer_section", args=[prospect.pk]))
    assert response.status_code == 200
    assert b'data-testid="fill-card"' in response.content
    page = client.get(prospect.get_absolute_url())
    assert reverse("onboarding:customer_section", args=[prospect.pk]).encode() in page.content


def test_the_full_page_saves_a_draft_and_submits_a_complete_card(client, salesperson, make_prospect, today):
    prospect = make_prospect(salesperson)
    client.force_login(salesperson)
    url = reverse("onboarding:card", args=[prospect.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**_full_post(today), "submit": "1"})
    assert response.status_code == 302
    card = TransactionCard.objects.get(customer=prospect)
    assert card.status == "submitted" and card.approval_id is not None


def test_submitting_a_card_with_a_blank_field_shows_the_error_and_saves_nothing_submitted(
    client, salesperson, make_prospect, today
):
    prospect = make_prospect(salesperson)
    client.force_login(salesperson)
    response = client.post(
        reverse("onboarding:card", args=[prospect.pk]), {**_full_post(today, products=""), "submit": "1"}
    )
    assert response.status_code == 400
    assert b'data-testid="form-errors"' in response.content
    assert not TransactionCard.objects.filter(customer=prospect).exists()  # one transaction: nothing kept


def test_the_approval_page_shows_the_card_and_the_conditions_form(
    client, salesperson, make_prospect, fill_card, marketing_manager
):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    card = services.submit_card(by=salesperson, customer_id=prospect.pk)
    client.force_login(marketing_manager)
    response = client.get(reverse("approvals:detail", args=[card.approval_id]))
    assert response.status_code == 200
    assert b'data-testid="card-panel"' in response.content
    assert b'data-testid="conditions-form"' in response.content
    saved = client.post(
        reverse("onboarding:conditions", args=[prospect.pk]),
        {
            "conditions": ["collateral"],
            "note": "厂房抵押",
            "next": reverse("approvals:detail", args=[card.approval_id]),
        },
    )
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "approvals:detail", args=[card.approval_id]
    )
    card.refresh_from_db()
    assert card.conditions == "collateral"
    header = client.get(reverse("onboarding:customer_header", args=[prospect.pk]))
    assert b'data-testid="header-conditions"' in header.content and "厂房抵押".encode() in header.content


def test_a_salesperson_cannot_post_conditions(client, salesperson, make_prospect, fill_card):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    services.submit_card(by=salesperson, customer_id=prospect.pk)
    client.force_login(salesperson)
    client.post(reverse("onboarding:conditions", args=[prospect.pk]), {"conditions": ["contract"]})
    assert TransactionCard.objects.get(customer=prospect).conditions == ""


# --- The workbench (003 篇四 1; 001 公司客户信息管理办法 七.3) ----------------------------------------------
def _kinds(user):
    return {i.kind: i for i in selectors.workbench_items(user)}


def test_a_new_file_is_due_within_a_week_and_overdue_after(salesperson, manager, make_prospect, fill_card):
    prospect = make_prospect(salesperson)
    item = _kinds(salesperson)["onboarding.card_due"]
    assert item.customer_id == prospect.pk and not item.overdue
    assert item.due == timezone.localdate(prospect.created_at) + timedelta(days=7)
    assert "003 篇四 1" in item.rule
    assert "onboarding.card_due" in _kinds(manager)  # the direct superior sees it too
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        assert _kinds(salesperson)["onboarding.card_due"].overdue
    # once the direct superior has reviewed (signed the first step) the item is done
    fill_card(prospect, salesperson)
    card = services.submit_card(by=salesperson, customer_id=prospect.pk)
    approve_step(approval=card.approval, approver=manager)
    assert "onboarding.card_due" not in _kinds(salesperson)


def test_an_important_new_customer_needs_two_staff_contacts_with_reports(
    salesperson, manager, make_prospect, fill_card, marketing_manager, today
):
    prospect = make_prospect(salesperson, importance="important")
    fill_card(prospect, salesperson)
    assert "onboarding.staff_contacts" in _kinds(manager)
    services.add_staff_contact(by=manager, customer_id=prospect.pk, user_id=salesperson.pk)
    contact = services.add_staff_contact(by=manager, customer_id=prospect.pk, user_id=marketing_manager.pk)
    assert "onboarding.staff_contacts" not in _kinds(manager)
    assert "onboarding.contact_report" in _kinds(marketing_manager)
    services.file_contact_report(
        by=marketing_manager, staff_contact_id=contact.pk, reported_on=today, summary="电话沟通采购计划"
    )
    assert "onboarding.contact_report" not in _kinds(marketing_manager)


def test_an_ordinary_customer_needs_no_staff_contacts(salesperson, manager, make_prospect, fill_card):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    assert "onboarding.staff_contacts" not in _kinds(manager)
