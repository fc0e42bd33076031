"""The privacy section on the file page, the unmask button, the request screens."""

import json

import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.privacy.models import DataSubjectRequest, RequestState

from .conftest import VALID_ID


def test_the_section_shows_persons_with_masked_numbers(client, credit_manager, with_id, customer):
    client.force_login(credit_manager)
    response = client.get(reverse("privacy:customer_section", args=[customer.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "110***********002X" in body and VALID_ID not in body
    assert "王五" in body and "华夏集团有限公司" not in body  # a company shareholder holds no personal data
    assert 'data-testid="unmask"' in body


def test_the_file_page_loads_the_privacy_section(client, credit_manager, customer):
    client.force_login(credit_manager)
    body = client.get(customer.get_absolute_url()).content.decode()
    assert reverse("privacy:customer_section", args=[customer.pk]) in body


def test_a_salesperson_sees_no_unmask_button_and_is_refused(client, salesperson, with_id, customer, contact):
    client.force_login(salesperson)
    body = client.get(reverse("privacy:customer_section", args=[customer.pk])).content.decode()
    assert 'data-testid="unmask"' not in body and VALID_ID not in body
    response = client.post(reverse("privacy:unmask", args=[customer.pk, "contact", contact.pk]))
    assert response.status_code == 403 and VALID_ID not in response.content.decode()


def test_the_unmask_button_shows_the_number_and_audits(client, credit_manager, with_id, customer, contact):
    client.force_login(credit_manager)
    response = client.post(reverse("privacy:unmask", args=[customer.pk, "contact", contact.pk]))
    assert response.status_code == 200 and VALID_ID in response.content.decode()
    assert AuditEvent.objects.filter(action="privacy.unmask", actor=credit_manager).count() == 1


def test_another_departments_file_is_404(client, other_salesperson, customer, contact):
    client.force_login(other_salesperson)
    assert client.get(reverse("privacy:customer_section", args=[customer.pk])).status_code == 404


def test_recording_a_malformed_number_shows_the_error(client, salesperson, customer, contact):
    client.force_login(salesperson)
    url = reverse("privacy:person_edit", args=[customer.pk, "contact", contact.pk])
    response = client.post(
        url,
        {
            "collection_purpose": "业务联络",
            "collection_basis": "contract",
            "id_kind": "id_card",
            "id_number": "12345",
        },
    )
    assert response.status_code == 200
    assert "18" in response.content.decode()  # the length message
    contact.refresh_from_db()
    assert contact.id_number == ""


def test_a_request_is_recorded_listed_and_carried_out(client, credit_manager, customer, contact):
    client.force_login(credit_manager)
    response = client.post(
        reverse("privacy:request_new", args=[customer.pk, "contact", contact.pk]),
        {"kind": "access", "received_on": "2026-03-01", "details": "本人要求查阅"},
    )
    dsr = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and response.url == dsr.get_absolute_url()
    listing = client.get(reverse("privacy:request_list") + "?state=received").content.decode()
    assert dsr.get_absolute_url() in listing
    response = client.post(dsr.get_absolute_url(), {"action": "access"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["record"]["name"] == "张三"
    dsr.refresh_from_db()
    assert dsr.state == RequestState.DONE
    assert (
        dsr.get_absolute_url()
        not in client.get(reverse("privacy:request_list") + "?state=received").content.decode()
    )


def test_a_correction_without_a_reason_shows_the_error(client, credit_manager, customer, contact):
    client.force_login(credit_manager)
    from xindang.privacy import services

    dsr = services.receive_request(
        by=credit_manager,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        kind="correction",
        received_on="2026-03-01",
    )
    response = client.post(
        dsr.get_absolute_url(), {"action": "correction", "name": "张三", "mobile": "13700137000"}
    )
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.mobile == "13800138000"


def test_an_erasure_page_names_the_holds(client, credit_manager, customer, contact, hold_on):
    hold_on(customer, "诉讼未结")
    client.force_login(credit_manager)
    from xindang.privacy import services

    dsr = services.receive_request(
        by=credit_manager,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        kind="erasure",
        received_on="2026-03-01",
    )
    body = client.get(dsr.get_absolute_url()).content.decode()
    assert "诉讼未结" in body and 'data-testid="erase-person"' not in body
    response = client.post(dsr.get_absolute_url(), {"action": "erasure"}, follow=True)
    assert "诉讼未结" in response.content.decode()
    contact.refresh_from_db()
    assert contact.name == "张三"


def test_sharing_without_consent_is_refused_on_the_page(client, credit_manager, customer, contact):
    client.force_login(credit_manager)
    response = client.post(reverse("privacy:person_share", args=[customer.pk, "contact", contact.pk]), {})
    assert response.status_code == 200
    assert "第十条" in response.content.decode()


@pytest.mark.parametrize("persona", ["salesperson", "sysadmin"])
def test_the_request_list_needs_the_permission(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("privacy:request_list")).status_code == 403


def test_the_correction_page_never_shows_the_number_in_full(client, archivist, with_id, customer, contact):
    from xindang.privacy import services

    dsr = services.receive_request(
        by=archivist,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        kind="correction",
        received_on="2026-03-01",
    )
    client.force_login(archivist)
    body = client.get(dsr.get_absolute_url()).content.decode()
    assert VALID_ID not in body and "110***********002X" in body
    # a correction that leaves the number empty keeps it
    response = client.post(
        dsr.get_absolute_url(),
        {
            "action": "correction",
            "name": "张三",
            "phone": "010-88886666",
            "mobile": "13700137000",
            "id_kind": "id_card",
            "reason": "号码变更",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.mobile == "13700137000" and contact.phone == "010-88886666"
    assert contact.id_number == VALID_ID


def test_the_request_form_shows_todays_date_in_its_date_input(client, credit_manager, customer, contact):
    """A date input reads only an ISO date: the default (today) must be written as one, or the field
    shows empty and the form is refused for a date nobody removed."""
    from django.utils import timezone

    client.force_login(credit_manager)
    html = client.get(
        reverse("privacy:request_new", args=[customer.pk, "contact", contact.pk])
    ).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
