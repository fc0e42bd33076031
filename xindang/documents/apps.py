from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "xindang.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from xindang.audit.actions import register_actions

        # The documents section of the company policy (retention, clearance, completeness…).
        from . import sections  # noqa: F401

        register_actions(
            {
                "document.upload": _("Filed document"),
                "document.version_added": _("Uploaded new document version"),
                "document.change": _("Changed document"),
                "document.download": _("Downloaded document"),
                "document.preview": _("Previewed document"),
                "document.print": _("Printed document"),
                "document.export": _("Exported document"),
                "document.download_denied": _("Document access refused"),
                "document.integrity_failed": _("Document failed its checksum"),
                "document.clock_started": _("Started retention clock"),
                "document.fixity_check": _("Checked stored files"),
                "document.view": _("Opened document under a lookup request"),
            },
            groups={"document": _("Documents")},
            object_pages={"documents.document": "documents:detail"},
        )
