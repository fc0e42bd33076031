"""Who may write: every write service checks the actor's capability and that the file is one the
actor sees, before its own transaction opens."""

from xindang.core.errors import DomainError

from .. import permissions
from ..errors import CustomerError
from ..permissions import CustomerPermission


def require_capability(by, permission: CustomerPermission) -> None:
    """Every write service checks the actor's capability itself, not only the view or API route that
    calls it: a command, an import or a new caller cannot skip it."""
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(str(permission)):
        raise DomainError(CustomerError.PERMISSION_DENIED, permission=str(permission))


def visible_or_404(by, customer_id, request) -> None:
    """The refusal of a file the actor may not see, audited outside the write's transaction (whose
    rollback would take the audit event with it)."""
    permissions.get_customer_for_user(by, customer_id, request=request)
