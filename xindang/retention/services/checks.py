"""What the retention services share: the capability check, a required reason, a document's retention
snapshot, its holds and its open disposal."""

from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.errors import DomainError
from xindang.documents.models import Document
from xindang.documents.selectors import retention_of

from .. import rules
from ..errors import RetentionError
from ..holds import describe, document_holds
from ..models import (
    DisposalItem,
    DisposalStatus,
)
from ..permissions import RetentionPermission

OPEN_STATES = (DisposalStatus.PENDING, DisposalStatus.APPROVED)


def require(user, perm: RetentionPermission) -> None:
    if user is None or not user.has_perm(perm.value):
        raise DomainError(RetentionError.NOT_ALLOWED)


def reason_text(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(RetentionError.REASON_REQUIRED, field=field)
    return text


def refuse_if_held(document: Document) -> None:
    held = document_holds(document)
    if held:
        raise DomainError(RetentionError.ON_HOLD, title=document.title, holds=describe(held))


def retention_snapshot(document: Document, policy) -> dict:
    cls, clock = retention_of(document, policy=policy)
    passed_on = clock.earliest_disposal_on if clock is not None else None
    if not rules.retention_passed(passed_on, timezone.localdate()):
        when = passed_on.isoformat() if passed_on else _("permanent or not started")
        raise DomainError(RetentionError.RETENTION_NOT_PASSED, title=document.title, when=when)
    return {
        "retention_class": cls.code,
        "retention_label": cls.label,
        "clock_started_on": clock.started_on,
        "earliest_disposal_on": passed_on,
    }


def open_disposal_item(document: Document) -> DisposalItem | None:
    return (
        DisposalItem.objects.select_related("disposal")
        .filter(document=document, disposal__status__in=OPEN_STATES)
        .first()
    )


def is_destroyed(document: Document) -> bool:
    return not document.versions.filter(erased_at__isnull=True).exists() and document.version_count > 0
