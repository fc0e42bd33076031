"""API keys (issue 5 item 2): one key per integration, stored as the SHA-256 of a random 32-byte
token (only the prefix is kept readable), scoped ("ledger:read", "ledger:write", "credit:check").

Routers accept either a key (header X-API-Key) or the session of a user with the permission:
`auth=[api_key_auth, django_auth]`, then `require_scope(request, scope, permission)` first thing.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from ninja.security import APIKeyHeader

from xindang.accounts.models import ApiKey
from xindang.audit.services import record_event

from .permissions import require

SCOPES = [code for code, _label in ApiKey.SCOPES]
KEY_PREFIX = "xd"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last use is written at most once a minute per key


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def generate_raw_key() -> tuple[str, str]:
    """A new raw key and its prefix: xd_<8 hex>_<43 chars of a 32-byte token>."""
    prefix = secrets.token_hex(4)
    return f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


@transaction.atomic
def create_api_key(*, name: str, scopes, by, request=None) -> tuple[ApiKey, str]:
    """Make a key; returns (key, raw key). The raw key is shown once and never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes: {unknown}")
    raw, prefix = generate_raw_key()
    key = ApiKey.objects.create(
        name=name.strip()[:100],
        prefix=prefix,
        key_hash=hash_key(raw),
        scopes=sorted(set(scopes)),
        created_by=by,
    )
    record_event(
        "api_key.create", actor=by, request=request, obj=key, data={"scopes": key.scopes, "prefix": prefix}
    )
    return key, raw


@transaction.atomic
def revoke_api_key(*, key: ApiKey, by, request=None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by = by
        key.save(update_fields=["revoked_at", "revoked_by"])
        record_event("api_key.revoke", actor=by, request=request, obj=key, data={"prefix": key.prefix})
    return key


def key_for(raw: str | None) -> ApiKey | None:
    """The active key whose hash matches `raw`, or None."""
    if not raw or len(raw) > 200:
        return None
    key = ApiKey.objects.filter(key_hash=hash_key(raw.strip()), revoked_at__isnull=True).first()
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return key


class ApiKeyAuth(APIKeyHeader):
    """Header X-API-Key. A wrong or revoked key is refused (401) even if a session is present."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        found = key_for(key)
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
