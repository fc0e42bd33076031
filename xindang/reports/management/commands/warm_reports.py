"""manage.py warm_reports [--today YYYY-MM-DD] [--months N]: store the credit dashboard's figures of
the closed months (reports.MonthlyFact: receivables and the not-yet-due part at each month's end,
credit sales, collections and bad debts, per customer and for the company), so that the dashboard
computes only the running month from the ledger. Idempotent (each month's rows are replaced); the
daily run (`manage.py daily`) runs it too, after the ledger's own jobs."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from xindang.reports import services


class Command(BaseCommand):
    help = "Store the credit dashboard's figures of the closed months (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)
        parser.add_argument("--months", type=int, default=services.FACT_MONTHS)

    def handle(self, *args, today=None, months=services.FACT_MONTHS, **options):
        today = today or timezone.localdate()
        rows = services.refresh_monthly_facts(today=today, months=months)
        self.stdout.write(f"dashboard facts of the {months} months before {today:%Y-%m} stored ({rows} rows)")
