"""Credit (investigation and rating) capabilities, in one place (issue 4 items 5–9).

Which customers a user sees is not decided here: customers.selectors.visible_customers is the rule.
"""

from django.db import models

from xindang.accounts.roles import Role


class CreditPermission(models.TextChoices):
    VIEW = "credit.view_investigation"
    ADD = "credit.add_investigation"
    CHANGE = "credit.change_investigation"
    REVIEW = "credit.review_investigation"
    FILE = "credit.file_investigation"
    EXPORT = "credit.export_credit"
    VIEW_RATING = "credit.view_rating"
    PROPOSE = "credit.propose_rating"
    OVERRIDE = "credit.override_rating"


_READ = ["view_investigation", "view_rating", "export_credit"]
_WRITE = ["view_investigation", "add_investigation", "change_investigation", "view_rating"]

# 002 第十条: the salesperson (业务主管) fills in the form, the department manager reviews it (the policy's
# investigation_reviewer_roles decide who may; REVIEW only opens the screen), the finance department
# files it (财务部门备案); 第十一条: the review looks for contradictions;
# 第十九条: the marketing manager rates with the salesperson and the finance credit controller.
ROLE_GRANTS = {
    Role.SALESPERSON: _WRITE,
    Role.DEPARTMENT_MANAGER: [*_WRITE, "review_investigation", "export_credit", "propose_rating"],
    Role.CREDIT_MANAGER: [
        *_WRITE,
        "review_investigation",
        "export_credit",
        "propose_rating",
        "override_rating",
    ],
    Role.MARKETING_MANAGER: [*_READ, "review_investigation", "propose_rating", "override_rating"],
    Role.FINANCE_CREDIT_CONTROLLER: [*_READ, "review_investigation"],
    Role.ARCHIVIST: ["view_investigation", "view_rating"],
    Role.VP_MARKETING: _READ,
    Role.CFO: _READ,
    Role.GENERAL_MANAGER: _READ,
    Role.CHAIRMAN: _READ,
}

# Granted by a later migration (0004), after the permission existed: 002 第十条 财务部门备案.
FILE_GRANTS = {
    Role.FINANCE_CREDIT_CONTROLLER: ["file_investigation"],
    Role.CFO: ["file_investigation"],
}
