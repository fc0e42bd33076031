from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportError(models.TextChoices):
    PERMISSION_DENIED = "reports.permission_denied", _("You may not export analyses.")
    NO_PURPOSE = "reports.no_purpose", _("Say what the export is for.")
    BAD_FORMAT = "reports.bad_format", _("Exports are .xlsx or PDF.")
