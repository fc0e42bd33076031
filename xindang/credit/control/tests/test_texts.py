"""Reasons and over-limit titles are stored as codes and parameters and rendered when read, in the
reader's language, amounts like the figures beside them (¥80,000.00); the check form picks an
approved over-limit request from a list and its answer states the headroom."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from xindang.credit.control import rules, services
from xindang.credit.control.models import CreditCheck
from xindang.credit.control.texts import reason_message, reasons_out

from .test_services import _approve

D = Decimal
pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "code, params, figures",
    [
        (
            rules.OVER_LIMIT,
            {"limit": "500000.00", "exposure": "159700.00", "amount": "400000.00", "overage": "59700.00"},
            ["¥500,000.00", "¥159,700.00", "¥400,000.00", "¥59,700.00"],
        ),
        (
            rules.PREVIOUS_DEBT,
            {
                "entry_id": 7,
                "entry_on": "2026-10-31",
                "due_on": "",
                "open_amount": "50000",
                "period": "month",
            },
            ["¥50,000.00", "#7", "2026-10-31"],
        ),
        (rules.REDUCTION_ONLY, {"exposure": "1234.5", "limit": None}, ["¥1,234.50"]),
        (rules.COVERED_BY_PREPAYMENT, {"amount": "3000"}, ["¥3,000.00"]),
    ],
)
def test_a_reason_renders_in_either_language_with_formatted_amounts(code, params, figures):
    with translation.override("en"):
        english = reason_message(code, params)
    with translation.override("zh-hans"):
        chinese = reason_message(code, params)
    for text in (english, chinese):
        for figure in figures:
            assert figure in text, text
        assert "%(" not in text
    assert not HAN.search(english.replace("第三十四条", "")), english
    assert HAN.search(chinese) and english != chinese


def test_a_stored_check_renders_in_the_readers_language(customer, salesperson):
    result = services.check_credit(customer=customer, amount=D(150_000), kind="shipment", by=salesperson)
    stored = CreditCheck.objects.get(pk=result.check_id)
    assert stored.reasons[0]["code"] == rules.OVER_LIMIT and "message" not in stored.reasons[0]
    assert stored.reasons[0]["params"]["amount"] == "150000.00"
    with translation.override("en"):
        english = reasons_out(stored.reasons)[0]["message"]
    with translation.override("zh-hans"):
        chinese = reasons_out(stored.reasons)[0]["message"]
    assert "¥150,000.00" in english and "¥150,000.00" in chinese and HAN.search(chinese)
    assert not HAN.search(english)


def test_the_over_limit_title_renders_in_the_readers_language(customer, salesperson):
    with translation.override("en"):
        olr = services.request_over_limit(
            customer=customer, amount=D(130_000), kind="shipment", reason="年底备货", by=salesperson
        )
    approval = olr.approval
    with translation.override("zh-hans"):
        chinese = approval.display_title
        summary = approval.display_summary
    with translation.override("en"):
        english = approval.display_title
    assert "¥130,000.00" in chinese and "¥130,000.00" in english
    assert chinese.startswith("超额") and english.startswith("Over-limit Credit sale")
    assert "年底备货" in summary and "¥30,000.00" in summary and "超过" in summary


def test_the_check_form_lists_approved_requests_and_states_the_headroom(
    client, customer, salesperson, approvers
):
    olr = _approve(
        services.request_over_limit(
            customer=customer, amount=D(120_000), kind="shipment", reason="急单", by=salesperson
        ),
        approvers,
    )
    client.force_login(salesperson)
    url = reverse("credit_control:check", args=[customer.pk])
    page = client.get(url).content.decode()
    assert re.search(rf'<select name="over_limit_id"[^>]*>.*<option value="{olr.pk}">#{olr.pk}', page, re.S)
    assert "¥120,000.00" in page
    r = client.post(url, {"amount": "30000", "kind": "shipment", "control_point": "shipment"})
    body = r.content.decode()
    assert re.search(r'data-testid="headroom"><span>¥70,000.00</span>', body), body
    r = client.post(
        url, {"amount": "120000", "kind": "shipment", "control_point": "shipment", "over_limit_id": olr.pk}
    )
    assert 'data-outcome="allow"' in r.content.decode()
    assert re.search(r'data-testid="headroom"><span class="label bad">¥-20,000.00</span>', r.content.decode())
    r = client.post(
        url, {"amount": "1", "kind": "shipment", "control_point": "shipment", "over_limit_id": "999"}
    )
    assert r.status_code == 400  # not in the list: a form error, nothing checked


def test_the_api_answers_params_message_and_headroom(client, customer, salesperson):
    client.force_login(salesperson)
    r = client.post(
        "/api/credit-check",
        {"customer_id": customer.pk, "amount": "150000", "kind": "shipment"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = r.json()
    assert Decimal(body["headroom"]) == D(-50_000)
    reason = body["reasons"][0]
    assert reason["code"] == "over_limit" and reason["params"]["overage"] == "50000.00"
    assert "¥50,000.00" in reason["message"]


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"amount": "0"}, "credit_check.bad_amount"),
        ({"amount": "abc"}, "credit_check.bad_amount"),
        ({"amount": "1", "kind": "gift"}, "credit_check.bad_kind"),
        ({"amount": "1", "over_limit_id": 999_999}, "over_limit.not_found"),
    ],
)
def test_the_checks_errors_are_translated(customer, kw, code):
    """The messages once hidden behind a gettext alias reach the catalogue: Chinese under zh-hans."""
    from xindang.core.errors import DomainError

    for language, expect_han in (("zh-hans", True), ("en", False)):
        with translation.override(language), pytest.raises(DomainError) as err:
            services.check_credit(customer=customer, **kw)
        assert err.value.code == code
        assert bool(HAN.search(err.value.message)) is expect_han, err.value.message
