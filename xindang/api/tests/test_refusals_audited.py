"""Every API route answers another department's ids with a refusal and an audit event, the way the
screens do. The table must name every route with an id: a new route fails the test
until it is walked too."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.api.api import api
from xindang.audit.models import AuditEvent
from xindang.ledger.models import TradeEntry

from .wide import request_kwargs, wide_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def xs1_objects(make_customer, salesperson):
    """A file of 销售一部 with an entry, a grant and an over-limit request (with its approval)."""
    from xindang.credit.control import services as control
    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.credit.models import Rating, RatingStatus
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
    Rating.objects.create(
        customer=customer,
        grade="A",
        computed_grade="A",
        status=RatingStatus.APPROVED,
        effective_at=timezone.now(),
    )
    entry, _ = post_trade_entry(customer=customer, kind="shipment", amount=Decimal(1000), entry_on=on)
    olr = control.request_over_limit(
        customer=customer, amount=Decimal(130_000), kind="shipment", reason="年底备货", by=salesperson
    )
    from xindang.custody.models import LookupRequest

    lookup = LookupRequest.objects.create(
        reader=salesperson, customer=customer, purpose="核对", starts_on=on, ends_on=on, highest_level=3
    )
    return {"customer": customer, "entry": entry, "olr": olr, "lookup": lookup}


def _cases(o):
    c, e, olr = o["customer"].pk, o["entry"].pk, o["olr"]
    return {
        ("get", "/api/customers/{customer_id}"): (f"/api/customers/{c}", None),
        ("patch", "/api/customers/{customer_id}"): (
            f"/api/customers/{c}",
            {"version": 1, "fields": {"phone": "1"}},
        ),
        ("post", "/api/customers/{customer_id}/status"): (
            f"/api/customers/{c}/status",
            {"to_status": "suspended", "reason": "试"},
        ),
        ("get", "/api/approvals/{approval_id}"): (f"/api/approvals/{olr.approval_id}", None),
        ("get", "/api/ledger/entries/{entry_id}"): (f"/api/ledger/entries/{e}", None),
        ("get", "/api/ledger/entries"): (f"/api/ledger/entries?customer_id={c}", None),
        ("post", "/api/ledger/entries"): (
            "/api/ledger/entries",
            {"customer_id": c, "kind": "payment", "amount": "10.00", "entry_on": "2026-03-01"},
        ),
        ("get", "/api/ledger/exposure/{customer_id}"): (f"/api/ledger/exposure/{c}", None),
        ("post", "/api/credit-check"): ("/api/credit-check", {"customer_id": c, "amount": "10.00"}),
        ("post", "/api/credit/over-limit"): (
            "/api/credit/over-limit",
            {"customer_id": c, "amount": "130000.00"},
        ),
        ("get", "/api/credit/over-limit/{over_limit_id}"): (f"/api/credit/over-limit/{olr.pk}", None),
        ("get", "/api/onboarding/{customer_id}/card"): (f"/api/onboarding/{c}/card", None),
        ("post", "/api/onboarding/{customer_id}/card"): (
            f"/api/onboarding/{c}/card",
            {"head_office": "上海"},
        ),
        ("post", "/api/onboarding/{customer_id}/card/submit"): (f"/api/onboarding/{c}/card/submit", {}),
        ("get", "/api/customer-groups/{customer_id}"): (f"/api/customer-groups/{c}", None),
        ("get", "/api/balance-statements/{customer_id}"): (f"/api/balance-statements/{c}", None),
        ("get", "/api/custody/lookups/{lookup_id}"): (f"/api/custody/lookups/{o['lookup'].pk}", None),
        ("get", "/api/retention/customers/{customer_id}/holds"): (
            f"/api/retention/customers/{c}/holds",
            None,
        ),
        ("get", "/api/privacy/requests/{request_id}"): (
            f"/api/privacy/requests/{_privacy_request(o['customer']).pk}",
            None,
        ),
        ("get", "/api/suppliers/{customer_id}"): (f"/api/suppliers/{c}", None),
        **_lifecycle_cases(o),
        **wide_routes(o["customer"]),
        **_relations_cases(o),
        ("get", "/api/reports/seasonal"): (f"/api/reports/seasonal?customer={c}", None),
    }


def _lifecycle_cases(o):
    from xindang.lifecycle.models import Loan

    c, on = o["customer"], timezone.localdate()
    loan = Loan.objects.filter(customer=c).first() or Loan.objects.create(
        customer=c, borrower=c.owner, purpose="查阅", lent_on=on, due_on=on, lent_by=c.owner
    )
    return {
        ("get", "/api/lifecycle/loans"): (f"/api/lifecycle/loans?customer_id={c.pk}", None),
        ("get", "/api/lifecycle/loans/{loan_id}"): (f"/api/lifecycle/loans/{loan.pk}", None),
        ("get", "/api/lifecycle/customers/{customer_id}/transfers"): (
            f"/api/lifecycle/customers/{c.pk}/transfers",
            None,
        ),
    }


def _relations_cases(o):
    from xindang.relations import services as relations

    c = o["customer"]
    complaint = relations.receive_complaint(
        by=c.owner, customer_id=c.pk, data={"product": "钢板", "content": "锈蚀"}
    )
    visit = relations.plan_visit(by=c.owner, customer_id=c.pk, agent=c.owner, data={"purpose": "回访"})
    return {
        ("get", "/api/relations/complaints/{complaint_id}"): (
            f"/api/relations/complaints/{complaint.pk}",
            None,
        ),
        ("get", "/api/relations/visits/{visit_id}"): (f"/api/relations/visits/{visit.pk}", None),
    }


def _privacy_request(customer):
    """A person's request on the file (made once)."""
    from xindang.customers.models import Contact
    from xindang.privacy.models import DataSubjectRequest

    found = DataSubjectRequest.objects.filter(customer=customer).first()
    if found:
        return found
    contact = Contact.objects.create(customer=customer, name="张三")
    return DataSubjectRequest.objects.create(
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        kind="access",
        received_on="2026-03-01",
        created_by=customer.owner,
    )


# Routes without another department's id to ask for (lists are filtered, creation names no file).
NO_ID = {("get", "/api/customers"), ("post", "/api/customers"), ("get", "/api/approvals")}
NO_ID |= {("get", "/api/privacy/requests")}
NO_ID |= {("get", "/api/lifecycle/transfers"), ("get", "/api/lifecycle/transfers/{year}")}
NO_ID |= {("get", "/api/retention/register")}
NO_ID |= {("get", "/api/relations/complaints"), ("get", "/api/relations/visits")}
NO_ID |= {("get", "/api/suppliers")}
# Handovers are not a department's: the personnel side and managers with the capability read them all,
# the parties read their own; any other id is a plain 404 (as on the screens).
NO_ID |= {("get", "/api/handovers"), ("get", "/api/handovers/{handover_id}")}
# The analyses and the dashboard cover the files the user sees (no other file's id in them).
NO_ID |= {("get", f"/api/reports/{r}") for r in ("composition", "abc", "abc/summary", "core-customers")}
NO_ID |= {("get", "/api/reports/tail-customers"), ("get", "/api/reports/dashboard")}
# Asking to read another department's file is what a lookup request is for (custody).
NO_ID |= {("get", "/api/custody/lookups"), ("post", "/api/custody/lookups")}


def test_every_api_route_is_walked(xs1_objects):
    routes = {(m, p) for p, ops in api.get_openapi_schema()["paths"].items() for m in ops}
    assert routes - NO_ID == set(_cases(xs1_objects))


def _personas(dept_xs2, other_salesperson):
    """Department-scoped users of 销售二部: a salesperson, a manager, a manager who may also post."""
    from django.contrib.auth.models import Permission

    from conftest import make_user
    from xindang.accounts.models import User
    from xindang.accounts.roles import Role

    manager = make_user("zhengyi", Role.DEPARTMENT_MANAGER, Role.SALESPERSON, department=dept_xs2)
    poster = make_user("zhenger", Role.DEPARTMENT_MANAGER, department=dept_xs2)
    poster.user_permissions.add(Permission.objects.get(codename="post_tradeentry"))
    return [other_salesperson, manager, User.objects.get(pk=poster.pk)]


def test_another_departments_ids_are_refused_and_audited(client, xs1_objects, dept_xs2, other_salesperson):
    entries = TradeEntry.objects.count()
    refused_by_id = set()
    for user in _personas(dept_xs2, other_salesperson):
        client.force_login(user)
        for (method, route), (url, body) in _cases(xs1_objects).items():
            before = AuditEvent.objects.filter(action__endswith="access_denied").count()
            r = getattr(client, method)(url, **request_kwargs(body))
            if r.status_code == 403:  # the role lacks the capability altogether: refused before any id
                continue
            assert r.status_code == 404, (user.username, method, url, r.status_code, r.content[:300])
            denied = AuditEvent.objects.filter(action__endswith="access_denied").order_by("-seq")
            assert denied.count() == before + 1, (user.username, method, url)
            assert denied.first().actor_id == user.pk
            refused_by_id.add((method, route))
    assert TradeEntry.objects.count() == entries
    assert refused_by_id == set(_cases(xs1_objects))  # every route was reached with the id at least once
