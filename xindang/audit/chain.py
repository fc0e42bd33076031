"""What the hash chain covers and the keys that verify it: read by the writing service and by the
integrity check (selectors) alike."""

from django.conf import settings

from .models import AuditEvent
from .rules import key_id


def chain_keys() -> dict[str, bytes]:
    """Key id → key for verifying: the current key and the retired ones (settings)."""
    keys = [settings.XINDANG_AUDIT_KEY, *settings.XINDANG_AUDIT_RETIRED_KEYS]
    return {key_id(key): key for key in keys}


def hashed_fields(event: AuditEvent) -> dict:
    """The fields covered by the hash, as stored (verify_audit recomputes from the same). The key id
    is covered when present; events written before keying hash as they always did."""
    fields = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "purpose": event.purpose,
        "data": event.data,
    }
    if getattr(event, "key_id", ""):
        fields["key_id"] = event.key_id
    return fields
