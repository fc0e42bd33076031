"""Deployment checks of the audit chain (shown by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning


def audit_key_check(app_configs=None, **kwargs):
    if not settings.XINDANG_AUDIT_KEY_DERIVED:
        return []
    return [
        CheckWarning(
            "The audit chain's key is derived from XINDANG_SECRET_KEY.",
            hint="Set XINDANG_AUDIT_KEY (or XINDANG_AUDIT_KEY_FILE) to a key of its own, kept outside the "
            "database and its backups, so that rotating the secret key does not touch the audit chain.",
            id="xindang.audit.W001",
        )
    ]
