"""Granting clearances (roles) under the separation of duties (三员分立, GB/T 39784): the system
administrator manages users and settings, the security officer grants clearances and keeps the access
policy, the auditor reads the audit log. Pure functions: no Django."""

# The three duties one person may not hold together, unless the policy combines them (a small company).
DUTY_ROLES = ("system_admin", "security_officer", "auditor")

SELF = "self"
UNKNOWN_ROLE = "unknown_role"
ALREADY_HELD = "already_held"
NOT_HELD = "not_held"
NO_REASON = "no_reason"
INACTIVE = "inactive"
DUTY_CONFLICT = "duty_conflict"


def grant_problem(
    *,
    actor_id: int,
    target_id: int,
    target_active: bool,
    role: str,
    known_roles,
    held,
    reason: str,
    granting: bool,
    combined_duties: bool,
) -> str | None:
    """Why this grant (granting=True) or revocation is refused, or None.

    - nobody changes their own clearances (a security officer does not raise themselves, GB/T 39784);
    - the role must exist, be held to be revoked and not held to be granted;
    - a reason is recorded with every change (who was cleared for what and why);
    - a disabled account is given no new role;
    - one person holds at most one of the administrator, security officer and auditor duties, unless
      the policy combines them (三员分立; a labelled departure for small companies)."""
    if actor_id == target_id:
        return SELF
    if role not in set(known_roles):
        return UNKNOWN_ROLE
    held = set(held)
    if granting and role in held:
        return ALREADY_HELD
    if not granting and role not in held:
        return NOT_HELD
    if not (reason or "").strip():
        return NO_REASON
    if granting and not target_active:
        return INACTIVE
    if granting and not combined_duties and role in DUTY_ROLES and held & (set(DUTY_ROLES) - {role}):
        return DUTY_CONFLICT
    return None
