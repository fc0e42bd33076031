"""Custody capabilities and which roles hold them.

Who sees which lookup request is not a permission: the reader sees their own, an approver the ones
their role signs (through the approval), the keepers of every file (credit managers, archivists, the
GM) all, and anyone who may see the file its history (selectors.visible_requests)."""

from django.db import models

from xindang.accounts.roles import Role


class CustodyPermission(models.TextChoices):
    VIEW = "custody.view_lookuprequest"
    REQUEST = "custody.add_lookuprequest"
    VIEW_ALL = "custody.view_all_lookups"


_ASK = ["view_lookuprequest", "add_lookuprequest"]
_ALL = [*_ASK, "view_all_lookups"]

# Everyone who works with files may ask to read one (查阅申请); the keepers of all files and the approvers
# of level 1/2 and archived lookups see every request. The system administrator reads no file (三员分立).
ROLE_GRANTS = {
    Role.SALESPERSON: _ASK,
    Role.DEPARTMENT_MANAGER: _ASK,
    Role.CREDIT_MANAGER: _ALL,
    Role.ARCHIVIST: _ALL,
    Role.MARKETING_MANAGER: _ASK,
    Role.FINANCE_CREDIT_CONTROLLER: _ASK,
    Role.SERVICE_AGENT: _ASK,
    Role.SERVICE_SUPERVISOR: _ASK,
    Role.OFFICE_DIRECTOR: _ALL,
    Role.VP_MARKETING: _ASK,
    Role.CFO: _ASK,
    Role.GENERAL_MANAGER: _ALL,
    Role.CHAIRMAN: _ALL,
    Role.ARCHIVE_LEADER: _ALL,
    Role.SECURITY_OFFICER: ["view_lookuprequest", "view_all_lookups"],
    Role.AUDITOR: ["view_lookuprequest", "view_all_lookups"],
}


# 三员分立 (GB/T 39784): the auditor reads the audit log only; the security officer keeps the access
# policy (the company policy, where clearances and lookup approvers are set). Granted by custody's
# migration to the audit and policy apps' permissions.
DUTY_GRANTS = {
    "audit": {Role.AUDITOR: ["view_auditevent"]},
    "policy": {Role.SECURITY_OFFICER: ["view_policyversion", "add_policyversion", "change_policyversion"]},
}


def get_lookup_for_user(user, pk, *, request=None):
    """The lookup request if `user` may see it (selectors.visible_requests); otherwise 404 — the same
    answer as for one that does not exist — and the attempt goes into the audit log."""
    from xindang.audit.services import get_or_refuse

    from .selectors import visible_requests

    return get_or_refuse(
        visible_requests(user), pk, user=user, action="lookup.access_denied", request=request
    )
