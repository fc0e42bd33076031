"""Related customers: "not related" findings (XinDang's addition, beyond the regulation). The credit
manager records that two files, or one of a file's keys, link nothing; the group walk skips them."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from ..errors import CustomerError
from ..models import Customer, NotRelated, RelationKey
from ..permissions import CustomerPermission
from .access import require_capability, visible_or_404

NOT_RELATED = "customer.not_related"
NOT_RELATED_REVOKED = "customer.not_related_revoked"


def mark_not_related(
    *, by, customer_id: int, other_id: int | None = None, key_id: int | None = None, reason: str, request=None
):
    """The credit manager finds that `customer` and `other` are not related, or that one of the file's
    keys (a RelationKey of the file, e.g. the common name 王伟) links nothing: the group walk and the
    credit check's group step skip it from now on (relations.related_group). Audited; reversible."""
    require_capability(by, CustomerPermission.MARK_NOT_RELATED)
    visible_or_404(by, customer_id, request)
    reason = (reason or "").strip()
    if other_id is None and key_id is None:
        raise DomainError(CustomerError.NOT_RELATED_NOTHING)
    if other_id is not None and int(other_id) == int(customer_id):
        raise DomainError(CustomerError.NOT_RELATED_SELF)
    if not reason:
        raise DomainError(CustomerError.NOT_RELATED_NO_REASON, field="reason")
    if other_id is not None:
        visible_or_404(by, other_id, request)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        active = NotRelated.objects.filter(revoked_at__isnull=True)
        if other_id is not None:
            low, high = sorted((int(customer_id), int(other_id)))
            if active.filter(customer_id=low, other_id=high).exists():
                raise DomainError(CustomerError.NOT_RELATED_ALREADY)
            finding = NotRelated.objects.create(
                customer_id=low, other_id=high, reason=reason[:500], created_by=by
            )
            data = {"customers": [low, high]}
        else:
            key = RelationKey.objects.filter(pk=key_id, customer_id=customer_id).first()
            if key is None:
                raise DomainError(CustomerError.NOT_RELATED_UNKNOWN_KEY)
            if active.filter(other__isnull=True, kind=key.kind, key=key.key).exists():
                raise DomainError(CustomerError.NOT_RELATED_ALREADY)
            finding = NotRelated.objects.create(
                customer=customer,
                kind=key.kind,
                key=key.key,
                shown=key.shown,
                reason=reason[:500],
                created_by=by,
            )
            data = {"kind": key.kind, "key": key.key}
        record_event(
            NOT_RELATED,
            actor=by,
            request=request,
            obj=customer,
            data={**data, "finding": finding.pk, "reason": finding.reason},
        )
    return finding


def revoke_not_related(*, by, finding_id: int, reason: str, request=None):
    """Take a "not related" finding back (it stays on record, revoked): the link counts again."""
    require_capability(by, CustomerPermission.MARK_NOT_RELATED)
    finding = NotRelated.objects.filter(pk=finding_id).first()
    if finding is None:
        raise Http404
    visible_or_404(by, finding.customer_id, request)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CustomerError.NOT_RELATED_NO_REASON, field="reason")
    with transaction.atomic():
        finding = NotRelated.objects.select_for_update().get(pk=finding_id)
        if finding.revoked_at is not None:
            raise DomainError(CustomerError.NOT_RELATED_REVOKED)
        finding.revoked_at = timezone.now()
        finding.revoked_by = by
        finding.revoke_reason = reason[:500]
        finding.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record_event(
            NOT_RELATED_REVOKED,
            actor=by,
            request=request,
            obj=finding.customer,
            data={"finding": finding.pk, "reason": finding.revoke_reason},
        )
    return finding
