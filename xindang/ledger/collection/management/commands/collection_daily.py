"""Daily collection checks, for cron: flag broken promises (the day after their date), mark kept ones,
raise collection-anomaly and problem-account reports. Idempotent: run it as often as you like."""

from datetime import date

from django.core.management.base import BaseCommand

from xindang.ledger.collection.services import run_daily


class Command(BaseCommand):
    help = "Settle payment promises and raise collection-anomaly and problem-account reports (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Run as of this date (YYYY-MM-DD)."
        )

    def handle(self, *args, today=None, **options):
        s = run_daily(today=today)
        self.stdout.write(
            f"{s['today']}: promises kept {s['kept']}, broken {s['broken']}; "
            f"anomaly reports {s['anomalies']}, problem-account reports {s['problems']}"
        )
