"""Who may manage users, departments and roles (the admin pages)."""

from .roles import Role

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
AUTH_GRANTS = {Role.SYSTEM_ADMIN: ["add_group", "change_group", "view_group", "view_permission"]}
# audit and policy sit below accounts (they know users only by AUTH_USER_MODEL), so their role grants
# are kept here. Auditors (GM, system administrator) browse the audit log (issue: foundation, 12).
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
