"""Ledger rows written straight into the tables for the ageing, facts and collection tests (the
ledger's own services are tested by the ledger; these tests need exact dates and allocations)."""

from datetime import date
from decimal import Decimal

from xindang.ledger.models import Allocation, TradeEntry


def entry(
    customer,
    kind,
    amount,
    on: date,
    *,
    due_on=None,
    open_amount=None,
    salesperson=None,
    department=None,
    reverses=None,
):
    amount = Decimal(str(amount))
    if open_amount is None:
        open_amount = amount if kind in ("shipment", "invoice", "prepayment") else Decimal(0)
    return TradeEntry.objects.create(
        customer=customer,
        kind=kind,
        amount=amount,
        original_amount=amount,
        entry_on=on,
        due_on=due_on,
        open_amount=Decimal(str(open_amount)),
        salesperson=salesperson,
        department=department,
        reverses=reverses,
    )


def pay(debit, amount, on: date, *, kind="payment"):
    """A payment of `amount` on `on` allocated to `debit` (its open amount goes down)."""
    amount = Decimal(str(amount))
    credit = entry(debit.customer, kind, amount, on)
    Allocation.objects.create(debit_entry=debit, credit_entry=credit, amount=amount, allocated_on=on)
    debit.open_amount -= amount
    debit.save(update_fields=["open_amount"])
    return credit
