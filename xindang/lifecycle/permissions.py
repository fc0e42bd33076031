"""Lifecycle capabilities in one place. Which loans and files a user sees is decided by the customer
file (customers.selectors.visible_customers): a loan is visible iff its file is, or it is the user's."""

from django.db import models
from django.http import Http404

from xindang.accounts.roles import Role
from xindang.customers.permissions import get_customer_for_user

from .models import Loan


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


def get_loan_audited(user, pk, *, request=None) -> Loan:
    """get_loan_for_user, and a loan of a file out of the user's sight (not their own) is refused as
    its file is: 404 and an audited refusal (customers.permissions.get_customer_for_user)."""
    # selectors imports this module's permission enum: a top-level import would be a cycle
    from .selectors import get_loan_for_user, visible_loans

    owner = (
        Loan.objects.filter(pk=pk).values_list("customer_id", flat=True).first()
        if 0 < int(pk) < 2**63
        else None
    )
    if owner is None:
        raise Http404
    if not visible_loans(user).filter(pk=pk).exists():
        get_customer_for_user(user, owner, request=request)
    return get_loan_for_user(user, pk)
