from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "xindang.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from xindang.approvals.registry import register_panel
        from xindang.audit.actions import register_actions

        from . import errors, sections  # noqa: F401 - registers the error statuses and the policy section
        from .panels import card_approval_panel
        from .services import APPROVAL_KIND, register_approval_kind

        register_actions(
            {
                "onboarding.card_save": _("Filled in a transaction card"),
                "onboarding.card_submit": _("Submitted a transaction card"),
                "onboarding.card_approve": _("Transaction card approved"),
                "onboarding.card_reject": _("Transaction card rejected"),
                "onboarding.card_return": _("Transaction card returned"),
                "onboarding.conditions": _("Set the conditions of trade"),
                "onboarding.staff_contact": _("Named a staff contact"),
                "onboarding.contact_report": _("Filed a contact report"),
                "onboarding.card_print": _("Printed a transaction card"),
            },
            groups={"onboarding": _("New customers")},
        )
        register_approval_kind()
        register_panel(APPROVAL_KIND, card_approval_panel)
        from xindang.core.demo import register_demo_step

        from .demo import seed_demo

        register_demo_step("onboarding", seed_demo, order=70)
