"""manage.py warm_reports [--today YYYY-MM-DD] [--months N] [--snapshot-only]: store the credit
dashboard's figures of the closed months (reports.MonthlyFact: receivables and the not-yet-due part
at each month's end, credit sales, collections and bad debts, per customer and for the company), so
that the dashboard computes only the running month from the ledger; and the credit snapshot of today
(reports.CreditSnapshot: each customer's ageing, limit, exposure and grades, which the dashboard
reads instead of the ledger); each customer's sales of the closed months as the analyses count them
(reports.SalesFact, which the composition and the seasonal index sum); and the ABC ranking of this
year and last with the two ends of 抓两头放中间 (reports.AbcRank, which the ABC analysis reads a page
at a time); and the snapshot of the end of last year (reports.YearEndSnapshot, which the yearly report
of that year reads). Idempotent (each month's rows, the snapshot and the ranking are replaced); the
daily run (`manage.py daily`) runs both too, after the ledger's own jobs. `--snapshot-only`: the
snapshot and the ranking alone."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from xindang.reports import services


class Command(BaseCommand):
    help = "Store the credit dashboard's figures of the closed months (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)
        parser.add_argument("--months", type=int, default=None, help="default: services.fact_months")
        parser.add_argument("--snapshot-only", action="store_true")
        parser.add_argument("--full", action="store_true", help="recompute every month, not only the changed")

    def handle(self, *args, today=None, months=None, snapshot_only=False, full=False, **options):
        today = today or timezone.localdate()
        months = months or services.fact_months(today)
        if not snapshot_only:
            rows = services.refresh_monthly_facts(today=today, months=months, full=full)
            self.stdout.write(
                f"dashboard facts of the {months} months before {today:%Y-%m} stored ({rows} rows)"
            )
            rows = services.refresh_sales_facts(today=today, full=full)
            self.stdout.write(f"sales facts of the closed months stored ({rows} rows)")
        rows = services.refresh_credit_snapshot(today=today)
        self.stdout.write(f"credit snapshot of {today} stored ({rows} rows)")
        rows = services.refresh_year_end_snapshot(today=today)
        self.stdout.write(f"credit snapshot of the end of {today.year - 1} stored ({rows} rows)")
        rows = services.refresh_abc_ranking(today=today)
        self.stdout.write(f"ABC ranking and the two ends of {today} stored ({rows} rows)")
