"""Property: any sequence of postings and reversals (batched or one by one; invoices billing earlier
shipments among them) leaves the maintained
exposure equal to the one recomputed from the ledger, and the maintained total equal to the naive
sum over the whole ledger (SPEC §6; 004 客户信息管理制度 第八条); every allocation made on the way
carries its debit's customer, kind and dates as the debit holds them (what the ageing sums by)."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xindang.core.errors import DomainError
from xindang.ledger import selectors, services
from xindang.ledger.models import Allocation, TradeEntry

pytestmark = pytest.mark.django_db
_serial = count()

step = st.tuples(
    st.sampled_from(
        [
            "shipment",
            "invoice",
            "payment",
            "credit_note",
            "prepayment",
            "goods_received",
            "note_received",
            "note_settled",
            "reverse",
        ]
    ),
    st.integers(min_value=1, max_value=500),
    st.integers(min_value=0, max_value=60),
    st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_any_postings_keep_exposure_equal_to_the_ledger(make_customer, salesperson, steps):
    customer = make_customer(salesperson, name=f"性质测试{next(_serial)}有限公司")
    posted: list[TradeEntry] = []
    batch: list[dict] = []
    for kind, amount, day, batched in steps:
        on = date(2026, 1, 1) + timedelta(days=day)
        if kind == "reverse":
            live = [
                e
                for e in posted
                if e.kind != "reversal" and not TradeEntry.objects.filter(reverses=e).exists()
            ]
            if live:
                try:
                    rev, _ = services.reverse_entry(entry=live[amount % len(live)], entry_on=on)
                    posted.append(rev)
                except DomainError as exc:
                    assert exc.code in ("ledger.reverse_settled_note", "ledger.reverse_billed_shipment")
            continue
        row = {"customer": customer.pk, "kind": kind, "amount": Decimal(amount), "entry_on": on}
        if kind == "note_settled":
            notes = [e for e in posted if e.kind == "note_received"]
            if not notes:
                continue
            row["settles"] = notes[amount % len(notes)]
            row["amount"] = Decimal(1)
        if kind == "invoice" and amount % 2 == 0:  # an invoice billing a shipment posted before
            billed = {e.settles_id for e in posted if e.kind == "invoice" and e.settles_id}
            open_shipments = [
                e
                for e in posted
                if e.kind == "shipment"
                and e.pk not in billed
                and not TradeEntry.objects.filter(reverses=e).exists()
            ]
            if open_shipments:
                row["settles"] = open_shipments[amount % len(open_shipments)]
                batched = False
        if batched and kind != "note_settled":
            batch.append(row)
            continue
        if batch:
            posted += [e for e, _c in services.post_trade_entries(rows=batch)]
            batch = []
        try:
            e, _ = services.post_trade_entry(**row)
            posted.append(e)
        except DomainError as exc:
            assert exc.code == "ledger.note_exceeds_open"
    if batch:
        posted += [e for e, _c in services.post_trade_entries(rows=batch)]
    assert selectors.exposure_differences([customer.pk]) == []
    assert selectors.exposure_of(customer).total_amount == selectors.naive_exposure(customer)
    allocations = Allocation.objects.filter(debit_entry__customer=customer).select_related("debit_entry")
    for a in allocations:
        d = a.debit_entry
        assert (a.customer_id, a.debit_kind, a.debit_entry_on, a.debit_due_on) == (
            d.customer_id,
            d.kind,
            d.entry_on,
            d.due_on,
        )
