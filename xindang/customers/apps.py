from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "xindang.customers"
    label = "customers"
    verbose_name = _("Customer files")

    def ready(self):
        from xindang.core.tasks import register_on_interrupted
        from xindang.core.working_files import WorkingFiles, register_working_files

        from . import relations, search_index
        from .importing.services import (
            import_confirmed_batch,
            preview_stored_batch,
            release_interrupted,
            release_interrupted_checks,
        )
        from .models import ImportBatch

        # an import whose worker died goes back to "previewed" (nothing of it was saved); one that
        # died after its commit may have left customers out of the search index (SQLite)
        register_on_interrupted(
            import_confirmed_batch,
            lambda runs: (
                release_interrupted(batch_ids=[run[0] for run in runs if run]),
                search_index.index_missing(),
            ),
        )
        # a preview whose worker died fails at once, saying so (nothing was saved)
        register_on_interrupted(
            preview_stored_batch,
            lambda runs: release_interrupted_checks(batch_ids=[run[0] for run in runs if run]),
        )
        S = ImportBatch.Status
        files = WorkingFiles(
            ImportBatch, waiting=S.PREVIEWED, failed=S.FAILED, busy=(S.CHECKING, S.IMPORTING)
        )
        register_working_files(files)
        relations.connect()  # related parties: the stored keys follow every save
        from . import list_options

        list_options.connect()  # the list's cached filter options follow their sources
        from xindang.audit.actions import register_actions

        register_actions(
            {
                "customer.export_share_refused": _("Export for an outside party refused (no consent)"),
                "customer.not_related": _("Marked customers as not related"),
                "customer.not_related_revoked": _("Revoked a not-related finding"),
            }
        )
