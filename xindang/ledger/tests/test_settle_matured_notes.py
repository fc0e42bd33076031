"""Acceptance bills keep their amount in exposure until they mature (004 客户信息管理制度
第八条)."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from xindang.ledger.models import Exposure, TradeEntry

pytestmark = pytest.mark.django_db


def _run(today: str) -> str:
    out = StringIO()
    call_command("settle_matured_notes", "--today", today, stdout=out, stderr=StringIO())
    return out.getvalue()


def _notes(customer) -> Decimal:
    return Exposure.objects.get(customer=customer).notes_amount


def test_a_note_counts_until_it_matures_then_settles_once(customer, post):
    # given a shipment paid with a bill maturing on 2026-06-30, a tenth of it already settled
    post(customer, "shipment", "10000")
    note = post(customer, "note_received", "10000", note_no="HP-001", note_matures_on=date(2026, 6, 30))
    post(customer, "note_settled", "1000", settles=note, entry_on=date(2026, 3, 1))
    assert _notes(customer) == Decimal("9000")
    # when the job runs before maturity, nothing changes
    assert "settled: 0" in _run("2026-06-29")
    assert _notes(customer) == Decimal("9000")
    # when it runs on the maturity day, the rest is settled, dated on that day
    assert "settled: 1" in _run("2026-06-30")
    assert _notes(customer) == Decimal("0")
    settlement = TradeEntry.objects.get(source_system="maturity", external_id=f"maturity-{note.pk}")
    assert (settlement.amount, settlement.entry_on) == (Decimal("9000"), date(2026, 6, 30))
    # and running it again posts nothing more (idempotent)
    assert "settled: 0" in _run("2026-07-01")
    assert TradeEntry.objects.filter(settles=note).count() == 2


def test_a_note_discounted_without_recourse_is_not_touched(customer, post):
    post(customer, "shipment", "5000")
    post(
        customer,
        "note_received",
        "5000",
        note_no="HP-002",
        note_matures_on=date(2026, 6, 30),
        note_without_recourse=True,
    )
    before = _notes(customer)
    assert "settled: 0" in _run("2026-07-01")
    assert _notes(customer) == before
