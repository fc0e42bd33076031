from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "xindang.ledger"
    label = "ledger"
    verbose_name = _("Trade ledger")

    def ready(self):
        from xindang.approvals import register
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import (
            sections,  # noqa: F401 - registers the "ledger" policy section
            services,
        )
        from .columns import register_list_columns
        from .demo import seed_ledger

        register_list_columns()  # exposure and overdue columns of the customer list
        from xindang.core.working_files import WorkingFiles, register_working_files

        from .models import LedgerImport

        S = LedgerImport.Status
        register_working_files(
            WorkingFiles(LedgerImport, waiting=S.PREVIEWED, failed=S.FAILED, busy=(S.CHECKING, S.POSTING))
        )
        from xindang.core.tasks import register_on_interrupted

        from . import importing

        # a batch post whose worker died goes back to "previewed" (nothing of it was posted)
        register_on_interrupted(
            importing.post_ledger_import,
            lambda runs: importing.release_interrupted(batch_ids=[run[0] for run in runs if run]),
        )
        register_on_interrupted(
            importing.check_ledger_import,
            lambda runs: importing.release_interrupted_checks(batch_ids=[run[0] for run in runs if run]),
        )
        register_demo_step("ledger", seed_ledger, order=30)
        register(
            services.WRITE_OFF_KIND,
            on_approved=services.on_write_off_approved,
            on_rejected=services.on_write_off_rejected,
            on_returned=services.on_write_off_returned,
            on_withdrawn=services.on_write_off_rejected,
            label=_("Write-off (bad debt)"),
        )

        register_actions(
            {
                "ledger.post": _("Posted trade entry"),
                "ledger.post_batch": _("Posted trade entries (batch)"),
                "ledger.import_preview": _("Previewed trade entry import"),
                "ledger.import": _("Imported trade entries"),
                "ledger.import_interrupted": _("Interrupted: nothing was saved"),
                "ledger.reservation_release": _("Released credit reservation"),
                "ledger.exposure_fixed": _("Corrected maintained exposure"),
                "ledger.write_off_request": _("Requested write-off"),
                "ledger.export": _("Exported the ledger"),
                "api_key.create": _("Created API key"),
                "api_key.revoke": _("Revoked API key"),
            },
            groups={"ledger": _("Trade ledger"), "api_key": _("API keys")},
            object_pages={"ledger.tradeentry": "ledger:entry"},
        )
