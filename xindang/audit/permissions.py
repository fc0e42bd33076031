"""Who may read the audit log: auditors (the GM and the system administrator).
The grants live in accounts.permissions.AUDIT_GRANTS; every audit view is wrapped in auditor_required."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models


class AuditPermission(models.TextChoices):
    VIEW = "audit.view_auditevent"


# Modules above audit that separate duties (custody: 三员分立, GB/T 39784 — the system administrator
# manages users and settings but does not read the audit log) register fn(user) -> bool here; True
# refuses the user even when a role grants the permission.
_READ_LIMITS: list[Callable[[object], bool]] = []


def register_read_limit(fn: Callable[[object], bool]) -> None:
    if fn not in _READ_LIMITS:
        _READ_LIMITS.append(fn)


def may_read_audit(user) -> bool:
    if not user.is_authenticated or not user.has_perm(AuditPermission.VIEW.value):
        return False
    return user.is_superuser or not any(limit(user) for limit in _READ_LIMITS)


def auditor_required(view):
    """The one capability check of the audit screens: 403 without audit.view_auditevent, or when a
    registered separation of duties refuses the user."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_read_audit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked
