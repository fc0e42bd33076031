"""Onboarding capabilities. Which files a user sees is the customers app's rule
(customers.selectors.visible_customers): a card is visible iff its customer file is."""

from django.db import models

from xindang.accounts.roles import Role


class OnboardingPermission(models.TextChoices):
    VIEW = "onboarding.view_transactioncard"
    FILL = "onboarding.change_transactioncard"
    SET_CONDITIONS = "onboarding.set_conditions"
    ASSIGN_CONTACT = "onboarding.add_staffcontact"
    REPORT_CONTACT = "onboarding.add_contactreport"


_READ = ["view_transactioncard"]
_FILL = ["view_transactioncard", "change_transactioncard", "add_contactreport"]

# The salesperson in direct contact builds the file and fills the card (003 篇四 1; 004 客户信息管理制度
# 第十条1(2)); the direct superior, the credit department, the marketing manager and head office review
# and approve it; the manager sets the conditions (第十条2(2): 附加条件的设定由经理…进行) and names the
# staff who keep contact with an important new customer (001 公司客户信息管理办法 七.3).
ROLE_GRANTS = {
    Role.SALESPERSON: _FILL,
    Role.DEPARTMENT_MANAGER: [*_FILL, "set_conditions", "add_staffcontact"],
    Role.CREDIT_MANAGER: [*_FILL, "set_conditions"],
    Role.MARKETING_MANAGER: [*_READ, "set_conditions", "add_staffcontact", "add_contactreport"],
    Role.FINANCE_CREDIT_CONTROLLER: _READ,
    Role.VP_MARKETING: [*_READ, "add_contactreport"],
    Role.CFO: _READ,
    Role.GENERAL_MANAGER: [*_READ, "set_conditions", "add_contactreport"],
    Role.CHAIRMAN: _READ,
    Role.ARCHIVIST: _READ,
}


def has(user, permission: OnboardingPermission) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.has_perm(str(permission))
    )
