"""Bad input never reaches the database as a 500: amounts past what the ledger's
sums can hold, numbers no decimal context holds, dates past year 9999, NUL characters, pages past any
offset. Run on SQLite, PostgreSQL and MariaDB (DATABASE_URL)."""

import json
from decimal import Decimal

import pytest

from conftest import PASSWORD
from xindang.api.auth import create_api_key
from xindang.ledger.models import EntryLine, Exposure, TradeEntry

pytestmark = pytest.mark.django_db
URL = "/api/ledger/entries"
COLUMN_MAX = "9999999999999999.99"


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def key(sysadmin):
    _key, raw = create_api_key(
        name="ERP", scopes=["ledger:read", "ledger:write", "credit:check"], by=sysadmin
    )
    return raw


def send(client, body, key, url=URL):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", HTTP_X_API_KEY=key)


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


def assert_refused(r, code=None):
    assert 400 <= r.status_code < 500, (r.status_code, r.content[:500])
    if code is not None:
        assert r.json()["code"] == code, r.content[:500]


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": COLUMN_MAX},  # the column's maximum, far above the policy's per-entry maximum
        {"amount": "1e30"},  # no decimal context holds it quantized
        {"amount": "1e20"},
        {"entry_on": "9999-12-31"},  # the due date (entry + term) would pass year 9999
        {"entry_on": "9999-12-01", "term_days": 3650},
        {"lines": [{"product": "热轧钢板", "quantity": "1e30", "amount": "1200.00"}]},
        {"lines": [{"product": "热轧钢板", "quantity": "1", "amount": "1e30"}]},
        {"lines": [{"product": "热轧钢板", "quantity": "1", "cost_amount": "-1e30"}]},
        {"memo": "bad\u0000memo"},
        {"external_id": "SO\u00001"},
        {"note_no": "x" * 61},
    ],
    ids=lambda f: ",".join(f),
)
def test_bad_entry_is_4xx_and_writes_nothing(client, customer, key, fields):
    r = send(client, entry(customer, **fields), key)
    assert_refused(r)
    assert not TradeEntry.objects.exists() and not EntryLine.objects.exists()


def test_entry_that_would_overflow_the_exposure_is_refused(client, customer, key):
    """An entry each below the per-entry maximum, but whose sum with the kept exposure no longer
    fits the exposure's column: 422 ledger.total_too_large, nothing written."""
    assert send(client, entry(customer, ext="SO-0"), key).status_code == 201
    Exposure.objects.filter(customer_id=customer.pk).update(open_shipments_amount=Decimal(COLUMN_MAX) - 1000)
    r = send(client, entry(customer, ext="SO-1", amount="5000.00"), key)
    assert_refused(r, "ledger.total_too_large")
    assert TradeEntry.objects.count() == 1


def test_batch_whose_sum_would_overflow_is_refused_whole(client, customer, key, sysadmin):
    from xindang.testing.samples import set_policy

    set_policy(sysadmin, "ledger", max_entry_amount="9000000000000000.00")
    rows = [entry(customer, ext=f"SO-{i}", amount="9000000000000000.00") for i in range(2)]
    r = send(client, {"entries": rows}, key)
    assert_refused(r, "ledger.batch_invalid")
    assert "ledger.total_too_large" in json.dumps(r.json()["errors"])
    assert not TradeEntry.objects.exists()


def test_amount_above_the_policy_maximum_is_refused(client, customer, key):
    r = send(client, entry(customer, amount="1000000000000.01"), key)
    assert_refused(r, "ledger.amount_too_large")


def test_reserving_credit_check_past_the_reservations_column_is_refused(client, customer, key):
    Exposure.objects.create(customer_id=customer.pk, reservations_amount=Decimal(COLUMN_MAX) - 10)
    body = {"customer_id": customer.pk, "amount": "100.00", "reserve": True}
    r = send(client, body, key, url="/api/credit-check")
    assert r.status_code < 500, r.content[:500]


@pytest.mark.parametrize("amount", ["1e17", "1e20", "1e30", "10000000000000000.00"])
def test_credit_check_amount_above_the_record_column_is_422(client, customer, key, amount):
    body = {"customer_id": customer.pk, "amount": amount}
    r = send(client, body, key, url="/api/credit-check")
    assert_refused(r)


@pytest.mark.parametrize("amount", ["1e20", "1e30", "10000000000000000.00"])
def test_over_limit_request_amount_above_the_column_is_422(client, customer, salesperson, amount):
    client.login(username=salesperson.username, password=PASSWORD)
    body = {"customer_id": customer.pk, "amount": amount}
    r = client.post("/api/credit/over-limit", data=json.dumps(body), content_type="application/json")
    assert_refused(r)


@pytest.mark.parametrize(
    "url",
    [
        "/api/customers?q=%00",
        "/api/customers?q=a%00b",
        "/customers/?q=%00",
        "/documents/?q=%00",
        "/ledger/?q=%00",
        "/api/ledger/entries?external_id=%00",
        "/api/ledger/entries?source_system=x%00",
        "/api/approvals?status=%00",
        "/api/ledger/entries?page=9223372036854775807",
        "/api/customers?page=9223372036854775807",
        "/api/approvals?page=9223372036854775807",
        "/customers/?page=9223372036854775807",
        "/documents/?page=9223372036854775807",
        "/ledger/?page=9223372036854775807",
    ],
)
def test_bad_query_parameters_are_not_500(client, credit_manager, customer, url):
    client.login(username=credit_manager.username, password=PASSWORD)
    r = client.get(url)
    assert r.status_code < 500, (url, r.status_code)


def test_nul_in_a_form_field_is_400_and_changes_nothing(client, salesperson, customer):
    client.login(username=salesperson.username, password=PASSWORD)
    r = client.post(f"/customers/{customer.pk}/edit/", {"name": "华夏\x00钢铁", "version": customer.version})
    assert r.status_code == 400
    customer.refresh_from_db()
    assert "\x00" not in customer.name


def test_nul_in_an_api_body_is_400_with_a_code(client, salesperson, customer):
    client.login(username=salesperson.username, password=PASSWORD)
    r = client.patch(
        f"/api/customers/{customer.pk}",
        data=json.dumps({"name": "华夏\u0000钢铁"}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_input.nul"


def test_nul_in_a_department_code_is_400(client, sysadmin):
    client.login(username=sysadmin.username, password=PASSWORD)
    r = client.post("/admin/accounts/department/add/", {"code": "X\x00", "name": "坏部门"})
    assert r.status_code == 400


def test_a_hold_past_the_committed_column_is_refused_and_writes_nothing(customer):
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from xindang.core.errors import DomainError
    from xindang.ledger.models import Reservation
    from xindang.ledger.services import reserve

    Exposure.objects.create(customer_id=customer.pk, open_shipments_amount=Decimal(COLUMN_MAX) - 50)
    later = timezone.now() + timedelta(hours=1)
    with pytest.raises(DomainError) as err, transaction.atomic():
        reserve(
            customer=customer,
            amount=Decimal(100),
            kind="shipment",
            expires_at=later,
        )
    assert err.value.code == "ledger.total_too_large"
    assert not Reservation.objects.exists()
    assert Exposure.objects.get(customer_id=customer.pk).reservations_amount == 0
    with transaction.atomic():  # what still fits is held
        reserve(
            customer=customer,
            amount=Decimal(10),
            kind="shipment",
            expires_at=later,
        )
    assert Exposure.objects.get(customer_id=customer.pk).reservations_amount == 10


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"entry_on": "9999-12-31"}, "entry_on"),
        ({"amount": "9999999999999999.99"}, "amount"),
        ({"amount": "1e30"}, "amount"),
        ({"memo": "坏\x00备注"}, None),  # refused at the door (400)
    ],
    ids=["date", "amount", "huge", "nul"],
)
def test_the_entry_screen_shows_bad_input_as_a_form_error(
    client, credit_manager, customer, fields, error_field
):
    client.login(username=credit_manager.username, password=PASSWORD)
    data = {"kind": "shipment", "entry_on": "2026-03-01", "amount": "100.00", "currency": "CNY", **fields}
    r = client.post(f"/ledger/customer/{customer.pk}/new/", data)
    if error_field is None:
        assert r.status_code == 400
    else:
        assert r.status_code == 200 and error_field in r.context["form"].errors
    assert not TradeEntry.objects.exists()
