"""Analysis capabilities, in one place. Which customers an analysis covers is not decided here: always
the files the user sees (customers.selectors.visible_customers) — a salesperson their own, a
department manager the department's, the credit manager and the management all."""

from django.db import models

from xindang.accounts.roles import Role


class ReportPermission(models.TextChoices):
    VIEW_SALES = "reports.view_sales_analysis"
    VIEW_CREDIT = "reports.view_credit_dashboard"
    VIEW_YEARLY = "reports.view_yearly_report"
    EXPORT = "reports.export_analysis"


# slug → the permission that shows it (and lets its export be run)
VIEW_PERMISSION = {
    "composition": ReportPermission.VIEW_SALES,
    "abc": ReportPermission.VIEW_SALES,
    "sales": ReportPermission.VIEW_SALES,
    "credit": ReportPermission.VIEW_CREDIT,
    "yearly": ReportPermission.VIEW_YEARLY,
}

_ALL = ["view_sales_analysis", "view_credit_dashboard", "view_yearly_report", "export_analysis"]

# 004 客户信息管理制度 第三条: salespeople analyse the customers they are responsible for; managers
# their department's; the credit manager writes the yearly analysis report (000 合同 4) which the
# management reads.
ROLE_GRANTS = {
    Role.SALESPERSON: ["view_sales_analysis", "export_analysis"],
    Role.DEPARTMENT_MANAGER: ["view_sales_analysis", "view_credit_dashboard", "export_analysis"],
    Role.CREDIT_MANAGER: _ALL,
    Role.MARKETING_MANAGER: _ALL,
    Role.FINANCE_CREDIT_CONTROLLER: _ALL,
    Role.VP_MARKETING: _ALL,
    Role.CFO: _ALL,
    Role.GENERAL_MANAGER: _ALL,
    Role.CHAIRMAN: _ALL,
}
