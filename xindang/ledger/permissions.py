"""Ledger capabilities, in one place. Which entries a user sees follows the customer files they see
(customers.selectors.visible_customers)."""

from django.db import models

from xindang.accounts.roles import Role


class LedgerPermission(models.TextChoices):
    VIEW = "ledger.view_tradeentry"
    POST = "ledger.post_tradeentry"
    IMPORT = "ledger.import_tradeentry"
    REVERSE = "ledger.reverse_tradeentry"
    REQUEST_WRITE_OFF = "ledger.request_write_off"
    EXPORT = "ledger.export_tradeentry"
    RECONCILE = "ledger.reconcile_exposure"


_READ = ["view_tradeentry", "export_tradeentry"]
_BOOK = [*_READ, "post_tradeentry", "import_tradeentry", "reverse_tradeentry", "request_write_off"]

# Finance keeps the ledger (002 第四十条: finance provides the trade figures); the credit manager
# and the finance credit controller post and correct; salespeople and managers read their files'
# ledgers; the approval chain reads.
ROLE_GRANTS = {
    Role.SALESPERSON: ["view_tradeentry"],
    Role.DEPARTMENT_MANAGER: _READ,
    Role.CREDIT_MANAGER: _BOOK,
    Role.FINANCE_CREDIT_CONTROLLER: [*_BOOK, "reconcile_exposure"],
    Role.MARKETING_MANAGER: _READ,
    Role.VP_MARKETING: _READ,
    Role.CFO: [*_READ, "reconcile_exposure"],
    Role.GENERAL_MANAGER: _READ,
    Role.CHAIRMAN: _READ,
    Role.SYSTEM_ADMIN: ["view_tradeentry", "reconcile_exposure"],
}
