"""No input makes the API answer 500: every operation of the OpenAPI schema, each
field of a valid request replaced in turn by hostile values (numbers past every column and every
decimal context, dates at the calendar's ends, NUL characters, wrong types, huge strings) — bounded and
deterministic, beside schemathesis's generated requests (test_schemathesis.py). The table must name
every operation, so a new route is fuzzed too. Meant for PostgreSQL and MariaDB, whose columns and
text types refuse what SQLite keeps; on SQLite it runs a smaller sample."""

import pytest
from django.db import connection

from xindang.api.api import api
from xindang.api.auth import create_api_key

from .wide import Multipart, request_kwargs, wide_routes

pytestmark = pytest.mark.django_db

HOSTILE = [
    "1e30",
    "-1e30",
    "1e-30",
    "NaN",
    "Infinity",
    "9999999999999999.99",
    "10000000000000000.00",
    9223372036854775808,
    -9223372036854775809,
    -1,
    0,
    1.5,
    "",
    None,
    True,
    [],
    {},
    {"external_id": "x"},
    "x" * 5000,
    "坏\u0000值",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "<script>alert(1)</script>",
]
QUERY_HOSTILE = ["9223372036854775807", "-1", "0", "1e30", "NaN", "9999-12-31", "x" * 3000, "%00", "%E0%A4%A"]


@pytest.fixture
def world(make_customer, salesperson, sysadmin):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from xindang.credit.control import services as control
    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.ledger.services import post_trade_entry

    customer = make_customer(salesperson, name="华夏钢铁贸易有限公司")
    on = timezone.localdate()
    CreditGrant.objects.create(
        customer=customer,
        limit_amount=Decimal(100_000),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=on - timedelta(days=30),
        valid_until=on + timedelta(days=300),
    )
    entry, _ = post_trade_entry(customer=customer, kind="shipment", amount=Decimal(1000), entry_on=on)
    olr = control.request_over_limit(
        customer=customer, amount=Decimal(130_000), kind="shipment", reason="年底备货", by=salesperson
    )
    _key, raw = create_api_key(
        name="ERP", scopes=["ledger:read", "ledger:write", "credit:check"], by=sysadmin
    )
    from xindang.relations import services as relations

    complaint = relations.receive_complaint(
        by=salesperson, customer_id=customer.pk, data={"product": "钢板", "content": "锈蚀"}
    )
    visit = relations.plan_visit(
        by=salesperson, customer_id=customer.pk, agent=salesperson, data={"purpose": "回访"}
    )
    return {
        "customer": customer,
        "entry": entry,
        "olr": olr,
        "key": raw,
        "complaint": complaint,
        "visit": visit,
        "lookup": _lookup(customer, salesperson),
    }


def _lookup(customer, reader):
    from xindang.custody.models import LookupRequest

    on = timezone_today()
    return LookupRequest.objects.create(
        reader=reader, customer=customer, purpose="核对", starts_on=on, ends_on=on, highest_level=3
    )


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def _operations(w):
    c, e, olr = w["customer"].pk, w["entry"].pk, w["olr"]
    entry = {
        "customer_id": c,
        "kind": "shipment",
        "amount": "100.00",
        "entry_on": "2026-03-01",
        "external_id": "SO-9",
        "term_days": 30,
        "memo": "备注",
        "lines": [{"product": "钢板", "quantity": "2", "amount": "100.00"}],
    }
    return {
        ("get", "/api/customers"): ("/api/customers", None),
        ("post", "/api/customers"): (
            "/api/customers",
            {
                "name": "长江实业有限公司",
                "department": "XS1",
                "registered_capital": "1000000",
                "founded_on": "2001-01-01",
            },
        ),
        ("get", "/api/customers/{customer_id}"): (f"/api/customers/{c}", None),
        ("patch", "/api/customers/{customer_id}"): (
            f"/api/customers/{c}",
            {"version": 1, "fields": {"phone": "0571-1", "registered_capital": "5", "department": "XS1"}},
        ),
        ("post", "/api/customers/{customer_id}/status"): (
            f"/api/customers/{c}/status",
            {"to_status": "suspended", "reason": "试"},
        ),
        ("get", "/api/approvals"): ("/api/approvals", None),
        ("get", "/api/approvals/{approval_id}"): (f"/api/approvals/{olr.approval_id}", None),
        ("post", "/api/ledger/entries"): ("/api/ledger/entries", entry),
        ("get", "/api/ledger/entries"): ("/api/ledger/entries", None),
        ("get", "/api/ledger/entries/{entry_id}"): (f"/api/ledger/entries/{e}", None),
        ("get", "/api/ledger/exposure/{customer_id}"): (f"/api/ledger/exposure/{c}", None),
        ("post", "/api/credit-check"): (
            "/api/credit-check",
            {"customer_id": c, "amount": "10.00", "kind": "shipment", "reserve": True, "reference": "SO-1"},
        ),
        ("post", "/api/credit/over-limit"): (
            "/api/credit/over-limit",
            {"customer_id": c, "amount": "130000.00", "reason": "备货"},
        ),
        ("get", "/api/credit/over-limit/{over_limit_id}"): (f"/api/credit/over-limit/{olr.pk}", None),
        ("get", "/api/onboarding/{customer_id}/card"): (f"/api/onboarding/{c}/card", None),
        ("post", "/api/onboarding/{customer_id}/card"): (
            f"/api/onboarding/{c}/card",
            {
                "first_contact_on": "2026-03-01",
                "head_office": "上海",
                "staff_count": 120,
                "requested_limit_amount": "300000.00",
                "survey_result": "正常",
            },
        ),
        ("post", "/api/onboarding/{customer_id}/card/submit"): (f"/api/onboarding/{c}/card/submit", {}),
        ("get", "/api/customer-groups/{customer_id}"): (f"/api/customer-groups/{c}", None),
        ("get", "/api/balance-statements/{customer_id}"): (f"/api/balance-statements/{c}", None),
        ("get", "/api/custody/lookups"): ("/api/custody/lookups", None),
        ("get", "/api/custody/lookups/{lookup_id}"): (f"/api/custody/lookups/{w['lookup'].pk}", None),
        ("post", "/api/custody/lookups"): (
            "/api/custody/lookups",
            {
                "customer_id": c,
                "purpose": "核对",
                "starts_on": timezone_today().isoformat(),
                "ends_on": timezone_today().isoformat(),
                "whole_file": True,
                "document_ids": [],
            },
        ),
        ("get", "/api/relations/complaints"): ("/api/relations/complaints", None),
        ("get", "/api/relations/complaints/{complaint_id}"): (
            f"/api/relations/complaints/{w['complaint'].pk}",
            None,
        ),
        ("get", "/api/relations/visits"): ("/api/relations/visits", None),
        ("get", "/api/relations/visits/{visit_id}"): (f"/api/relations/visits/{w['visit'].pk}", None),
        ("get", "/api/retention/customers/{customer_id}/holds"): (
            f"/api/retention/customers/{c}/holds",
            None,
        ),
        ("get", "/api/retention/register"): ("/api/retention/register", None),
        ("get", "/api/privacy/requests"): ("/api/privacy/requests", None),
        ("get", "/api/privacy/requests/{request_id}"): ("/api/privacy/requests/1", None),
        ("get", "/api/suppliers"): ("/api/suppliers", None),
        ("get", "/api/suppliers/{customer_id}"): (f"/api/suppliers/{c}", None),
        ("get", "/api/handovers"): ("/api/handovers", None),
        ("get", "/api/handovers/{handover_id}"): ("/api/handovers/1", None),
        **_lifecycle_operations(w),
        **wide_routes(w["customer"]),
        **{("get", f"/api/reports/{r}"): (f"/api/reports/{r}", None) for r in REPORT_ROUTES},
    }


REPORT_ROUTES = (
    "composition",
    "abc",
    "abc/summary",
    "core-customers",
    "tail-customers",
    "seasonal",
    "dashboard",
)


def _lifecycle_operations(w):
    from django.utils import timezone

    from xindang.lifecycle.models import Loan

    c = w["customer"]
    on = timezone.localdate()
    loan = Loan.objects.filter(customer=c).first() or Loan.objects.create(
        customer=c, borrower=c.owner, purpose="查阅", lent_on=on, due_on=on, lent_by=c.owner
    )
    return {
        ("get", "/api/lifecycle/loans"): ("/api/lifecycle/loans", None),
        ("get", "/api/lifecycle/loans/{loan_id}"): (f"/api/lifecycle/loans/{loan.pk}", None),
        ("get", "/api/lifecycle/transfers"): ("/api/lifecycle/transfers", None),
        ("get", "/api/lifecycle/transfers/{year}"): (f"/api/lifecycle/transfers/{on.year}", None),
        ("get", "/api/lifecycle/customers/{customer_id}/transfers"): (
            f"/api/lifecycle/customers/{c.pk}/transfers",
            None,
        ),
    }


QUERY_PARAMS = {
    "/api/lifecycle/loans": ["state", "customer_id", "page", "page_size"],
    "/api/customers": ["q", "page", "page_size", "department", "owner", "sort", "status"],
    "/api/approvals": ["page", "status", "object_id", "kind"],
    "/api/ledger/entries": ["page", "page_size", "customer_id", "from", "to", "external_id", "source_system"],
    "/api/privacy/requests": ["page", "state", "customer_id"],
    "/api/retention/register": ["page", "year"],
    "/api/relations/complaints": ["page", "customer", "status", "severity", "cause", "open"],
    "/api/relations/visits": ["page", "customer", "status", "mine"],
    "/api/custody/lookups": ["state", "customer", "page"],
    "/api/suppliers": ["status", "grade", "q", "page", "page_size"],
    "/api/handovers": ["page", "page_size"],
    "/api/reports/composition": ["dimension", "year"],
    "/api/reports/abc": ["year", "page", "page_size"],
    "/api/reports/abc/summary": ["year"],
    "/api/reports/core-customers": ["year", "page", "page_size"],
    "/api/reports/tail-customers": ["year", "page", "page_size"],
    "/api/reports/seasonal": ["year", "goal", "customer"],
}


def _mutations(body: dict):
    for name in body:
        for value in HOSTILE:
            yield name, {**body, name: value}
        if isinstance(body[name], dict):
            for inner in body[name]:
                for value in HOSTILE:
                    yield f"{name}.{inner}", {**body, name: {**body[name], inner: value}}
        if isinstance(body[name], list) and body[name] and isinstance(body[name][0], dict):
            for inner in body[name][0]:
                for value in HOSTILE:
                    yield f"{name}.{inner}", {**body, name: [{**body[name][0], inner: value}]}


def test_every_operation_is_fuzzed(world):
    routes = {(m, p) for p, ops in api.get_openapi_schema()["paths"].items() for m in ops}
    assert routes == set(_operations(world))


def test_no_hostile_input_makes_a_server_error(client, credit_manager, world):
    full = connection.vendor in ("postgresql", "mysql")
    client.force_login(credit_manager)
    errors = []
    for (method, _route), (url, body) in _operations(world).items():
        if body is None:
            for param in QUERY_PARAMS.get(url, []):
                for value in QUERY_HOSTILE if full else QUERY_HOSTILE[:4]:
                    r = getattr(client, method)(f"{url}?{param}={value}")
                    if r.status_code >= 500:
                        errors.append((method, url, param, value, r.status_code))
            continue
        for i, (field, mutated) in enumerate(_mutations(body)):
            if not full and i % 5:
                continue
            headers = (
                {"HTTP_X_API_KEY": world["key"]}
                if url.startswith(("/api/ledger", "/api/credit-check"))
                else {}
            )
            sent = Multipart(mutated) if isinstance(body, Multipart) else mutated
            r = getattr(client, method)(url, **request_kwargs(sent), **headers)
            if r.status_code >= 500:
                errors.append(
                    (method, url, field, repr(mutated.get(field.split(".")[0]))[:80], r.status_code)
                )
    assert errors == []
