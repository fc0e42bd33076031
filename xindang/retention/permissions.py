"""Retention capabilities (checked at the view and API edge) and which roles hold them. Which files a
user sees is the customer file's visibility (customers.selectors), as everywhere."""

from django.db import models

from xindang.accounts.roles import Role


class RetentionPermission(models.TextChoices):
    VIEW_HOLDS = "retention.view_manualhold"
    PLACE_HOLD = "retention.add_manualhold"
    LIFT_HOLD = "retention.change_manualhold"
    APPRAISE = "retention.add_appraisal"
    VIEW_REGISTER = "retention.view_disposal"
    REQUEST_DISPOSAL = "retention.add_disposal"
    WITNESS = "retention.witness_disposal"
    CARRY_OUT = "retention.carry_out_disposal"


_SEE = ["view_manualhold"]
_REGISTER = ["view_manualhold", "view_appraisal", "view_disposal"]
_HOLDS = ["add_manualhold", "change_manualhold"]
_WITNESS = ["witness_disposal"]
_ARCHIVE = ["add_appraisal", "add_disposal", "carry_out_disposal"]

# The archivist keeps the archive: places holds, appraises, asks for destruction and carries it out
# (001 档案管理制度及流程2 1.6: 行政人力部 鉴定、销毁). The credit manager places holds too (disputes and
# litigation reach them first). The GM approves through the approvals engine; witnesses are people
# of the archive, credit and finance offices. Salespeople and their managers see holds on their files.
ROLE_GRANTS = {
    Role.SALESPERSON: _SEE,
    Role.DEPARTMENT_MANAGER: _SEE,
    Role.ARCHIVIST: [*_REGISTER, *_HOLDS, *_WITNESS, *_ARCHIVE],
    Role.CREDIT_MANAGER: [*_REGISTER, *_HOLDS, *_WITNESS],
    Role.FINANCE_CREDIT_CONTROLLER: [*_REGISTER, *_WITNESS],
    Role.OFFICE_DIRECTOR: [*_REGISTER, *_WITNESS],
    Role.GENERAL_MANAGER: [*_REGISTER, *_WITNESS],
    Role.CFO: _REGISTER,
    Role.CHAIRMAN: _REGISTER,
}
