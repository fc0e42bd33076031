from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditControlConfig(AppConfig):
    name = "xindang.credit.control"
    label = "credit_control"
    verbose_name = _("Credit control")
