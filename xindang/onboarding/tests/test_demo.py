"""The demo shows onboarding at work: a draft with a blank, a card waiting, one approved with its
conditions and code — written through the services."""

from io import StringIO

import pytest
from django.core.management import call_command

from xindang.onboarding.models import TransactionCard

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds


def test_the_demo_has_cards_in_each_state():
    call_command("demo", customers=60, stdout=StringIO())
    cards = {c.status: c for c in TransactionCard.objects.select_related("customer")}
    assert set(cards) == {"draft", "submitted", "approved"}
    approved = cards["approved"].customer
    assert approved.onboarding == "approved" and approved.code and approved.status == "active"
    assert cards["approved"].conditions == "contract,collateral"
    assert cards["submitted"].customer.onboarding == "pending"
