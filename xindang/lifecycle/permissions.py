"""Lifecycle capabilities in one place. Which loans and files a user sees is decided by the customer
file (customers.selectors.visible_customers): a loan is visible iff its file is, or it is the user's."""

from django.db import models

from xindang.accounts.roles import Role


class LifecyclePermission(models.TextChoices):
    VIEW_LOAN = "lifecycle.view_loan"
    RECORD_LOAN = "lifecycle.record_loan"
    VIEW_TRANSFER = "lifecycle.view_transferlist"
    RECORD_TRANSFER = "lifecycle.record_transfer"
    VIEW_STATISTICS = "lifecycle.view_statistics"


_VIEW = ["view_loan", "view_transferlist"]
_KEEPER = [*_VIEW, "record_loan", "record_transfer", "view_statistics"]

# The credit department keeps the originals and lends them (000 客户信息管理办法 三.2–三.3); the archivist
# records the lending time and return date (001 客户信用档案建立与管理制度 6) and keeps the statistics (001
# 档案管理制度及流程 1.6); the credit office receives the yearly transfer (000 4.3). Everyone who sees a
# file sees its loans and transfers; managers see the statistics.
ROLE_GRANTS = {
    Role.SALESPERSON: _VIEW,
    Role.DEPARTMENT_MANAGER: _VIEW,
    Role.CREDIT_MANAGER: _KEEPER,
    Role.ARCHIVIST: _KEEPER,
    Role.MARKETING_MANAGER: _VIEW,
    Role.FINANCE_CREDIT_CONTROLLER: _VIEW,
    Role.OFFICE_DIRECTOR: [*_VIEW, "view_statistics"],
    Role.VP_MARKETING: _VIEW,
    Role.CFO: _VIEW,
    Role.GENERAL_MANAGER: [*_VIEW, "view_statistics"],
    Role.CHAIRMAN: [*_VIEW, "view_statistics"],
}
