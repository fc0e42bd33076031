"""Who may write the ledger: each write service checks the person's capability itself."""

from xindang.core.errors import DomainError

from ..errors import LedgerError


def require_capability(by, permission: str) -> None:
    """A write service checks a person's capability itself, whoever calls it. No
    person (by=None) is an integration or a scheduled job: the API checks a key's scope, commands run
    as the system."""
    if by is None:
        return
    if not getattr(by, "is_authenticated", False) or not by.has_perm(str(permission)):
        raise DomainError(LedgerError.PERMISSION_DENIED, permission=str(permission))
