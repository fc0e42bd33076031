"""The ledger API: keys and scopes, single and batch posting, replay, bad input."""

import json
from decimal import Decimal

import pytest

from xindang.accounts.models import ApiKey
from xindang.api.auth import create_api_key, hash_key
from xindang.ledger import selectors
from xindang.ledger.models import TradeEntry

pytestmark = pytest.mark.django_db
URL = "/api/ledger/entries"


@pytest.fixture
def write_key(sysadmin):
    _key, raw = create_api_key(name="ERP", scopes=["ledger:read", "ledger:write"], by=sysadmin)
    return raw


@pytest.fixture
def read_key(sysadmin):
    _key, raw = create_api_key(name="BI", scopes=["ledger:read"], by=sysadmin)
    return raw


def send(client, body, key=None, url=URL):
    headers = {"HTTP_X_API_KEY": key} if key else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **headers)


def entry(customer, ext="SO-1", **kw):
    return {
        "customer_id": customer.pk,
        "kind": "shipment",
        "amount": "1200.00",
        "entry_on": "2026-03-01",
        "source_system": "erp",
        "external_id": ext,
        **kw,
    }


def test_key_is_stored_hashed_and_shown_once(sysadmin):
    key, raw = create_api_key(name="ERP", scopes=["ledger:write"], by=sysadmin)
    assert raw.startswith(f"xd_{key.prefix}_") and len(raw) > 40
    assert key.key_hash == hash_key(raw) and raw not in json.dumps(list(ApiKey.objects.values()), default=str)


def test_post_one_entry_with_a_key_and_replay_it(client, customer, write_key):
    r = send(client, entry(customer), write_key)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["created"] is True and body["entry"]["amount"] == "1200.00"
    again = send(client, entry(customer), write_key)
    assert again.status_code == 200 and again.json()["entry"]["id"] == body["entry"]["id"]
    assert again.json()["created"] is False
    assert TradeEntry.objects.count() == 1
    e = TradeEntry.objects.get()
    assert e.api_key.prefix in write_key and e.created_by is None
    assert ApiKey.objects.get(pk=e.api_key_id).last_used_at is not None


def test_conflicting_repost_is_409(client, customer, write_key):
    send(client, entry(customer), write_key)
    r = send(client, entry(customer, amount="1300.00"), write_key)
    assert r.status_code == 409 and r.json()["code"] == "ledger.conflicting_repost"


def test_wrong_or_revoked_key_is_401(client, customer, write_key, sysadmin):
    assert send(client, entry(customer), "xd_nothing_here").status_code == 401
    from xindang.api.auth import revoke_api_key

    revoke_api_key(key=ApiKey.objects.get(key_hash=hash_key(write_key)), by=sysadmin)
    assert send(client, entry(customer), write_key).status_code == 401
    assert not TradeEntry.objects.exists()


def test_read_key_cannot_write(client, customer, read_key):
    r = send(client, entry(customer), read_key)
    assert r.status_code == 403
    assert not TradeEntry.objects.exists()
    assert client.get(URL, HTTP_X_API_KEY=read_key).status_code == 200


def test_malformed_json_is_400(client, write_key):
    r = send(client, '{"customer_id": 1, "kind": ', write_key)
    assert r.status_code == 400
    assert not TradeEntry.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": "-5"}, "ledger.amount_not_positive"),
        ({"amount": "0"}, "ledger.amount_not_positive"),
        ({"currency": "XXX"}, "ledger.unknown_currency"),
        ({"due_on": "2026-02-01"}, "ledger.due_before_entry"),
        ({"customer_id": 987654}, "ledger.unknown_customer"),
    ],
)
def test_bad_entries_are_422_with_a_code(client, customer, write_key, change, code):
    r = send(client, entry(customer, **change), write_key)
    assert r.status_code == 422 and r.json()["code"] == code
    assert not TradeEntry.objects.exists()


def test_payment_larger_than_open_becomes_credit_balance(client, customer, write_key):
    send(client, entry(customer), write_key)
    send(client, entry(customer, "RC-1", kind="payment", amount="1500.00"), write_key)
    r = client.get(f"/api/ledger/exposure/{customer.pk}", HTTP_X_API_KEY=write_key)
    assert r.status_code == 200
    assert (r.json()["credit_balance_amount"], r.json()["total_amount"]) == ("300.00", "0.00")


def test_huge_batch_is_accepted_atomically(client, customer, make_customer, salesperson, write_key):
    other = make_customer(salesperson, name="南方物流有限公司")
    rows = [
        entry(customer if i % 2 else other, f"B{i}", amount=f"{(i % 97) + 1}.00", entry_on="2026-03-01")
        for i in range(10_000)
    ]
    r = send(client, {"entries": rows}, write_key)
    assert r.status_code == 201, r.content[:500]
    assert r.json()["created"] == 10_000
    assert TradeEntry.objects.count() == 10_000
    assert not selectors.exposure_differences()
    replay = send(client, {"entries": rows}, write_key)
    assert replay.status_code == 200 and replay.json()["created"] == 0
    assert TradeEntry.objects.count() == 10_000


def test_huge_batch_with_one_bad_row_is_refused_whole(client, customer, write_key):
    rows = [entry(customer, f"B{i}", amount="10.00") for i in range(10_000)]
    rows[7777]["amount"] = "-1"
    r = send(client, {"entries": rows}, write_key)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "ledger.batch_invalid"
    assert list(body["errors"]) == ["row 7778"]
    assert not TradeEntry.objects.exists()


def test_batch_over_the_limit_is_413(client, customer, write_key):
    rows = [entry(customer, f"B{i}", amount="1.00") for i in range(10_001)]
    r = send(client, {"entries": rows}, write_key)
    assert r.status_code == 413 and r.json()["code"] == "ledger.batch_too_large"


def test_session_user_needs_the_permission_and_sees_only_visible_files(
    client, customer, salesperson, credit_manager, other_salesperson, make_customer
):
    client.force_login(salesperson)
    assert send(client, entry(customer)).status_code == 403  # salespeople read only
    client.force_login(credit_manager)
    assert send(client, entry(customer)).status_code == 201
    client.force_login(other_salesperson)
    r = client.get(URL)
    assert r.status_code == 200 and r.json()["count"] == 0
    assert client.get(f"/api/ledger/exposure/{customer.pk}").status_code == 404
    client.force_login(salesperson)
    r = client.get(URL, {"customer_id": customer.pk})
    assert r.json()["count"] == 1 and r.json()["results"][0]["amount"] == "1200.00"


def test_reversal_and_note_settlement_by_external_id(client, customer, write_key):
    send(client, entry(customer), write_key)
    send(
        client, entry(customer, "N-1", kind="note_received", amount="1200.00", note_no="31000051"), write_key
    )
    r = send(
        client,
        entry(customer, "N-1-S", kind="note_settled", amount="1200.00", settles_external_id="N-1"),
        write_key,
    )
    assert r.status_code == 201, r.content
    r = send(client, entry(customer, "SO-1-R", kind="reversal", reverses_external_id="SO-1"), write_key)
    assert r.status_code == 201, r.content
    exp = selectors.exposure_of(customer)
    assert (exp.total_amount, exp.credit_balance_amount) == (Decimal(0), Decimal("1200.00"))
    assert not selectors.exposure_differences()


def test_sysadmin_creates_a_key_in_the_admin_and_sees_it_once(client, sysadmin):
    client.force_login(sysadmin)
    r = client.post(
        "/admin/accounts/apikey/add/",
        {"name": "金蝶ERP", "scopes": ["ledger:write", "credit:check"]},
        follow=True,
    )
    assert r.status_code == 200
    key = ApiKey.objects.get(name="金蝶ERP")
    shown = [str(m) for m in r.context["messages"]]
    assert any(f"xd_{key.prefix}_" in m for m in shown)
    assert key.scopes == ["credit:check", "ledger:write"]
    assert client.get(f"/admin/accounts/apikey/{key.pk}/change/").status_code == 200
    assert "xd_" + key.prefix + "_" not in client.get("/admin/accounts/apikey/").content.decode()
    client.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True)
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_openapi_documents_the_ledger_endpoints(client, credit_manager):
    client.force_login(credit_manager)
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert {"/api/ledger/entries", "/api/ledger/exposure/{customer_id}"} <= set(paths)
    assert "post" in paths["/api/ledger/entries"]


def test_entry_lines_are_stored(client, customer, write_key):
    body = entry(
        customer,
        lines=[
            {"product": "热轧卷板 Q235", "quantity": "12.5", "amount": "1200.00", "cost_amount": "980.00"}
        ],
    )
    assert send(client, body, write_key).status_code == 201
    (line,) = TradeEntry.objects.get().lines.all()
    assert (line.product, line.quantity, line.cost_amount) == (
        "热轧卷板 Q235",
        Decimal("12.5"),
        Decimal("980.00"),
    )
