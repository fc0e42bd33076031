"""Grants past their validity expire (`manage.py expire_grants`)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event

from ..models import CreditGrant, GrantStatus


@transaction.atomic
def expire_grants(*, on: date | None = None, by=None) -> int:
    """Mark active grants past valid_until as expired (idempotent; `manage.py expire_grants`)."""
    on = on or timezone.localdate()
    grants = list(
        CreditGrant.objects.select_for_update()
        .filter(status=GrantStatus.ACTIVE, valid_until__lt=on)
        .order_by("pk")
    )
    for grant in grants:
        grant.status = GrantStatus.EXPIRED
        grant._history_user = by
        grant.save(update_fields=["status"])
        record_event("grant.expire", actor=by, obj=grant, data={"valid_until": grant.valid_until.isoformat()})
    return len(grants)
