from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "xindang.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self):
        # The documents section of the company policy (retention, clearance, completeness…).
        from . import sections  # noqa: F401
