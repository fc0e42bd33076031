"""manage.py release_expired_reservations: credit-check reservations past their
time-to-live stop holding their amount against the limit.

A check releases a customer's expired holds itself before it decides, but until then they still
count in the exposure the screens, the reduction list and the evaluations show. Run this every few
minutes from cron. Idempotent: a released hold is not held any more; each customer's holds are
released under its exposure row lock, as a posting would."""

from django.core.management.base import BaseCommand

from xindang.ledger.services import release_expired


class Command(BaseCommand):
    help = "Release credit-check reservations past their time-to-live."

    def handle(self, *args, **options):
        count = release_expired()
        self.stdout.write(f"released {count} expired reservation(s)")
