"""POST /api/credit-check and /api/credit/over-limit and their bad input."""

from decimal import Decimal

import pytest
from django.urls import resolve

from xindang.api.answers import render_answer
from xindang.api.api import api as ninja_api
from xindang.api.credit import CheckOut
from xindang.credit.control import services
from xindang.credit.control.models import CreditCheck, OverLimitRequest
from xindang.ledger.models import Exposure

pytestmark = pytest.mark.django_db
URL = "/api/credit-check"


@pytest.fixture
def api(client, salesperson):
    client.force_login(salesperson)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_answer_explains_itself(api, customer):
    r = _post(api, URL, {"customer_id": customer.pk, "amount": "95000", "kind": "shipment", "reserve": True})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["outcome"] == "warn"
    assert body["reasons"][0]["code"] == "near_limit"
    assert body["reasons"][0]["article"] == "004 客户信息管理制度 第九条3(2)"
    assert body["reasons"][0]["message"]
    assert Decimal(body["limit"]) == Decimal(100_000)
    assert set(body["exposure"]) >= {
        "open_shipments",
        "open_invoices",
        "prepayments",
        "notes",
        "reservations",
        "total",
    }
    assert body["grade"] == "A" and body["oldest_overdue"] is None
    assert body["reservation"]["id"] and body["reservation"]["expires_at"]
    assert CreditCheck.objects.get(pk=body["check_id"]).reservation_ref == body["reservation"]["id"]


def test_blocked_then_over_limit_request_answers_with_the_approval_id(api, customer):
    blocked = _post(api, URL, {"customer_id": customer.pk, "amount": "150000", "kind": "shipment"}).json()
    assert blocked["outcome"] == "block" and blocked["approvable"] is True
    assert Decimal(blocked["overage"]) == Decimal(50_000)
    r = _post(
        api,
        "/api/credit/over-limit",
        {"customer_id": customer.pk, "amount": "150000", "kind": "shipment", "reason": "年底备货"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    olr = OverLimitRequest.objects.get(pk=body["id"])
    assert body["approval_id"] == olr.approval_id and body["status"] == "pending"
    shown = api.get(f"/api/credit/over-limit/{olr.pk}").json()
    assert shown["approval_id"] == olr.approval_id
    # Not yet approved: naming it is refused with a clear code.
    r = _post(api, URL, {"customer_id": customer.pk, "amount": "150000", "over_limit_id": olr.pk})
    assert r.status_code == 409 and r.json()["code"] == "over_limit.not_approved"


@pytest.mark.parametrize("amount", ["0", "-100"])
def test_zero_or_negative_amount_is_refused(api, customer, amount):
    r = _post(api, URL, {"customer_id": customer.pk, "amount": amount, "kind": "shipment"})
    assert r.status_code == 422 and r.json()["code"] == "credit_check.bad_amount"
    assert not CreditCheck.objects.exists()


@pytest.mark.parametrize("reserve", [False, True])
def test_unknown_customer_is_not_found(api, customer, reserve):
    # A key's check reads the customer with its facts: an unknown id writes nothing and is a 404.
    body = {"customer_id": customer.pk + 999, "amount": "1", "kind": "shipment", "reserve": reserve}
    r = _post(api, URL, body)
    assert r.status_code == 404
    assert not Exposure.objects.filter(customer_id=customer.pk + 999).exists()
    assert not CreditCheck.objects.exists()


def test_a_customer_of_another_department_is_not_found(client, other_salesperson, customer):
    client.force_login(other_salesperson)
    r = _post(client, URL, {"customer_id": customer.pk, "amount": "1", "kind": "shipment"})
    assert r.status_code == 404


def test_unknown_kind_is_refused(api, customer):
    r = _post(api, URL, {"customer_id": customer.pk, "amount": "1", "kind": "gift"})
    assert r.status_code == 422 and r.json()["code"] == "credit_check.bad_kind"


def test_malformed_json_is_refused(api, customer):
    r = api.post(URL, '{"customer_id": 1, "amount": ', content_type="application/json")
    assert r.status_code in (400, 422)
    assert not CreditCheck.objects.exists()


def test_anonymous_is_refused(client, customer):
    r = _post(client, URL, {"customer_id": customer.pk, "amount": "1"})
    assert r.status_code in (401, 403)


def test_a_user_without_the_permission_is_refused(client, archivist, customer):
    client.force_login(archivist)
    r = _post(client, URL, {"customer_id": customer.pk, "amount": "1"})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


@pytest.fixture
def make_key(sysadmin):
    from xindang.api.auth import create_api_key

    def _make(*scopes):
        _key, raw = create_api_key(name="ERP 用友U8", scopes=list(scopes), by=sysadmin)
        return raw

    return _make


def test_a_key_with_the_credit_scope_checks_and_is_recorded(client, customer, make_key):
    raw = make_key("credit:check")
    r = client.post(
        URL,
        {"customer_id": customer.pk, "amount": "1000", "kind": "shipment"},
        content_type="application/json",
        headers={"X-API-Key": raw},
    )
    assert r.status_code == 200, r.content
    check = CreditCheck.objects.get(pk=r.json()["check_id"])
    assert check.api_key_name == "ERP 用友U8" and check.checked_by is None


def test_a_key_may_request_over_limit_approval_in_its_creators_name(
    client, customer, make_key, sysadmin, credit_manager
):
    raw = make_key("credit:check")
    r = client.post(
        "/api/credit/over-limit",
        {"customer_id": customer.pk, "amount": "120000", "kind": "shipment", "reason": "ERP 订单超额"},
        content_type="application/json",
        headers={"X-API-Key": raw},
    )
    assert r.status_code == 201, r.content
    olr = OverLimitRequest.objects.get(pk=r.json()["id"])
    assert olr.requested_by == sysadmin and olr.api_key_name == "ERP 用友U8" and olr.approval_id
    # the request's page and the customer's credit-control page say it came through the key
    from django.urls import reverse

    client.force_login(credit_manager)
    for url in (
        reverse("credit_control:over_limit_detail", args=[olr.pk]),
        reverse("credit_control:customer", args=[customer.pk]),
    ):
        html = client.get(url).content.decode()
        assert f"API 密钥“ERP 用友U8”（以 {sysadmin} 的名义）" in html, url


def test_a_wrong_key_is_refused(client, customer, make_key):
    make_key("credit:check")
    r = client.post(
        URL,
        {"customer_id": customer.pk, "amount": "1"},
        content_type="application/json",
        headers={"X-API-Key": "xd_00000000_wrong"},
    )
    assert r.status_code == 401
    assert not CreditCheck.objects.exists()


def test_a_read_only_key_is_refused(client, customer, make_key):
    raw = make_key("ledger:read")
    r = client.post(
        URL,
        {"customer_id": customer.pk, "amount": "1"},
        content_type="application/json",
        headers={"X-API-Key": raw},
    )
    assert r.status_code == 403
    assert not CreditCheck.objects.exists()


@pytest.mark.parametrize(
    ("amount", "reserve"),
    [("95000", True), ("150000", False), ("1000", False)],
    ids=["warn", "block", "allow"],
)
def test_the_answer_is_the_text_ninja_renders_for_its_schema(rf, salesperson, customer, amount, reserve):
    """The credit check writes its answer itself (api.answers.render_answer); the text is the one
    ninja's own rendering of `response=CheckOut` gives for the same decision."""
    decision = services.check_credit(
        customer=customer, amount=Decimal(amount), kind="shipment", reserve=reserve, by=salesperson
    ).as_dict()
    (path_view,) = (cell.cell_contents for cell in resolve(URL).func.__closure__)  # the route as served
    (operation,) = path_view.operations
    request = rf.post(URL)
    ninjas = operation._result_to_response(request, decision, ninja_api.create_temporal_response(request))
    assert render_answer(CheckOut, decision) == ninjas.content.decode()
    assert ninjas["Content-Type"] == "application/json; charset=utf-8"
