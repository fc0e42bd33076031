"""Hooks through which a module above documents widens or qualifies reading (custody's lookup
requests, 查阅申请; seed 001 档案管理制度及流程2 1.5). Registered in the higher app's ready(); no module
here knows custody.

- read grants: fn(user) -> Q over Document (or None): documents the user may read whatever their
  level clearance (an approved lookup request's documents, what the user filed).
- read contexts: fn(user, document) -> dict or None: the lookup request a read happens under
  ({"lookup_request": id, "purpose": "…"}), recorded with the read.
- original gates: fn(user, document) -> bool: may an original that cannot be watermarked be handed to
  this reader (False refuses it; without a gate the original is handed out as before).
- use checks: fn(user, document, use) -> bool, use one of USES: viewing, downloading, printing and
  exporting are separate rights (as in Mayan EDMS); False refuses that use (custody: a reader under a
  lookup request uses a document only as the request's approved rights say).
"""

from collections.abc import Callable

from django.db.models import Q

_READ_GRANTS: list[Callable[[object], Q | None]] = []
_READ_CONTEXTS: list[Callable[[object, object], dict | None]] = []
_ORIGINAL_GATES: list[Callable[[object, object], bool]] = []
_USE_CHECKS: list[Callable[[object, object, str], bool]] = []
USES = ("view", "download", "print", "export")


def register_read_grant(fn: Callable[[object], Q | None]) -> None:
    if fn not in _READ_GRANTS:
        _READ_GRANTS.append(fn)


def register_read_context(fn: Callable[[object, object], dict | None]) -> None:
    if fn not in _READ_CONTEXTS:
        _READ_CONTEXTS.append(fn)


def register_original_gate(fn: Callable[[object, object], bool]) -> None:
    if fn not in _ORIGINAL_GATES:
        _ORIGINAL_GATES.append(fn)


def register_use_check(fn: Callable[[object, object, str], bool]) -> None:
    if fn not in _USE_CHECKS:
        _USE_CHECKS.append(fn)


def may_use(user, document, use: str) -> bool:
    if use not in USES:
        raise ValueError(f"unknown use: {use}")
    return all(check(user, document, use) for check in _USE_CHECKS)


def granted_filter(user) -> Q | None:
    """The documents registered modules open to `user` beyond their clearance; None = none."""
    if user is None or not user.is_authenticated:
        return None
    cond = None
    for fn in _READ_GRANTS:
        q = fn(user)
        if q is not None:
            cond = q if cond is None else cond | q
    return cond


def read_context(user, document) -> dict:
    for fn in _READ_CONTEXTS:
        ctx = fn(user, document)
        if ctx:
            return dict(ctx)
    return {}


def may_release_original(user, document) -> bool:
    return all(gate(user, document) for gate in _ORIGINAL_GATES)
