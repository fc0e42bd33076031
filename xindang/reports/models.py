"""The analyses keep no data of their own (they read the other apps); this unmanaged model only
carries the app's permissions (a Django permission needs a content type)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Analysis(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        permissions = [
            ("view_sales_analysis", _("Can view the customer and sales analyses")),
            ("view_credit_dashboard", _("Can view the credit dashboard")),
            ("view_yearly_report", _("Can view the yearly credit-management report")),
            ("export_analysis", _("Can export analyses")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
