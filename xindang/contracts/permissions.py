"""Contract capabilities, in one place.

Which contracts a user sees is not decided here: a contract is visible iff its customer file is
(customers.selectors.visible_customers, through selectors.visible_contracts).
"""

from django.db import models

from xindang.accounts.roles import Role
from xindang.audit.services import get_or_refuse

from . import rules
from .models import Contract


class ContractPermission(models.TextChoices):
    VIEW = "contracts.view_contract"
    ADD = "contracts.add_contract"
    CHANGE = "contracts.change_contract"
    RECEIVE_HANDOVER = "contracts.receive_handover"
    FILE_TO_ARCHIVE = "contracts.file_to_archive"
    EXPORT_LEDGER = "contracts.export_ledger"
    VIEW_STATISTICS = "contracts.view_statistics"


def handover_permission(stage: str, step: str) -> str | None:
    """The capability needed to do `step` ("hand" or "receive") of a handover `stage`. Stage 1 is
    handed over by the contract's handler (an object rule, checked by the service) and received by a
    credit manager; stage 2 is handed over by a credit manager and received by the archive room."""
    if stage == rules.TO_CREDIT_MANAGER:
        return None if step == "hand" else ContractPermission.RECEIVE_HANDOVER
    return ContractPermission.RECEIVE_HANDOVER if step == "hand" else ContractPermission.FILE_TO_ARCHIVE


_WORK = ["view_contract", "add_contract", "change_contract"]
_READ = ["view_contract", "export_ledger", "view_statistics"]

# The credit (contract) manager keeps the ledger and receives the files (000 4.2; 001
# 客户信用档案建立与管理制度 2–3); the
# archive room files them. Managers and the approval chain read the ledger and the statistics.
ROLE_GRANTS = {
    Role.SALESPERSON: _WORK,
    Role.DEPARTMENT_MANAGER: [*_WORK, "export_ledger", "view_statistics"],
    Role.CREDIT_MANAGER: [*_WORK, "receive_handover", "file_to_archive", "export_ledger", "view_statistics"],
    Role.ARCHIVIST: ["view_contract", "file_to_archive", "export_ledger"],
    Role.MARKETING_MANAGER: _READ,
    Role.FINANCE_CREDIT_CONTROLLER: _READ,
    Role.VP_MARKETING: _READ,
    Role.CFO: _READ,
    Role.GENERAL_MANAGER: _READ,
    Role.CHAIRMAN: _READ,
}


def can_do_step(user, step, action: str, *, handler_id: int, check_object: bool = True) -> bool:
    """May `user` do `action` ("hand" or "receive") of handover `step`? Always the capability; with
    check_object also the state and the object rules the service enforces (only the handler hands a
    file to the credit manager; nobody receives what they handed over) — for showing buttons."""
    perm = handover_permission(step.stage, action)
    if perm is not None and not user.has_perm(perm):
        return False
    if not check_object:
        return True
    if action == "hand":
        if step.status != rules.PENDING:
            return False
        return step.stage != rules.TO_CREDIT_MANAGER or user.pk == handler_id
    return (
        step.status == rules.HANDED
        and rules.receiver_problem(handed_by_id=step.handed_by_id, receiver_id=user.pk) is None
    )


def get_contract_for_user(user, pk, *, request=None, for_update: bool = False) -> Contract:
    """The contract if `user` may see its customer file; otherwise 404 (like a contract that does not
    exist) and the attempt goes into the audit log."""
    # selectors imports this module's permission enum: a top-level import would be a cycle
    from .selectors import visible_contracts

    qs = visible_contracts(user)
    qs = (
        qs.select_for_update()
        if for_update
        else qs.select_related("customer", "department", "handler", "created_by", "updated_by")
    )
    return get_or_refuse(qs, pk, user=user, action="contract.access_denied", request=request)
