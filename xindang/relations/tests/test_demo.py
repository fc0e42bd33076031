"""The demo seeds complaints in every state, visits and a survey through the services."""

from io import StringIO

import pytest
from django.core.management import call_command

from xindang.relations import rules
from xindang.relations.models import Complaint, SurveyResponse, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds


def test_demo_relations_carry_their_trails():
    call_command("demo", customers=30, stdout=StringIO())
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {rules.RECEIVED, rules.PROPOSED, rules.CLOSED} <= statuses
    for c in Complaint.objects.filter(status=rules.CLOSED).select_related("approval"):
        assert c.approval.status == "approved" and c.fed_back_on is not None
    assert Visit.objects.exists() and SurveyResponse.objects.exists()
