"""Analyses and dashboards over the other apps' data (reads only)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xindang.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step
        from xindang.core.errors import register_statuses

        from . import sections  # noqa: F401 - registers the "reports" policy section
        from .demo import seed_history
        from .errors import ReportError

        register_statuses({ReportError.PERMISSION_DENIED: 403})
        register_actions({"reports.export": _("Exported an analysis")}, groups={"reports": _("Analysis")})
        register_demo_step("reports", seed_history, order=60)
