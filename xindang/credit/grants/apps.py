from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "xindang.credit.grants"
    label = "grants"
    verbose_name = _("Credit grants")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import sections  # noqa: F401 - registers the "grants" policy section
        from .demo import seed_grants
        from .services import register_approval_kind

        register_actions(
            {
                "grant.request": _("Requested credit grant"),
                "grant.activate": _("Credit grant put in force"),
                "grant.reject": _("Credit grant rejected"),
                "grant.withdraw": _("Credit grant withdrawn"),
                "grant.expire": _("Credit grant expired"),
                "grant.notice": _("Downloaded credit grant notice"),
                "grant.export": _("Exported credit grants"),
                "grant.backtest": _("Back-tested a draft policy"),
                "grant.access_denied": _("Access to credit grant refused"),
            },
            groups={"grant": _("Credit grants")},
            object_pages={"grants.creditgrant": "grants:detail"},
        )
        register_approval_kind()
        from xindang.policy.activation import register_activation_check

        from .selectors import backtest_check

        register_activation_check(backtest_check)
        register_demo_step("grants", seed_grants, order=35)
        # Entries posted without a due date fall due after the term of the grant in force.
        from xindang.ledger.services import register_grant_terms

        from .selectors import grant_terms

        register_grant_terms(grant_terms)
        # Grade and limit on the printed customer file (客户资料表).
        from xindang.customers.printout import register_card_section

        from .card import card_section

        register_card_section(card_section)
