"""Mark grants past their validity as expired (daily; idempotent: a second run changes nothing)."""

from datetime import date

from django.core.management.base import BaseCommand

from xindang.credit.grants.services import expire_grants


class Command(BaseCommand):
    help = "Mark active credit grants past valid_until as expired (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="As of this date (YYYY-MM-DD)."
        )

    def handle(self, *args, on=None, **options):
        count = expire_grants(on=on)
        self.stdout.write(f"{count} grant(s) expired")
