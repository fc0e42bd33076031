from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "xindang.retention"
    label = "retention"
    verbose_name = _("Retention and disposal")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step
        from xindang.core.holds import register_hold_source

        from . import sections  # noqa: F401 - the retention section of the company policy
        from .demo import seed_retention
        from .holds import (
            disputed_statements_source,
            manual_holds_source,
            problem_accounts_source,
            receivables_source,
        )
        from .services import register_approval_kind

        # What keeps a file from destruction and a person's data from erasure (core.holds): manual
        # holds, open receivables, open problem accounts and disputed balances (papers of unsettled debts
        # are not destroyed).
        register_hold_source(manual_holds_source)
        register_hold_source(receivables_source)
        register_hold_source(problem_accounts_source)
        register_hold_source(disputed_statements_source)
        register_approval_kind()
        register_actions(
            {
                "retention.hold_placed": _("Placed a hold"),
                "retention.hold_lifted": _("Lifted a hold"),
                "retention.appraised": _("Appraised a document"),
                "retention.disposal_requested": _("Asked for a destruction"),
                "retention.disposal_approved": _("Destruction approved"),
                "retention.disposal_rejected": _("Destruction not approved"),
                "retention.disposal_witnessed": _("Witnessed a destruction"),
                "retention.disposal_carried_out": _("Destroyed documents"),
            },
            groups={"retention": _("Retention and disposal")},
            object_pages={
                "retention.manualhold": "retention:hold",
                "retention.disposal": "retention:disposal",
            },
        )
        register_demo_step("retention", seed_retention, order=70)
