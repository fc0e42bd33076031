"""Who may read the audit log: auditors (the GM and the system administrator, issue: foundation 12).
The grants live in accounts.permissions.AUDIT_GRANTS; every audit view is wrapped in auditor_required."""

from django.contrib.auth.decorators import permission_required
from django.db import models


class AuditPermission(models.TextChoices):
    VIEW = "audit.view_auditevent"


def auditor_required(view):
    """The one capability check of the audit screens: 403 without audit.view_auditevent."""
    return permission_required(AuditPermission.VIEW.value, raise_exception=True)(view)
