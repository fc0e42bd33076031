"""Credit-grant capabilities (issue 4 items 10–13), in one place.

Which grants a user sees is not decided here: a grant is visible iff its customer file is
(customers.selectors.visible_customers, through selectors.visible_grants).
"""

from django.db import models

from xindang.accounts.roles import Role


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
