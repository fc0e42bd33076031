from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xindang.accounts"
    label = "accounts"
    verbose_name = _("Users and departments")

    def ready(self):
        from xindang.policy.labels import register_value_labels

        from .roles import Role

        # approval chains in the policy are lists of role codes: shown by the roles' names
        register_value_labels(dict(Role.choices))
