"""The demo's supplier step: selections recorded through the services, one sent to the approvers."""

from io import StringIO

import pytest
from django.core.management import call_command

from xindang.suppliers.models import SelectionStatus, SupplierSelection

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds


def test_demo_starts_supplier_selections():
    call_command("demo", customers=30, stdout=StringIO())
    selections = SupplierSelection.objects.all()
    assert selections.exists()
    pending = selections.filter(status=SelectionStatus.PENDING)
    assert pending.count() == 1 and pending.get().approval is not None
    assert all(s.customer.relationship in ("supplier", "both") for s in selections)
