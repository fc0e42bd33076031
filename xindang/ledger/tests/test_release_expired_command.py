"""Expired credit-check holds leave the exposure on schedule, not only at the customer's next
check."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from xindang.ledger import services
from xindang.ledger.models import Exposure, Reservation

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("release_expired_reservations", stdout=out)
    return out.getvalue()


def test_expired_holds_are_released_and_live_ones_kept(customer):
    now = timezone.now()
    old = services.reserve(
        customer=customer, amount=Decimal("300"), kind="shipment", expires_at=now - timedelta(minutes=1)
    )
    live = services.reserve(
        customer=customer, amount=Decimal("200"), kind="shipment", expires_at=now + timedelta(hours=1)
    )
    assert Exposure.objects.get(customer=customer).reservations_amount == Decimal("500")
    assert _run().strip() == "released 1 expired reservation(s)"
    assert Exposure.objects.get(customer=customer).reservations_amount == Decimal("200")
    assert Reservation.objects.get(pk=old.pk).status == Reservation.Status.EXPIRED
    assert Reservation.objects.get(pk=live.pk).status == Reservation.Status.HELD
    assert _run().strip() == "released 0 expired reservation(s)"  # idempotent
    assert Exposure.objects.get(customer=customer).reservations_amount == Decimal("200")
