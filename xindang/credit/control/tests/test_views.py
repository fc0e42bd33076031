"""The screens: reduction list with filters and export, the customer's credit control page, the
check form (same service as the API), the over-limit request and its page."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xindang.credit.control.models import CreditCheck, OverLimitRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def over_limit_customer(customer, post, today):
    post(customer, "shipment", 130_000, due_on=today + timedelta(days=30))
    return customer


def test_reduction_list_filters_and_exports(client, credit_manager, over_limit_customer):
    client.force_login(credit_manager)
    r = client.get(reverse("credit_control:reduction"))
    assert r.status_code == 200
    assert over_limit_customer.name in r.content.decode()
    r = client.get(reverse("credit_control:reduction"), {"reason": "no_limit"})
    assert over_limit_customer.name not in r.content.decode()
    r = client.get(reverse("credit_control:reduction_export"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == over_limit_customer.name and Decimal(str(rows[1][8])) == Decimal(30_000)


def test_salesperson_may_not_export_the_reduction_list(client, salesperson, over_limit_customer):
    client.force_login(salesperson)
    assert client.get(reverse("credit_control:reduction")).status_code == 200
    assert client.get(reverse("credit_control:reduction_export")).status_code == 403


def test_check_form_runs_the_service_and_offers_over_limit_approval(client, salesperson, customer):
    client.force_login(salesperson)
    url = reverse("credit_control:check", args=[customer.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"amount": "150000", "kind": "shipment", "control_point": "shipment"})
    page = r.content.decode()
    assert 'data-outcome="block"' in page and 'data-testid="request-over-limit"' in page
    assert CreditCheck.objects.filter(customer=customer, outcome="block").count() == 1
    r = client.post(
        reverse("credit_control:over_limit_request", args=[customer.pk]),
        {"amount": "150000", "kind": "shipment", "control_point": "shipment", "reason": "年底备货"},
    )
    olr = OverLimitRequest.objects.get(customer=customer)
    assert r.status_code == 302 and r["Location"] == reverse(
        "credit_control:over_limit_detail", args=[olr.pk]
    )
    assert client.get(r["Location"]).status_code == 200
    page = client.get(reverse("credit_control:customer", args=[customer.pk])).content.decode()
    assert 'data-testid="over-limit-row"' in page and 'data-testid="check-row"' in page


def test_check_form_shows_a_bad_amount_as_a_form_error(client, salesperson, customer):
    client.force_login(salesperson)
    r = client.post(reverse("credit_control:check", args=[customer.pk]), {"amount": "0", "kind": "shipment"})
    assert 'data-testid="form-errors"' in r.content.decode()
    assert not CreditCheck.objects.exists()


def test_pages_of_another_department_are_not_found(client, other_salesperson, customer):
    client.force_login(other_salesperson)
    assert client.get(reverse("credit_control:check", args=[customer.pk])).status_code == 404
    assert client.get(reverse("credit_control:customer", args=[customer.pk])).status_code == 404


def test_the_policy_draft_shows_and_saves_the_credit_control_section(client, sysadmin):
    from xindang.policy import services as policy

    draft = policy.create_draft(by=sysadmin)
    client.force_login(sysadmin)
    page = client.get(reverse("policy:detail", args=[draft.pk]))
    assert page.status_code == 200
    form = next(s["form"] for s in page.context["sections"] if s["name"] == "credit_control")
    data = {form.add_prefix(name): form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    data[form.add_prefix("warning_threshold_percent")] = "85"
    r = client.post(reverse("policy:edit", args=[draft.pk, "credit_control"]), data)
    assert r.status_code == 302, [
        s["form"].errors for s in r.context["sections"] if s["name"] == "credit_control"
    ]
    draft.refresh_from_db()
    assert Decimal(str(draft.data["credit_control"]["warning_threshold_percent"])) == Decimal(85)
    assert draft.data["credit_control"]["over_limit_tiers"][-1]["chain"][-1] == "general_manager"


def test_the_policy_page_shows_the_readings_and_a_departing_draft(client, sysadmin):
    """002 第三十五条: 原则上 and the settlement period are read on the policy page; switching to
    "overdue only" shows as a departure with its article."""
    from xindang.policy import services as policy

    draft = policy.create_draft(by=sysadmin)
    client.force_login(sysadmin)
    page = client.get(reverse("policy:detail", args=[draft.pk]))
    readings = [r for r in page.context["readings"] if r["article"] == "002 客户信用管理制度 第三十五条"]
    assert {r["word"] for r in readings} >= {"原则上"}
    assert not page.context["departures"]
    policy.update_draft_section(
        draft_id=draft.pk,
        section="credit_control",
        values={"previous_debt_mode": "overdue_only"},
        by=sysadmin,
    )
    page = client.get(reverse("policy:detail", args=[draft.pk]))
    assert [d["article"] for d in page.context["departures"]] == ["002 客户信用管理制度 第三十五条"]
    assert "overdue_only" in page.content.decode()
