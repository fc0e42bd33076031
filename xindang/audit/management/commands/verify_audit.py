"""manage.py verify_audit — recompute the audit log's hash chain; exit non-zero at the first broken link.

Meant for cron / a systemd timer (and for an auditor's shell). Read-only: it writes no event.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xindang.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000, help="rows read per query (default 2000)")

    def handle(self, *args, chunk_size: int, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        check = verify_chain(chunk_size=chunk_size)
        if check.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: {check.count} events, chain intact"))
            return
        message = f"BROKEN at seq {check.broken.seq}: {check.broken.reason}"
        row = check.row
        if row is not None:
            message += (
                f" (row seen there: seq {row.seq}, {timezone.localtime(row.at):%Y-%m-%d %H:%M:%S %z}, "
                f"{row.action}, {row.object_type}:{row.object_id})"
            )
        message += f"; {check.count} events read, chain head at seq {check.head_seq}"
        raise CommandError(message)
