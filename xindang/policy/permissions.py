"""Who may read and change the company policy. Grants: accounts.permissions.POLICY_GRANTS (the system
administrator edits; managers who decide under the policy read it). Every policy view uses
policy_permission_required — the one place the app checks capabilities."""

from django.contrib.auth.decorators import permission_required
from django.db import models


class PolicyPermission(models.TextChoices):
    VIEW = "policy.view_policyversion"
    CHANGE = "policy.change_policyversion"


def policy_permission_required(permission: PolicyPermission):
    """403 (not a login redirect) for a logged-in user without the permission."""
    return permission_required(PolicyPermission(permission).value, raise_exception=True)
