"""The ledger's write services check the person's capability themselves: called
directly by someone without it they refuse with ledger.permission_denied and write nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xindang.core.errors import DomainError
from xindang.ledger import importing, services
from xindang.ledger.models import LedgerImport, TradeEntry

pytestmark = pytest.mark.django_db
ROW = {"kind": "shipment", "amount": Decimal("100.00"), "entry_on": date(2026, 1, 10)}


def _post(by, customer, entry):
    services.post_trade_entry(customer=customer, by=by, **ROW)


def _batch(by, customer, entry):
    services.post_trade_entries(rows=[{"customer": customer.pk, **ROW}], by=by)


def _reverse(by, customer, entry):
    services.reverse_entry(entry=entry, reason="录错", by=by)


def _preview(by, customer, entry):
    csv = "客户ID,类型,金额,日期\n1,shipment,100,2026-01-10\n".encode()
    importing.preview_ledger_import(by=by, upload=SimpleUploadedFile("a.csv", csv))


def _confirm(by, customer, entry):
    batch = LedgerImport.objects.create(
        token="00000000-0000-0000-0000-000000000001",
        created_by=by,
        original_name="a.csv",
        stored_name="x",
        file_format="csv",
    )
    importing.confirm_ledger_import(batch=batch, by=by)


# A salesperson and a department manager read ledgers but neither post, reverse nor import
# (ledger.permissions.ROLE_GRANTS).
@pytest.mark.parametrize("call", [_post, _batch, _reverse, _preview, _confirm], ids=lambda f: f.__name__)
@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_a_ledger_write_refuses_a_person_without_the_capability(request, customer, post, call, persona):
    entry = post(customer, "shipment", 500)
    count = TradeEntry.objects.count()
    with pytest.raises(DomainError) as err:
        call(request.getfixturevalue(persona), customer, entry)
    assert err.value.code == "ledger.permission_denied"
    assert TradeEntry.objects.count() == count
