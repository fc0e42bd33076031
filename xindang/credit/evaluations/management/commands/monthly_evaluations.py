"""manage.py monthly_evaluations [--month YYYY-MM]: generate the month's grant evaluations
(客户授信额度执行评价表, seed 002 第三十七–四十条). Idempotent: run it from cron early each month."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xindang.credit.evaluations import rules, services


class Command(BaseCommand):
    help = "Generate the monthly credit-limit execution evaluations (default: the last full month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the last full month)")

    def handle(self, *args, month=None, **options):
        today = timezone.localdate()
        if month:
            try:
                first = rules.parse_month(month)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            first = rules.last_full_month(today)
        if first >= rules.month_start(today):
            raise CommandError(f"{first:%Y-%m} has not ended yet; only an ended month can be evaluated.")
        result = services.generate_month(first)
        if result.created:
            self.stdout.write(
                f"{first:%Y-%m}: created {result.created} evaluations "
                f"({result.existing} already there, {result.refreshed} recomputed)."
            )
        else:
            self.stdout.write(
                f"{first:%Y-%m}: nothing to create — all {result.existing} evaluations exist "
                f"({result.refreshed} recomputed)."
            )
