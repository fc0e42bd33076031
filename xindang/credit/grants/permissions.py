"""Credit-grant capabilities, in one place.

Which grants a user sees is not decided here: a grant is visible iff its customer file is
(customers.selectors.visible_customers, through selectors.visible_grants).
"""

from django.db import models

from xindang.accounts.roles import Role
from xindang.audit.services import get_or_refuse

from .models import CreditGrant


class GrantPermission(models.TextChoices):
    VIEW = "grants.view_creditgrant"
    REQUEST = "grants.request_grant"
    EXPORT = "grants.export_grants"
    PRINT_NOTICE = "grants.print_notice"
    BACKTEST = "grants.run_backtest"


_READ = ["view_creditgrant", "export_grants", "print_notice"]

# The salesperson / department manager / credit manager / marketing manager propose grants (第二十七条:
# 由营销部经理上报); the approvers and finance read them and print the notice; the policy editors
# (system administrator) and the credit manager back-test a draft policy.
ROLE_GRANTS = {
    Role.SALESPERSON: ["view_creditgrant", "request_grant", "print_notice"],
    Role.DEPARTMENT_MANAGER: [*_READ, "request_grant"],
    Role.CREDIT_MANAGER: [*_READ, "request_grant", "run_backtest"],
    Role.MARKETING_MANAGER: [*_READ, "request_grant", "run_backtest"],
    Role.FINANCE_CREDIT_CONTROLLER: _READ,
    Role.VP_MARKETING: [*_READ, "run_backtest"],
    Role.CFO: [*_READ, "run_backtest"],
    Role.GENERAL_MANAGER: [*_READ, "run_backtest"],
    Role.CHAIRMAN: _READ,
    Role.SYSTEM_ADMIN: ["view_creditgrant", "run_backtest"],
}


def get_grant_for_user(user, pk, *, request=None) -> CreditGrant:
    """The grant if `user` may see its customer file; otherwise 404 and the attempt is audited."""
    # selectors imports this module's permission enum: a top-level import would be a cycle
    from .selectors import visible_grants

    qs = visible_grants(user).select_related("customer", "requested_by", "approval", "replaces")
    return get_or_refuse(qs, pk, user=user, action="grant.access_denied", request=request)
