"""Appraisal (鉴定) of a document whose retention has passed: keep, extend, or propose destruction."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.selectors import can_see_customer
from xindang.documents.models import Document
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import RetentionError
from ..models import (
    Appraisal,
    Decision,
)
from ..permissions import RetentionPermission
from .checks import is_destroyed, open_disposal_item, reason_text, refuse_if_held, require, retention_snapshot


@transaction.atomic
def appraise_document(
    *, by, document: Document, decision: str, reason: str, keep_until: date | None = None, request=None
) -> Appraisal:
    """Appraise (鉴定) a document whose retention has passed: keep it until a new date after today, or
    decide to destroy it. Refused when the retention has not passed (001 档案管理制度及流程2 2.1.4), when
    the content is already destroyed, when it is in an open disposal, and — for destroy — when a hold
    keeps it (naming the hold)."""
    require(by, RetentionPermission.APPRAISE)
    document = Document.objects.select_for_update().select_related("customer").get(pk=document.pk)
    if not can_see_customer(by, document.customer):
        raise DomainError(RetentionError.NOT_ALLOWED)
    if is_destroyed(document):
        raise DomainError(RetentionError.ALREADY_DESTROYED, title=document.title)
    item = open_disposal_item(document)
    if item is not None:
        raise DomainError(RetentionError.IN_OPEN_DISPOSAL, title=document.title, number=item.disposal.number)
    policy = current_policy()
    snapshot = retention_snapshot(document, policy)
    reason = reason_text(reason)
    if decision == Decision.KEEP:
        if not rules.keep_until_ok(keep_until, timezone.localdate()):
            raise DomainError(RetentionError.KEEP_UNTIL_REQUIRED, field="keep_until")
    elif decision == Decision.DESTROY:
        keep_until = None
        refuse_if_held(document)
    else:
        raise ValueError(f"unknown decision {decision!r}")
    appraisal = Appraisal.objects.create(
        document=document,
        decision=decision,
        reason=reason,
        keep_until=keep_until,
        policy_version=policy.version or None,
        appraised_by=by,
        appraised_at=timezone.now(),
        **snapshot,
    )
    record_event(
        "retention.appraised",
        actor=by,
        request=request,
        obj=document,
        data={
            "customer_id": document.customer_id,
            "appraisal": appraisal.pk,
            "decision": decision,
            "reason": reason,
            "keep_until": keep_until.isoformat() if keep_until else None,
            "retention_class": snapshot["retention_class"],
            "retention_passed_on": snapshot["earliest_disposal_on"].isoformat(),
            "policy_version": appraisal.policy_version,
        },
    )
    return appraisal


def latest_appraisal(document) -> Appraisal | None:
    return Appraisal.objects.filter(document=document).order_by("-appraised_at", "-pk").first()
