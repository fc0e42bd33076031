"""Who may manage users, departments and roles (the admin pages), and who grants clearances."""

from django.db import models

from xindang.policy.selectors import current_policy

from .roles import Role


class AccountPermission(models.TextChoices):
    GRANT_ROLES = "accounts.grant_roles"


ROLE_GRANTS = {
    Role.SYSTEM_ADMIN: [
        "add_user",
        "change_user",
        "view_user",
        "delete_user",
        "add_department",
        "change_department",
        "view_department",
        "delete_department",
    ],
    Role.GENERAL_MANAGER: ["view_user", "view_department"],
}
# 三员分立 (GB/T 39784): the security officer grants clearances (roles); the administrator manages the
# accounts but does not, unless the policy combines the duties (may_grant_roles). Applied by migration
# 0005 (0002 applies ROLE_GRANTS, before the permission existed).
CLEARANCE_GRANTS = {Role.SECURITY_OFFICER: ["grant_roles"]}
AUTH_GRANTS = {Role.SYSTEM_ADMIN: ["add_group", "change_group", "view_group", "view_permission"]}
# audit and policy sit below accounts (they know users only by AUTH_USER_MODEL), so their role grants
# are kept here. Auditors (GM, system administrator) browse the audit log.
AUDIT_GRANTS = {Role.GENERAL_MANAGER: ["view_auditevent"], Role.SYSTEM_ADMIN: ["view_auditevent"]}
POLICY_GRANTS = {
    Role.SYSTEM_ADMIN: ["view_policyversion", "add_policyversion", "change_policyversion"],
    **{
        role: ["view_policyversion"]
        for role in (
            Role.GENERAL_MANAGER,
            Role.CHAIRMAN,
            Role.CREDIT_MANAGER,
            Role.CFO,
            Role.VP_MARKETING,
            Role.MARKETING_MANAGER,
            Role.FINANCE_CREDIT_CONTROLLER,
        )
    },
}


def duties_combined() -> bool:
    """The policy's switch for small companies that cannot separate the administrator's, the security
    officer's and the auditor's duties (custody section, combined_admin_duties: a labelled departure).
    Read by name: the custody app that declares it sits above accounts."""
    section = getattr(current_policy(), "custody", None)
    return bool(getattr(section, "combined_admin_duties", False))


def may_grant_roles(user) -> bool:
    """The one check of the clearance screens and services: the security officer (accounts.grant_roles);
    the system administrator only when the policy combines the duties."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(AccountPermission.GRANT_ROLES.value):
        return True
    return user.has_role(Role.SYSTEM_ADMIN) and duties_combined()
