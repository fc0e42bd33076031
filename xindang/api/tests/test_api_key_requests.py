"""An integration's call (an API key) skips the middleware that serves only pages and browsers
(locale, CSRF, messages: xindang.accounts.middleware.PagesOnlyMixin), and a request without a session
cookie is answered without loading a user. Who calls, the language of the answer and the session
beside a key behave as before."""

import json

import pytest
from django.test import RequestFactory

from conftest import PASSWORD
from xindang.accounts.middleware import api_key_request, has_session
from xindang.api.auth import create_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(sysadmin):
    _key, raw = create_api_key(name="ERP", scopes=["credit:check", "ledger:read"], by=sysadmin)
    return raw


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


def check(client, raw, customer, **extra):
    body = json.dumps({"customer_id": customer.pk, "amount": "10.00"})
    return client.post(
        "/api/credit-check", data=body, content_type="application/json", HTTP_X_API_KEY=raw, **extra
    )


def test_which_requests_are_an_integrations_calls():
    rf = RequestFactory()
    assert api_key_request(rf.post("/api/credit-check", HTTP_X_API_KEY="xd_x"))
    assert not api_key_request(rf.post("/api/credit-check"))  # a browser's session
    assert not api_key_request(rf.get("/customers/", HTTP_X_API_KEY="xd_x"))  # a page: the key means nothing
    assert not has_session(rf.get("/"))
    plain = rf.get("/")
    plain.COOKIES["sessionid"] = "abc"
    assert has_session(plain)


def test_a_key_check_skips_the_page_middleware_and_speaks_the_default_language(client, key, customer):
    response = check(client, key, customer)
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" not in response.get("Vary", "")  # LocaleMiddleware did not run
    assert response["X-Frame-Options"] == "DENY"  # the security headers still come
    client.cookies["django_language"] = "en"
    assert check(client, key, customer)["Content-Language"] == "en"


def test_a_wrong_key_is_still_refused(client, customer):
    assert check(client, "xd_nothing_here", customer).status_code == 401


def test_a_session_beside_a_valid_key_still_serves_session_routes(client, key, credit_manager):
    """/api/customers takes the session only: with a valid key beside it the session still decides
    (the session, the login and its second factor still run for a key's request)."""
    assert client.get("/api/customers", HTTP_X_API_KEY=key).status_code == 401
    client.login(username=credit_manager.username, password=PASSWORD)
    assert client.get("/api/customers", HTTP_X_API_KEY=key).status_code == 200


def test_pages_keep_csrf_protection(client, credit_manager):
    client.login(username=credit_manager.username, password=PASSWORD)
    guarded = type(client)(enforce_csrf_checks=True)
    guarded.login(username=credit_manager.username, password=PASSWORD)
    response = guarded.post("/accounts/language/", {"language": "en", "next": "/"}, HTTP_X_API_KEY="xd_x")
    assert response.status_code == 403
