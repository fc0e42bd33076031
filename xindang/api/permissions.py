from django.core.exceptions import PermissionDenied


def require(request, permission: str) -> None:
    """The API's one permission gate: every handler calls it first."""
    user = request.user
    if not user.is_authenticated or not user.has_perm(str(permission)):
        raise PermissionDenied(str(permission))
