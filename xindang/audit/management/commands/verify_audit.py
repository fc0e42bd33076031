"""manage.py verify_audit — recompute the audit log's keyed hash chain; exit non-zero at the first
broken link. `--anchors [FILE]` also holds the chain against the anchors kept outside the database;
`--anchor` appends a new anchor after a verification that held, and prints it (so the nightly mail
keeps a copy too).

Meant for cron / a systemd timer (and for an auditor's shell). It writes no audit event.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xindang.audit.selectors import read_anchors, verify_chain
from xindang.audit.services import write_anchor


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000, help="rows read per query (default 2000)")
        parser.add_argument(
            "--anchors",
            nargs="?",
            const=str(settings.XINDANG_AUDIT_ANCHOR_FILE),
            default=None,
            metavar="FILE",
            help="also check against the anchors in FILE (default: XINDANG_AUDIT_ANCHOR_FILE)",
        )
        parser.add_argument(
            "--anchor",
            action="store_true",
            help="after a verification that holds, append an anchor and print it",
        )

    def handle(self, *args, chunk_size: int, anchors: str | None, anchor: bool, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        loaded = None
        if anchors is not None:
            try:
                loaded = read_anchors(anchors)
            except FileNotFoundError as exc:
                raise CommandError(f"no anchor file at {anchors}") from exc
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        check = verify_chain(chunk_size=chunk_size, anchors=loaded)
        if check.ok:
            against = f", {len(loaded)} anchors hold" if loaded is not None else ""
            self.stdout.write(self.style.SUCCESS(f"OK: {check.count} events, chain intact{against}"))
            if anchor:
                taken = write_anchor()
                self.stdout.write(f"anchor: {json.dumps(taken.as_dict(), sort_keys=True)}")
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
