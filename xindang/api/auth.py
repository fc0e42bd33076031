"""API keys (issue 5 item 2): one key per integration, stored as the SHA-256 of a random 32-byte
token (only the prefix is kept readable), scoped ("ledger:read", "ledger:write", "credit:check").

Routers accept either a key (header X-API-Key) or the session of a user with the permission:
`auth=[api_key_auth, django_auth]`, then `require_scope(request, scope, permission)` first thing.
"""

from django.core.exceptions import PermissionDenied
from ninja.security import APIKeyHeader

from xindang.accounts.models import ApiKey

# The keys' writes (create, revoke, last use) are accounts services; named here for the routers,
# the admin and the tests.
from xindang.accounts.services import (  # noqa: F401
    SCOPES,
    create_api_key,
    hash_key,
    revoke_api_key,
    use_api_key,
)

from .permissions import require


class ApiKeyAuth(APIKeyHeader):
    """Header X-API-Key. A wrong or revoked key is refused (401) even if a session is present."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        found = use_api_key(key)
        if found is not None:
            request.api_key = found
        return found


api_key_auth = ApiKeyAuth()


def api_key_of(request) -> ApiKey | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


def require_scope(request, scope: str, permission: str) -> None:
    """A key must carry `scope`; a session user must hold `permission`. Otherwise 403."""
    key = api_key_of(request)
    if key is not None:
        if not key.has_scope(scope):
            raise PermissionDenied(scope)
        return
    require(request, permission)
