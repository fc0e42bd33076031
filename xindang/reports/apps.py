"""Analyses and dashboards over the other apps' data (reads only)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xindang.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.daily import register_daily_job
        from xindang.core.demo import register_demo_step
        from xindang.core.errors import register_statuses

        from . import sections  # noqa: F401 - registers the "reports" policy section
        from .demo import seed_history
        from .errors import ReportError

        register_statuses({ReportError.PERMISSION_DENIED: 403})
        register_actions({"reports.export": _("Exported an analysis")}, groups={"reports": _("Analysis")})
        register_demo_step("reports", seed_history, order=60)
        register_daily_job("reports", _refresh_facts, order=50)
        from xindang.core.tasks import register_on_interrupted

        from .services import build_export, release_interrupted_exports

        register_on_interrupted(build_export, release_interrupted_exports)


def _refresh_facts(today) -> str:
    from .services import refresh_monthly_facts

    rows = refresh_monthly_facts(today=today)
    return f"dashboard facts of the closed months stored ({rows} rows)"
