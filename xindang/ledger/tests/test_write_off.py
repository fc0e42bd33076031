"""A bad-debt write-off needs the general manager's approval; the entry posts when approved."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.approvals.services import approve_step, reject
from xindang.core.errors import DomainError
from xindang.ledger import selectors, services
from xindang.ledger.models import TradeEntry, WriteOffRequest

pytestmark = pytest.mark.django_db


def test_write_off_posts_only_after_gm_approval(customer, post, credit_manager, gm):
    post(customer, "shipment", "1000")
    wo = services.request_write_off(
        customer=customer,
        amount=Decimal(400),
        entry_on=date(2026, 6, 30),
        reason="客户破产清算",
        by=credit_manager,
    )
    assert not TradeEntry.objects.filter(kind="write_off").exists()
    approve_step(approval=wo.approval, approver=gm)
    wo.refresh_from_db()
    assert wo.status == WriteOffRequest.Status.POSTED
    assert wo.entry.kind == "write_off" and wo.entry.amount == Decimal(400)
    assert selectors.exposure_of(customer).open_shipments_amount == Decimal(600)
    assert not selectors.exposure_differences()


def test_rejected_write_off_posts_nothing(customer, post, credit_manager, gm):
    post(customer, "shipment", "1000")
    wo = services.request_write_off(
        customer=customer,
        amount=Decimal(400),
        entry_on=date(2026, 6, 30),
        reason="客户失联",
        by=credit_manager,
    )
    reject(approval=wo.approval, approver=gm, reason="继续追收")
    wo.refresh_from_db()
    assert wo.status == WriteOffRequest.Status.REJECTED
    assert not TradeEntry.objects.filter(kind="write_off").exists()


def test_write_off_cannot_exceed_the_open_debt(customer, post, credit_manager):
    post(customer, "shipment", "100")
    with pytest.raises(DomainError) as exc:
        services.request_write_off(
            customer=customer,
            amount=Decimal("100.01"),
            entry_on=date(2026, 6, 30),
            reason="x",
            by=credit_manager,
        )
    assert exc.value.code == "ledger.write_off_exceeds_open"
