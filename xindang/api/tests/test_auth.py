"""A wrong or revoked X-API-Key is refused (401) even beside a valid session."""

import json

import pytest

from conftest import PASSWORD
from xindang.accounts.models import ApiKey
from xindang.api.auth import create_api_key, hash_key, revoke_api_key
from xindang.ledger.models import TradeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def revoked_key(sysadmin):
    key, raw = create_api_key(name="ERP", scopes=["ledger:read", "ledger:write", "credit:check"], by=sysadmin)
    revoke_api_key(key=ApiKey.objects.get(pk=key.pk), by=sysadmin)
    return raw


def _calls(customer):
    entry = {"customer_id": customer.pk, "kind": "shipment", "amount": "10.00", "entry_on": "2026-03-01"}
    return [
        ("get", "/api/ledger/entries", None),
        ("post", "/api/ledger/entries", entry),
        ("get", f"/api/ledger/exposure/{customer.pk}", None),
        ("post", "/api/credit-check", {"customer_id": customer.pk, "amount": "10.00"}),
        ("get", "/api/customers", None),
        ("get", f"/api/customers/{customer.pk}", None),
        ("get", "/api/approvals", None),
    ]


@pytest.mark.parametrize("which", ["wrong", "revoked"])
def test_a_bad_key_beside_a_session_is_401_on_every_route(
    client, credit_manager, customer, revoked_key, which
):
    raw = "xd_nothing_here" if which == "wrong" else revoked_key
    client.login(username=credit_manager.username, password=PASSWORD)
    for method, url, body in _calls(customer):
        kwargs = {"HTTP_X_API_KEY": raw}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        r = getattr(client, method)(url, **kwargs)
        assert r.status_code == 401, (url, r.status_code)
        # the same call without the key is answered through the session
        del kwargs["HTTP_X_API_KEY"]
        assert getattr(client, method)(url, **kwargs).status_code != 401, url
    assert TradeEntry.objects.count() == 1  # only the call without the key posted


def test_a_valid_key_beside_a_session_acts_as_the_key(client, credit_manager, customer, sysadmin):
    key, raw = create_api_key(name="BI", scopes=["ledger:read"], by=sysadmin)
    client.login(username=credit_manager.username, password=PASSWORD)
    r = client.get("/api/ledger/entries", HTTP_X_API_KEY=raw)
    assert r.status_code == 200
    assert ApiKey.objects.get(key_hash=hash_key(raw)).last_used_at is not None


def test_a_key_revoked_while_remembered_is_refused_at_once_and_by_other_processes_soon(
    client, customer, sysadmin, monkeypatch
):
    """Keys in use are remembered for a few seconds: the revoking process forgets them at once;
    another process's memory runs out after KEY_CACHE_SECONDS (simulated by the clock)."""
    from xindang.accounts import services as account_services

    key, raw = create_api_key(name="ERP", scopes=["ledger:read"], by=sysadmin)
    assert client.get("/api/ledger/entries", HTTP_X_API_KEY=raw).status_code == 200
    # Revoked elsewhere (another process): this one still remembers the key, for a few seconds.
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=key.created_at)
    assert client.get("/api/ledger/entries", HTTP_X_API_KEY=raw).status_code == 200
    later = account_services.time.monotonic() + account_services.KEY_CACHE_SECONDS + 1
    monkeypatch.setattr(account_services.time, "monotonic", lambda: later)
    assert client.get("/api/ledger/entries", HTTP_X_API_KEY=raw).status_code == 401
    # Revoked here: refused on the very next request.
    monkeypatch.undo()
    key2, raw2 = create_api_key(name="BI", scopes=["ledger:read"], by=sysadmin)
    assert client.get("/api/ledger/entries", HTTP_X_API_KEY=raw2).status_code == 200
    revoke_api_key(key=ApiKey.objects.get(pk=key2.pk), by=sysadmin)
    assert client.get("/api/ledger/entries", HTTP_X_API_KEY=raw2).status_code == 401
