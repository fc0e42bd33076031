"""manage.py settle_matured_notes [--today YYYY-MM-DD]: an acceptance bill (承兑汇票) received in
payment keeps its amount in exposure until it matures or is discounted without recourse
(004 客户信息管理制度 第八条 counts unsettled notes in the credit limit). At maturity this posts the
note's
settlement — what is left of it — as a `note_settled` entry dated on the maturity day.

Idempotent (run it daily from cron): each settlement has the external id `maturity-<note id>` of
source system `maturity`, and a note with nothing left is skipped. A bill dishonoured at maturity is
corrected by reversing that settlement entry, as any other entry."""

from datetime import date

from django.core.management.base import BaseCommand
from django.db.models import Q, Sum
from django.utils import timezone

from xindang.core.errors import DomainError
from xindang.ledger import rules, services
from xindang.ledger.models import TradeEntry

SOURCE = "maturity"


def matured_notes(today: date):
    """Notes received, not reversed, matured by `today` and not discounted without recourse."""
    return (
        TradeEntry.objects.filter(
            kind=rules.NOTE_RECEIVED,
            note_matures_on__lte=today,
            note_without_recourse=False,
            reversed_by__isnull=True,
        )
        .annotate(
            settled=Sum(
                "settlements__amount",
                filter=Q(settlements__reversed_by__isnull=True),
                default=0,
            )
        )
        .select_related("customer")
        .order_by("note_matures_on", "pk")
    )


class Command(BaseCommand):
    help = "Post the settlement of every acceptance bill that has matured (idempotent; for cron)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="As if run on this day (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        posted = skipped = 0
        for note in matured_notes(today):
            left = note.amount - note.settled
            if left <= 0:
                continue
            try:
                _entry, created = services.post_trade_entry(
                    customer=note.customer,
                    kind=rules.NOTE_SETTLED,
                    amount=left,
                    entry_on=note.note_matures_on,
                    source_system=SOURCE,
                    external_id=f"maturity-{note.pk}",
                    settles=note,
                    memo=f"{note.note_no} matured {note.note_matures_on.isoformat()}",
                )
            except DomainError as exc:  # e.g. its maturity settlement was reversed (dishonoured bill)
                self.stderr.write(f"note {note.pk} ({note.note_no}): {exc.code}: {exc.message}")
                skipped += 1
                continue
            posted += created
        self.stdout.write(f"matured notes settled: {posted}; refused: {skipped}")
