"""Approval capabilities. Who sees which request is an object rule (selectors.visible_approvals):
the requester, holders of any role of its chain, whoever acted on it, and view-all holders."""

from django.db import models

from xindang.accounts.roles import Role
from xindang.audit.services import get_or_refuse

from .models import ApprovalRequest


class ApprovalPermission(models.TextChoices):
    VIEW = "approvals.view_approvalrequest"
    VIEW_ALL = "approvals.view_all_approvals"


# Everybody may open the approvals page (they see only their own and those they sign). The GM, the
# chairman, the system administrator and the credit manager (who keeps the credit files) see all;
# auditors (audit.view_auditevent) see all too (selectors.can_view_all).
ROLE_GRANTS = {role: ["view_approvalrequest"] for role in Role.values}
for _role in (Role.GENERAL_MANAGER, Role.CHAIRMAN, Role.SYSTEM_ADMIN, Role.CREDIT_MANAGER):
    ROLE_GRANTS[_role] = ["view_approvalrequest", "view_all_approvals"]


def get_approval_for_user(user, pk, *, request=None) -> ApprovalRequest:
    """The request if `user` may see it; otherwise 404 (like one that does not exist), audited."""
    # selectors imports this module's permission enum: a top-level import would be a cycle
    from .selectors import visible_approvals, with_trail

    return get_or_refuse(
        with_trail(visible_approvals(user)), pk, user=user, action="approval.access_denied", request=request
    )
