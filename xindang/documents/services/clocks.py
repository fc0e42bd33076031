"""Retention clocks started by a business event (contract ended, debt settled) on the documents whose
retention class counts from it."""

from datetime import date

from django.db import transaction

from xindang.audit.services import record_event
from xindang.customers.models import Customer

from .. import rules, selectors
from ..models import Document


@transaction.atomic
def start_retention_clock(
    *, by, customer: Customer, event: str, on: date, documents=None, request=None
) -> int:
    """Record the business event (contract ended, debt settled) that starts the retention clock of the
    documents whose class counts from it; documents already started keep their date. Returns how many
    were started. For the contracts and ledger modules (trade ended comes from the file's status)."""
    if event not in (rules.CONTRACT_ENDED, rules.DEBT_SETTLED):
        raise ValueError(f"clock event {event!r} is not recorded on documents")
    docs_policy = selectors.documents_policy()
    codes = [c.code for c in docs_policy.retention_classes() if c.clock == event]
    qs = Document.objects.filter(customer=customer, retention_class__in=codes, clock_started_on__isnull=True)
    if documents is not None:
        qs = qs.filter(pk__in=[d.pk if hasattr(d, "pk") else d for d in documents])
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    for doc in Document.objects.filter(pk__in=ids):  # through save(): history keeps the change
        doc.clock_started_on = on
        doc.save(update_fields=["clock_started_on", "updated_at"])
    record_event(
        "document.clock_started",
        actor=by,
        request=request,
        obj=customer,
        data={"event": event, "on": on.isoformat(), "documents": ids},
    )
    return len(ids)
