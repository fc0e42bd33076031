from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from .checks import audit_key_check


class AuditConfig(AppConfig):
    name = "xindang.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        checks.register(audit_key_check, checks.Tags.security, deploy=True)
