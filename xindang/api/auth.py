"""API keys: one key per integration, stored as the SHA-256 of a random 32-byte
token (only the prefix is kept readable), scoped ("ledger:read", "ledger:write", "credit:check").

Routers accept either a key (header X-API-Key) or the session of a user with the permission:
`auth=[api_key_auth, session_auth]`, then `user, key = require_scope(request, scope, permission)`
first thing: the one check of who calls (a key acts for its integration, user None; a session user,
key None).
A request that carries a key which is wrong or revoked is refused (401) on every route, even with a
valid session beside it: an integration whose key was revoked must stop, not carry on as whoever's
browser session happens to share the cookie jar.
"""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, SessionAuth

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

    def _get_key(self, request):
        # The header from the WSGI environ directly: request.headers copies every header first.
        return request.META.get("HTTP_X_API_KEY")

    def authenticate(self, request, key):
        if key is None:  # no key sent: the session decides
            return None
        found = use_api_key(key)
        if found is None:
            raise AuthenticationError(401, "invalid or revoked API key")
        request.api_key = found
        return found


class KeyCheckingSessionAuth(SessionAuth):
    """The session, unless the request also carries an X-API-Key that is wrong or revoked (401)."""

    def authenticate(self, request, key):
        sent = request.headers.get(ApiKeyAuth.param_name)
        if (
            sent is not None
            and not ApiKey.objects.filter(key_hash=hash_key(sent.strip()), revoked_at__isnull=True).exists()
        ):
            raise AuthenticationError(401, "invalid or revoked API key")
        return super().authenticate(request, key)


api_key_auth = ApiKeyAuth()
session_auth = KeyCheckingSessionAuth()


def api_key_of(request) -> ApiKey | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


class Caller(NamedTuple):
    """Who calls: a session user (api_key None) or an API key (user None; the person on record for
    what a key asks is its creator, api_key.created_by)."""

    user: object | None
    api_key: ApiKey | None


def require_scope(request, scope: str, permission: str) -> Caller:
    """A key must carry `scope`; a session user must hold `permission`. Otherwise 403."""
    key = api_key_of(request)
    if key is not None:
        if not key.has_scope(scope):
            raise PermissionDenied(scope)
        return Caller(None, key)
    require(request, permission)
    return Caller(request.user, None)
