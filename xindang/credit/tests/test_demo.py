"""Demo data reads as real data: no "demo" in a rating's note or the ledger's
source; the investigations, ratings and grants of the demo carry their trails — signed and reviewed
investigations with their audit events, ratings and grants approved step by step by the users of the
chain's roles through the approval service."""

from io import StringIO

import pytest
from django.core.management import call_command

from xindang.approvals.models import ApprovalRequest
from xindang.audit.models import AuditEvent
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Investigation, InvestigationStatus, Rating, RatingStatus
from xindang.customers.models import Customer
from xindang.ledger.models import TradeEntry

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds


def _approved_along_the_chain(approval: ApprovalRequest) -> bool:
    steps = approval.current_steps()
    return (
        approval.status == "approved"
        and bool(steps)
        and all(s.acted_by_id and s.acted_by.groups.filter(name=s.role).exists() for s in steps)
    )


def test_demo_records_carry_their_trails_and_read_as_real_data():
    call_command("demo", customers=40, stdout=StringIO())
    ratings = Rating.objects.all()
    assert ratings.exists()
    assert not ratings.filter(note__icontains="demo").exists()
    assert not TradeEntry.objects.filter(source_system__icontains="demo").exists()
    assert not Customer.history.filter(history_change_reason__icontains="demo").exists()
    for rating in ratings.filter(status=RatingStatus.APPROVED).select_related("approval"):
        assert rating.approval is not None and _approved_along_the_chain(rating.approval)
    investigations = Investigation.objects.filter(status=InvestigationStatus.REVIEWED)
    assert investigations.exists()
    for inv in investigations:
        actions = set(
            AuditEvent.objects.filter(
                object_id=str(inv.pk), action__startswith="credit.investigation."
            ).values_list("action", flat=True)
        )
        assert {"credit.investigation.sign", "credit.investigation.review"} <= actions
        assert inv.reviewed_by_id not in (inv.created_by_id, inv.signed_by_id)
    grants = CreditGrant.objects.exclude(status=GrantStatus.PENDING).select_related("approval")
    assert grants.exists()
    for grant in grants:
        assert _approved_along_the_chain(grant.approval)
