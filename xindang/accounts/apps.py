from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xindang.accounts"
    label = "accounts"
    verbose_name = _("Users and departments")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.policy.labels import register_value_labels

        from .roles import Role

        # approval chains in the policy are lists of role codes: shown by the roles' names
        register_value_labels(dict(Role.choices))
        register_actions(
            {
                "auth.otp_setup": _("Set up two-factor authentication"),
                "auth.otp_removed": _("Removed two-factor authentication"),
                "auth.otp_passed": _("Entered a correct two-factor code"),
                "auth.otp_failed": _("Entered a wrong two-factor code"),
                "clearance.grant": _("Granted a role (clearance)"),
                "clearance.revoke": _("Revoked a role (clearance)"),
            },
            groups={"clearance": _("Clearances")},
        )
