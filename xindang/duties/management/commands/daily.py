"""`manage.py daily`: the once-a-day run (cron or a systemd timer; see the README)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from xindang.duties.daily import run_daily


class Command(BaseCommand):
    help = (
        "Check ended contract periods for a zero point, store every user's duties (idempotent), close "
        "the done ones and mail each user a digest of new and overdue duties."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as on this day (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        report = run_daily(today=today)
        for line in report.lines:
            self.stdout.write(line)
