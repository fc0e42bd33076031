"""Collection capabilities.

Which customers' collection work a user sees is not decided here: it is visible iff the customer
file is (customers.selectors.visible_customers). Salespeople see their own files, department
managers their department's, the credit manager and the company's management all.
"""

from django.db import models

from xindang.accounts.roles import Role
from xindang.customers.permissions import get_customer_for_user

from . import rules


class CollectionPermission(models.TextChoices):
    VIEW = "collection.view_collectionrecord"
    ADD_RECORD = "collection.add_collectionrecord"
    ADD_PROMISE = "collection.add_paymentpromise"
    COMPLETE_ANOMALY = "collection.change_anomalyreport"
    WRITE_PROBLEM = "collection.change_problemaccountreport"
    REVIEW_PROBLEM = "collection.review_problemaccountreport"
    ADD_DANGER = "collection.add_dangerreport"
    DECIDE_DANGER = "collection.decide_dangerreport"
    SUSPEND = "collection.suspend_trade"
    VIEW_AGEING = "collection.view_ageing"
    EXPORT = "collection.export_collection"
    MANAGE_ALL = "collection.manage_all_collection"
    VIEW_STATEMENT = "collection.view_balancestatement"
    ADD_STATEMENT = "collection.add_balancestatement"  # issue a statement, record the customer's answer
    RESOLVE_STATEMENT = "collection.change_balancestatement"  # resolve a disputed balance


_WORK = [
    "view_collectionrecord",
    "add_collectionrecord",
    "add_paymentpromise",
    "change_anomalyreport",
    "change_problemaccountreport",
    "add_dangerreport",
    "view_ageing",
]
_READ = ["view_collectionrecord", "view_ageing", "export_collection"]
_MANAGER = [
    *_WORK,
    "review_problemaccountreport",
    "decide_dangerreport",
    "suspend_trade",
    "export_collection",
]

# Salespeople chase their own customers and complete the reports (000 客户信息管理办法 二.7); department
# managers,
# the marketing manager and the GM give instructions (004 客户信息管理制度 第七条 2(3)) and may stop trade;
# the credit
# manager does all of it for every file; finance and the board read.
ROLE_GRANTS = {
    Role.SALESPERSON: _WORK,
    Role.DEPARTMENT_MANAGER: _MANAGER,
    Role.MARKETING_MANAGER: _MANAGER,
    Role.GENERAL_MANAGER: _MANAGER,
    Role.CREDIT_MANAGER: [*_MANAGER, "manage_all_collection"],
    Role.FINANCE_CREDIT_CONTROLLER: _READ,
    Role.VP_MARKETING: _READ,
    Role.CFO: _READ,
    Role.CHAIRMAN: _READ,
}

# Balance statements (对帐, 002 第三十五条) are granted by migration 0005_statement_permissions (the
# models came after 0002 filled ROLE_GRANTS): salespeople issue statements and record the answer;
# managers, the credit manager and the finance credit controller also resolve differences; the
# board reads.


def may_complete(user, report) -> bool:
    """The salesperson a triggered report is assigned to completes it — or the customer's owner, or
    the credit manager (all)."""
    if user.has_perm(CollectionPermission.MANAGE_ALL):
        return True
    return user.pk in (report.assigned_to_id, report.customer.owner_id)


def may_sign_line(user, report, line: str) -> bool:
    """Who signs each line of a printed report: the salesperson the report is for (or the file's
    owner), a department manager of the customer's department, a credit manager."""

    if line == rules.SIGN_SALESPERSON:
        return user.pk in (report.assigned_to_id, report.customer.owner_id)
    if line == rules.SIGN_DEPARTMENT_MANAGER:
        return user.has_role(Role.DEPARTMENT_MANAGER) and user.department_id == report.customer.department_id
    if line == rules.SIGN_CREDIT_MANAGER:
        return user.has_role(Role.CREDIT_MANAGER)
    return False


def get_customer_for_request(request, pk):
    """The customer file a collection page works on, if the requesting user may see it; otherwise
    404 (the answer for a file that does not exist) and the attempt goes into the audit log — the
    one access decision of the collection pages (customers.permissions.get_customer_for_user)."""
    return get_customer_for_user(request.user, pk, request=request)
