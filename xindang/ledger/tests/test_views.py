"""Ledger screens: list with filters and export, file section, customer ledger, entry detail,
manual entry, reversal with confirmation, write-off request, visibility."""

import io
from decimal import Decimal

import openpyxl
import pytest

from xindang.ledger.models import TradeEntry, WriteOffRequest

pytestmark = pytest.mark.django_db


def test_list_shows_entries_of_visible_customers_only(
    client, customer, post, other_salesperson, make_customer, salesperson
):
    post(customer, "shipment", "1234.50", external_id="SO-77", source_system="erp")
    client.force_login(salesperson)
    r = client.get("/ledger/", {"kind": "shipment"})
    assert r.status_code == 200 and "SO-77" in r.content.decode()
    client.force_login(other_salesperson)
    r = client.get("/ledger/")
    assert "SO-77" not in r.content.decode()
    assert client.get(f"/ledger/customer/{customer.pk}/").status_code == 404
    assert client.get(f"/ledger/customer/{customer.pk}/section/").status_code == 404


def test_export_xlsx_with_the_list_filters(client, customer, post, manager):
    post(customer, "shipment", "100", external_id="A")
    post(customer, "payment", "40", external_id="B")
    client.force_login(manager)
    r = client.get("/ledger/export.xlsx", {"kind": "payment"})
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][11] == "B"


def test_customer_section_shows_exposure_and_credit_balance(client, customer, post, salesperson):
    post(customer, "shipment", "100")
    post(customer, "payment", "130")
    client.force_login(salesperson)
    r = client.get(f"/ledger/customer/{customer.pk}/section/")
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="credit-balance"' in html and "30.00" in html
    assert 'data-testid="post-entry"' not in html  # salespeople read only


def test_customer_ledger_running_balance(client, customer, post, salesperson):
    post(customer, "shipment", "100")
    post(customer, "invoice", "50")
    post(customer, "payment", "30")
    client.force_login(salesperson)
    r = client.get(f"/ledger/customer/{customer.pk}/")
    balances = [b for _e, b in r.context["page"].object_list]
    assert balances == [Decimal(100), Decimal(150), Decimal(120)]


def test_manual_entry_posts_and_refuses_bad_input(client, customer, credit_manager):
    client.force_login(credit_manager)
    url = f"/ledger/customer/{customer.pk}/new/"
    assert client.get(url).status_code == 200
    bad = {
        "kind": "shipment",
        "entry_on": "2026-03-01",
        "amount": "100",
        "currency": "CNY",
        "due_on": "2026-02-01",
    }
    r = client.post(url, bad)
    assert r.status_code == 200 and 'data-testid="form-errors"' in r.content.decode()
    assert not TradeEntry.objects.exists()
    good = {**bad, "due_on": "", "term_days": "30", "external_id": "MAN-1"}
    r = client.post(url, good)
    entry = TradeEntry.objects.get()
    assert r.status_code == 302 and r.url == f"/ledger/entries/{entry.pk}/"
    assert entry.created_by == credit_manager and entry.source_system == "manual"


def test_reversal_needs_confirmation_and_a_reason(client, customer, post, credit_manager):
    e = post(customer, "shipment", "100")
    client.force_login(credit_manager)
    url = f"/ledger/entries/{e.pk}/reverse/"
    r = client.post(url, {"reason": "错单", "entry_on": "2026-02-01"})
    assert r.status_code == 200 and not TradeEntry.objects.filter(kind="reversal").exists()
    r = client.post(url, {"reason": "错单", "entry_on": "2026-02-01", "confirm": "on"})
    assert r.status_code == 302
    rev = TradeEntry.objects.get(kind="reversal")
    page = client.get(f"/ledger/entries/{e.pk}/").content.decode()
    assert f"/ledger/entries/{rev.pk}/" in page and 'data-testid="reverse"' not in page


def test_entry_detail_lists_allocations(client, customer, post, salesperson):
    s = post(customer, "shipment", "100")
    p = post(customer, "payment", "60")
    client.force_login(salesperson)
    html = client.get(f"/ledger/entries/{s.pk}/").content.decode()
    assert f"/ledger/entries/{p.pk}/" in html and "60.00" in html


def test_write_off_request_goes_to_approval(client, customer, post, credit_manager):
    post(customer, "shipment", "100")
    client.force_login(credit_manager)
    url = f"/ledger/customer/{customer.pk}/write-off/"
    r = client.post(url, {"amount": "100", "entry_on": "2026-06-30", "reason": "破产", "confirm": "on"})
    assert r.status_code == 302
    wo = WriteOffRequest.objects.get()
    assert wo.approval is not None and wo.status == "pending"
    assert not TradeEntry.objects.filter(kind="write_off").exists()


def test_salesperson_cannot_post(client, customer, salesperson):
    client.force_login(salesperson)
    assert client.get(f"/ledger/customer/{customer.pk}/new/").status_code == 403


def test_customer_ledger_pages_carry_the_opening_balance(client, customer, post, salesperson):
    from datetime import date, timedelta

    from xindang.ledger import selectors, services

    start = date(2026, 1, 1)
    for i in range(130):
        kind = ["shipment", "payment", "note_received", "prepayment", "goods_received"][i % 5]
        post(customer, kind, str(10 + i), entry_on=start + timedelta(days=i))
    services.reverse_entry(
        entry=TradeEntry.objects.filter(kind="shipment").first(), entry_on=date(2026, 6, 1)
    )
    full = selectors.customer_ledger(customer)
    last = selectors.customer_ledger_page(customer, per_page=50)
    first = selectors.customer_ledger_page(customer, 1, per_page=50)
    assert last.object_list == full[100:] and first.object_list == full[:50]
    assert selectors.customer_ledger_page(customer, 2, per_page=50).object_list == full[50:100]
    client.force_login(salesperson)
    assert client.get(f"/ledger/customer/{customer.pk}/", {"page": 1}).status_code == 200


def test_manual_invoice_bills_a_shipment_chosen_from_the_open_ones(client, customer, post, credit_manager):
    shipment = post(customer, "shipment", "500", external_id="DN-7")
    client.force_login(credit_manager)
    url = f"/ledger/customer/{customer.pk}/new/"
    assert "DN-7" in client.get(url).content.decode()  # offered as a shipment to bill
    wrong = {
        "kind": "payment",
        "entry_on": "2026-03-01",
        "amount": "500",
        "currency": "CNY",
        "bills": shipment.pk,
    }
    r = client.post(url, wrong)
    assert r.status_code == 200 and "bills" in r.context["form"].errors
    invoice = {**wrong, "kind": "invoice", "external_id": "INV-7", "term_days": "30"}
    r = client.post(url, invoice)
    assert r.status_code == 302
    posted = TradeEntry.objects.get(external_id="INV-7")
    assert posted.settles_id == shipment.pk and posted.open_amount == Decimal("500.00")
    shipment.refresh_from_db()
    assert shipment.open_amount == 0
    assert "DN-7" not in client.get(url).content.decode()  # billed: no longer offered
    page = client.get(f"/ledger/entries/{shipment.pk}/").content.decode()
    assert f"/ledger/entries/{posted.pk}/" in page
