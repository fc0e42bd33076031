"""The paper and electronic file through its life in the archive: physical loans (借阅) and loss reports,
the yearly transfer to the archive room with its four-property check, archive statistics."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "xindang.lifecycle"
    label = "lifecycle"
    verbose_name = _("Archive lifecycle")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import (
            errors,  # noqa: F401 - registers the HTTP statuses of the error codes
            sections,  # noqa: F401 - registers the "lifecycle" policy section
        )
        from .demo import seed_lifecycle
        from .services import register_approval_kind

        register_approval_kind()
        register_demo_step("lifecycle", seed_lifecycle, order=60)
        # files in the archive room: read through lookup requests the office director signs (000 4.5)
        from xindang.custody.archived import register_archived_check

        from .selectors import archived_files_q, is_in_archive_room

        register_archived_check(is_in_archive_room, archived_filter=archived_files_q)
        register_actions(
            {
                "lifecycle.loan": _("Lent originals"),
                "lifecycle.return": _("Recorded return of originals"),
                "lifecycle.loan_transferred": _("Handed originals on loan to a new borrower"),
                "lifecycle.loss_report": _("Reported loss or damage of originals"),
                "lifecycle.loss_report_decided": _("Decided a loss or damage report"),
                "lifecycle.slip_print": _("Printed a borrowing slip"),
                "lifecycle.transfer_list": _("Proposed the yearly transfer list"),
                "lifecycle.transfer": _("Recorded a transfer of a file"),
                "lifecycle.statistics": _("Generated archive statistics"),
            },
            groups={"lifecycle": _("Archive lifecycle")},
            object_pages={"lifecycle.loan": "lifecycle:loan"},
        )
