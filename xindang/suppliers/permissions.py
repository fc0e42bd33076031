"""Supplier capabilities. Which suppliers a user sees is decided by the customer file
(customers.selectors.visible_customers)."""

from django.db import models

from xindang.accounts.roles import Role


class SupplierPermission(models.TextChoices):
    VIEW = "suppliers.view_supplierselection"
    MANAGE = "suppliers.manage_selection"
    EVALUATE = "suppliers.evaluate_supplier"


_VIEW = ["view_supplierselection", "view_supplierevaluation"]
_MANAGE = [*_VIEW, "manage_selection"]

# 002 篇五 第二条(2): the materials department surveys with technology, design and quality management;
# 第三条(1): the application goes to the market manager (the approver, through the approvals engine).
# The people who keep a file (salespeople, their managers, the credit office) record the steps; the
# managers evaluate the suppliers yearly.
ROLE_GRANTS = {
    Role.SALESPERSON: _MANAGE,
    Role.DEPARTMENT_MANAGER: [*_MANAGE, "evaluate_supplier"],
    Role.CREDIT_MANAGER: [*_MANAGE, "evaluate_supplier"],
    Role.ARCHIVIST: _VIEW,
    Role.MARKETING_MANAGER: [*_VIEW, "evaluate_supplier"],
    Role.FINANCE_CREDIT_CONTROLLER: _VIEW,
    Role.OFFICE_DIRECTOR: _VIEW,
    Role.VP_MARKETING: _VIEW,
    Role.CFO: _VIEW,
    Role.GENERAL_MANAGER: _VIEW,
    Role.CHAIRMAN: _VIEW,
}
