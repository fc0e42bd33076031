"""An invoice that bills a shipment (赊销发货, then 开票) takes its debt over: exposure counts unpaid
credit sales once (004 客户信息管理制度 第八条; SPEC §6), by category — open shipments are shipped and not yet
invoiced, open invoices invoiced and not yet paid."""

import json
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xindang.core.errors import DomainError
from xindang.ledger import rules, selectors, services
from xindang.ledger.models import TradeEntry

pytestmark = pytest.mark.django_db
D = Decimal
_serial = count()


def figures(customer):
    e = selectors.exposure_of(customer)
    return {k: v for k, v in e.figures().items() if v} | {"total": e.total_amount}


def _consistent(customer):
    """The maintained figures equal the ledger recomputed, and the naive whole-ledger sum."""
    assert selectors.exposure_differences([customer.pk]) == []
    assert selectors.naive_exposure(customer) == selectors.exposure_of(customer).total_amount


# 004 客户信息管理制度 第八条: the billed part counts once; table of (shipment, paid before billing, invoice)
# →
# (moved, carried) and the open amounts after.
BILLING = [
    # shipment, paid, invoice, moved, carried, shipment open, invoice open
    ("100", "0", "100", "100", "0", "0", "100"),  # billed in full
    ("100", "30", "100", "70", "30", "0", "70"),  # part paid on the shipment first
    ("100", "0", "60", "60", "0", "40", "60"),  # partial billing
    ("100", "30", "60", "60", "0", "10", "60"),  # partial billing after a payment
    ("100", "30", "120", "70", "30", "0", "90"),  # a price added on the invoice
    ("100", "100", "100", "0", "100", "0", "0"),  # paid in full before billing
]


@pytest.mark.parametrize(("ship", "paid", "inv", "moved", "carried", "ship_open", "inv_open"), BILLING)
def test_billing_rule_004_article_8(ship, paid, inv, moved, carried, ship_open, inv_open):
    m, c = rules.billing(D(inv), D(ship), D(ship) - D(paid))
    assert (m, c) == (D(moved), D(carried))
    assert D(ship) - D(paid) - m == D(ship_open)
    assert D(inv) - c == D(inv_open)


@pytest.mark.parametrize(("ship", "paid", "inv", "moved", "carried", "ship_open", "inv_open"), BILLING)
def test_posting_an_invoice_that_bills_a_shipment(
    customer, post, ship, paid, inv, moved, carried, ship_open, inv_open
):
    s = post(customer, "shipment", ship, entry_on=date(2026, 1, 1))
    if D(paid):
        post(customer, "payment", paid, entry_on=date(2026, 1, 5))
    i = post(customer, "invoice", inv, entry_on=date(2026, 1, 10), settles=s)
    s.refresh_from_db()
    assert (s.open_amount, i.open_amount) == (D(ship_open), D(inv_open))
    assert figures(customer) == {
        k: v
        for k, v in {
            "open_shipments_amount": D(ship_open),
            "open_invoices_amount": D(inv_open),
            "total": D(ship_open) + D(inv_open),
        }.items()
        if v or k == "total"
    }
    _consistent(customer)
    # Before the invoice date the shipment was open as before (ageing at a past date).
    assert [x.open_amount for x in selectors.open_items(on=date(2026, 1, 9), customer_ids=[customer.pk])] == (
        [D(ship) - D(paid)] if D(ship) - D(paid) else []
    )


def test_payments_after_billing_settle_the_invoice_and_reversing_it_gives_the_shipment_back(customer, post):
    s = post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    i = post(customer, "invoice", "100", entry_on=date(2026, 1, 10), settles=s)
    post(customer, "payment", "40", entry_on=date(2026, 1, 20))
    assert figures(customer) == {"open_invoices_amount": D(60), "total": D(60)}
    services.reverse_entry(entry=i, reason="开票有误", entry_on=date(2026, 1, 21))
    s.refresh_from_db()
    i.refresh_from_db()
    # The shipment is open again; the payment made on the invoice settles it (FIFO), nothing lost.
    assert (s.open_amount, i.open_amount) == (D(60), D(0))
    assert figures(customer) == {"open_shipments_amount": D(60), "total": D(60)}
    _consistent(customer)
    # Billed again by a corrected invoice.
    again = post(customer, "invoice", "100", entry_on=date(2026, 1, 22), settles=s, external_id="INV-2")
    assert again.open_amount == D(60)
    assert figures(customer) == {"open_invoices_amount": D(60), "total": D(60)}
    _consistent(customer)


def test_a_reposted_billing_invoice_is_idempotent(customer, post):
    s = post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    first = post(customer, "invoice", "100", entry_on=date(2026, 1, 10), settles=s, external_id="INV-1")
    same = post(customer, "invoice", "100", entry_on=date(2026, 1, 10), settles=s, external_id="INV-1")
    assert same.pk == first.pk
    assert figures(customer) == {"open_invoices_amount": D(100), "total": D(100)}


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("billed twice", "ledger.shipment_already_billed"),
        ("not a shipment", "ledger.shipment_required"),
        ("another customer's", "ledger.wrong_customer"),
        ("reversed shipment", "ledger.billed_shipment_reversed"),
        ("unknown", "ledger.shipment_required"),
    ],
)
def test_what_an_invoice_cannot_bill(customer, post, make_customer, salesperson, case, code):
    s = post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    target = s
    if case == "billed twice":
        post(customer, "invoice", "100", entry_on=date(2026, 1, 2), settles=s)
    elif case == "not a shipment":
        target = post(customer, "prepayment", "50", entry_on=date(2026, 1, 1))
    elif case == "another customer's":
        other = make_customer(salesperson, name="另一家有限公司")
        target = post(other, "shipment", "100", entry_on=date(2026, 1, 1))
    elif case == "reversed shipment":
        services.reverse_entry(entry=s, entry_on=date(2026, 1, 2))
    elif case == "unknown":
        target = {"external_id": "NO-SUCH-SHIPMENT"}
    before = figures(customer)
    with pytest.raises(DomainError) as err:
        post(customer, "invoice", "100", entry_on=date(2026, 1, 3), settles=target)
    assert err.value.code == code
    assert figures(customer) == before


def test_a_billed_shipment_is_reversed_only_after_its_invoice(customer, post):
    s = post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    i = post(customer, "invoice", "100", entry_on=date(2026, 1, 2), settles=s)
    with pytest.raises(DomainError) as err:
        services.reverse_entry(entry=s, entry_on=date(2026, 1, 3))
    assert err.value.code == "ledger.reverse_billed_shipment"
    services.reverse_entry(entry=i, entry_on=date(2026, 1, 3))
    services.reverse_entry(entry=s, entry_on=date(2026, 1, 3))
    assert figures(customer) == {"total": D(0)}
    _consistent(customer)


def test_the_api_bills_a_shipment_by_its_external_id(client, customer, sysadmin):
    from xindang.api.auth import create_api_key

    _key, key = create_api_key(name="ERP", scopes=["ledger:read", "ledger:write"], by=sysadmin)
    rows = [
        {
            "customer_id": customer.pk,
            "kind": "shipment",
            "amount": "800.00",
            "entry_on": "2026-01-01",
            "source_system": "erp",
            "external_id": "DN-1",
        },
        {
            "customer_id": customer.pk,
            "kind": "invoice",
            "amount": "800.00",
            "entry_on": "2026-01-05",
            "source_system": "erp",
            "external_id": "INV-1",
            "settles_external_id": "DN-1",
        },
    ]
    for row in rows:
        r = client.post(
            "/api/ledger/entries", data=json.dumps(row), content_type="application/json", HTTP_X_API_KEY=key
        )
        assert r.status_code == 201, r.content
    assert figures(customer) == {"open_invoices_amount": D(800), "total": D(800)}
    invoice = TradeEntry.objects.get(external_id="INV-1")
    assert invoice.settles.external_id == "DN-1"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ship=st.integers(1, 10_000),
    paid=st.integers(0, 12_000),
    inv=st.integers(1, 12_000),
    paid_after=st.integers(0, 12_000),
    reverse=st.booleans(),
)
def test_billing_never_changes_what_is_owed(make_customer, salesperson, ship, paid, inv, paid_after, reverse):
    """Whatever the amounts, the exposure after billing is the ledger's net debt counted once, and
    reversing the invoice leaves the shipment's debt as if it had never been billed (004 客户信息管理制度
    第八条)."""
    customer = make_customer(salesperson, name=f"开票测试{next(_serial)}有限公司")
    day = iter(range(1, 28))

    def post(kind, amount, **kw):
        entry, _ = services.post_trade_entry(
            customer=customer, kind=kind, amount=D(amount), entry_on=date(2026, 2, next(day)), **kw
        )
        return entry

    s = post("shipment", ship)
    if paid:
        post("payment", paid)
    i = post("invoice", inv, settles=s)
    if paid_after:
        post("payment", paid_after)
    owed = (
        max(D(max(inv, ship)) - D(paid) - D(paid_after), D(0))
        if inv >= ship
        else max(D(ship) - D(paid) - D(paid_after), D(0))
    )
    assert selectors.exposure_of(customer).total_amount == owed
    if reverse:
        services.reverse_entry(entry=i, entry_on=date(2026, 2, 28))
        assert selectors.exposure_of(customer).total_amount == max(D(ship) - D(paid) - D(paid_after), D(0))
    _consistent(customer)
