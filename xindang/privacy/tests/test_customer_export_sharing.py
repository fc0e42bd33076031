"""The customer list's export marked for an outside party (004 客户信息保护管理制度 第十条: 向第三方提供
客户信息须经过客户的明示同意,并签订相关合同): refused and audited without a recorded consent in force
to share with that party for every customer in it; internal exports as before."""

import io

import openpyxl
import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.customers.errors import CustomerError
from xindang.customers.exporting import export_customers
from xindang.privacy import services

pytestmark = pytest.mark.django_db
EXPORT = reverse("customers:export")
BUREAU = "中诚信征信有限公司"


def _consent(by, customer, recipient=BUREAU, **extra):
    return services.record_sharing_consent(
        by=by,
        customer=customer,
        recipient=recipient,
        purpose="征信报告",
        consent_on=extra.pop("consent_on", "2026-01-01"),
        agreement_no="GX-2026-001",
        agreement_on="2026-01-02",
        **extra,
    )


def _rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return list(sheet.iter_rows(values_only=True))[1:]


def test_the_export_form_asks_whether_it_is_for_an_outside_party(client, credit_manager, customer):
    client.force_login(credit_manager)
    page = client.get(EXPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="audience"' in html and 'value="outside"' in html and 'name="recipient"' in html


def test_an_outside_party_export_without_consent_is_refused_and_audited(client, credit_manager, customer):
    client.force_login(credit_manager)
    response = client.get(EXPORT, {"purpose": "征信", "audience": "outside", "recipient": BUREAU})
    assert response.status_code == 403 and "export-refused" in response.content.decode()
    event = AuditEvent.objects.get(action="customer.export_share_refused")
    assert event.actor == credit_manager and event.data["recipient"] == BUREAU
    assert event.data["without_consent"] == [customer.pk]
    assert not AuditEvent.objects.filter(action="customer.export").exists()


def test_with_a_consent_in_force_the_export_goes_out_marked(client, credit_manager, gm, customer):
    _consent(gm, customer)
    client.force_login(credit_manager)
    recipient = " 中诚信征信 有限公司 "  # spaces do not matter
    response = client.get(EXPORT, {"purpose": "征信", "audience": "outside", "recipient": recipient})
    assert response.status_code == 200 and len(_rows(response)) == 1
    event = AuditEvent.objects.get(action="customer.export")
    assert event.data["outside_party"] == recipient.strip() and event.purpose == "征信"


@pytest.mark.parametrize(
    "consent",
    [
        {"recipient": "另一家公司"},  # a consent for another party
        {"valid_until": "2026-01-31"},  # expired
        {"withdrawn": True},
    ],
)
def test_a_consent_for_another_party_expired_or_withdrawn_does_not_count(
    credit_manager, gm, customer, consent
):
    withdrawn = consent.pop("withdrawn", False)
    recorded = _consent(gm, customer, **consent)
    if withdrawn:
        services.withdraw_sharing_consent(by=gm, consent=recorded)
    with pytest.raises(DomainError) as exc:
        export_customers(by=credit_manager, params={}, purpose="x", outside_party=BUREAU)
    assert exc.value.code == CustomerError.NO_SHARING_CONSENT


def test_every_customer_in_the_export_needs_the_consent(
    credit_manager, gm, customer, make_customer, salesperson
):
    other = make_customer(salesperson, name="长城贸易有限公司")
    _consent(gm, customer)
    with pytest.raises(DomainError) as exc:
        export_customers(by=credit_manager, params={}, purpose="x", outside_party=BUREAU)
    assert exc.value.params["count"] == 1
    assert AuditEvent.objects.get(action="customer.export_share_refused").data["without_consent"] == [
        other.pk
    ]
    # narrowed to the customer with a consent, it goes out
    _out, count = export_customers(by=credit_manager, params={"q": "华夏"}, purpose="x", outside_party=BUREAU)
    assert count == 1


def test_outside_party_without_a_name_asks_again_and_internal_exports_need_no_consent(
    client, credit_manager, customer
):
    client.force_login(credit_manager)
    response = client.get(EXPORT, {"purpose": "核对", "audience": "outside", "recipient": " "})
    assert response.status_code == 400 and "export-form" in response.content.decode()
    response = client.get(EXPORT, {"purpose": "核对", "audience": "internal"})
    assert response.status_code == 200 and len(_rows(response)) == 1
