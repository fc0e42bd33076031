"""Which uses must state their purpose (seed 003 篇一 二.4, 篇五 第五条: every use of the file records
its purpose and content). The rule is company policy owned by a higher module (custody), registered
here in its AppConfig.ready(); screens below it (customer export, document download) ask
purpose_required() and, when it says so, ask the user for the purpose before they act and record it
in the audit event (AuditEvent.purpose).

fn(user, action) -> bool, action an audit action code ("document.download", "customer.export").
Without a registered rule no purpose is asked.
"""

from collections.abc import Callable

_RULES: list[Callable[[object, str], bool]] = []


def register_purpose_rule(fn: Callable[[object, str], bool]) -> None:
    if fn not in _RULES:
        _RULES.append(fn)


def purpose_required(user, action: str) -> bool:
    return any(rule(user, action) for rule in _RULES)


def stated_purpose(params) -> str:
    """The purpose a user typed (query string or form), trimmed to what the audit log keeps."""
    return (params.get("purpose") or "").strip()[:255]
