from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from xindang.audit.models import AuditEvent
from xindang.ledger.models import Exposure

pytestmark = pytest.mark.django_db


def test_reconcile_reports_a_corrupted_exposure_and_fix_repairs_it(customer, post):
    post(customer, "shipment", "250")
    post(customer, "payment", "300")
    out = StringIO()
    call_command("reconcile_exposure", stdout=out)
    assert "no differences" in out.getvalue()
    Exposure.objects.filter(customer=customer).update(
        credit_balance_amount=Decimal(0), notes_amount=Decimal(7)
    )
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("reconcile_exposure", stdout=out, stderr=StringIO())
    report = out.getvalue()
    assert f"customer {customer.pk}: credit_balance_amount maintained 0.00 ledger 50.00" in report
    assert "notes_amount maintained 7.00 ledger 0" in report
    call_command("reconcile_exposure", "--fix", stdout=StringIO())
    e = Exposure.objects.get(customer=customer)
    assert (e.credit_balance_amount, e.notes_amount) == (Decimal(50), Decimal(0))
    assert AuditEvent.objects.filter(action="ledger.exposure_fixed", object_id=str(customer.pk)).exists()
    out = StringIO()
    call_command("reconcile_exposure", stdout=out)
    assert "no differences" in out.getvalue()
