"""Related customers: the "not related" findings (the buttons of the file page's group section)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError

from .. import permissions, services
from ..permissions import CustomerPermission


def _int_or_none(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@require_POST
@permission_required(CustomerPermission.MARK_NOT_RELATED, raise_exception=True)
def not_related_mark(request, pk):
    """Mark another file (other=) or one of this file's keys (key=) as not related, with a reason."""
    customer = permissions.get_customer_for_user(request.user, pk, request=request)
    other, key = _int_or_none(request.POST.get("other")), _int_or_none(request.POST.get("key"))
    try:
        services.mark_not_related(
            by=request.user,
            customer_id=customer.pk,
            other_id=other,
            key_id=None if other is not None else key,
            reason=request.POST.get("reason", "")[:500],
            request=request,
        )
        messages.success(request, _("Marked as not related: the group no longer counts this link."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(customer.get_absolute_url() + "#related")


@require_POST
@permission_required(CustomerPermission.MARK_NOT_RELATED, raise_exception=True)
def not_related_revoke(request, pk, finding_pk):
    customer = permissions.get_customer_for_user(request.user, pk, request=request)
    try:
        services.revoke_not_related(
            by=request.user,
            finding_id=finding_pk,
            reason=request.POST.get("reason", "")[:500],
            request=request,
        )
        messages.success(request, _("The finding is revoked: the link counts again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(customer.get_absolute_url() + "#related")
