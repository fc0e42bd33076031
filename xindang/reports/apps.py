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
        register_daily_job("reports_snapshot", _refresh_snapshot, order=51)
        register_daily_job("reports_sales", _refresh_sales, order=49)
        register_daily_job("reports_year_end", _refresh_year_end, order=52)
        register_daily_job("reports_abc", _refresh_abc, order=53)  # after the snapshots: reads them
        from xindang.core.tasks import register_on_interrupted

        from .services import build_export, release_interrupted_exports

        register_on_interrupted(build_export, release_interrupted_exports)
        from xindang.core.working_files import WorkingFiles, register_working_files

        from .models import ExportJob

        register_working_files(
            WorkingFiles(
                ExportJob,
                waiting="",  # an export never waits for a confirm: only its file goes
                failed=ExportJob.Status.FAILED,
                busy=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
                days=lambda: export_file_days(),  # looked up at each run
            )
        )


def _refresh_facts(today) -> str:
    from .services import refresh_monthly_facts

    rows = refresh_monthly_facts(today=today)
    return f"dashboard facts of the closed months stored ({rows} rows)"


def _refresh_snapshot(today) -> str:
    from .services import refresh_credit_snapshot

    rows = refresh_credit_snapshot(today=today)
    return f"credit snapshot of {today} stored ({rows} rows)"


def _refresh_year_end(today) -> str:
    from .services import refresh_year_end_snapshot

    rows = refresh_year_end_snapshot(today=today)
    return f"credit snapshot of the end of {today.year - 1} stored ({rows} rows)"


def _refresh_sales(today) -> str:
    from .services import refresh_sales_facts

    rows = refresh_sales_facts(today=today)
    return f"sales facts of the closed months stored ({rows} rows)"


def _refresh_abc(today) -> str:
    from .services import refresh_abc_ranking

    rows = refresh_abc_ranking(today=today)
    return f"ABC ranking and the two ends of {today} stored ({rows} rows)"


def export_file_days() -> int:
    """The policy's days an exported analysis file is kept (core.working_files)."""
    from xindang.policy.selectors import current_policy

    return current_policy().reports.export_file_days
