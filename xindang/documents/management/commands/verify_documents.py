"""Re-read every stored document version and check its SHA-256 (and SM3 where the version used it);
compare the stored checksums with those the audit trail recorded at upload; report missing, altered and
orphaned files and changed checksums. Records the run and its findings; exits with status 1 when there
are findings (for cron)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from xindang.documents.fixity import run_fixity_check
from xindang.documents.models import FixityRun


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--orphan-grace-minutes",
            type=int,
            default=10,
            help="ignore unreferenced files younger than this (uploads in flight); default 10",
        )

    def handle(self, *args, orphan_grace_minutes, **options):
        run = run_fixity_check(
            trigger=FixityRun.Trigger.COMMAND,
            orphan_grace=timedelta(minutes=max(orphan_grace_minutes, 0)),
            progress=lambda n: (
                self.stderr.write(f"  {n} versions checked…") if options["verbosity"] > 1 else None
            ),
        )
        for finding in run.findings.order_by("kind", "id"):
            line = f"{finding.kind.upper():16} {finding.storage_name}"
            if finding.version_id:
                line += f"  (version #{finding.version_id})"
            if finding.actual_sha256:
                line += f"  expected {finding.expected_sha256[:12]}… got {finding.actual_sha256[:12]}…"
            if finding.detail:
                line += f"  {finding.detail}"
            self.stdout.write(line)
        summary = (
            f"run #{run.pk}: {run.versions_checked} versions, {run.bytes_checked} bytes checked; "
            f"missing {run.missing_count}, altered {run.altered_count}, orphaned {run.orphaned_count}, "
            f"checksum changed {run.checksum_changed_count}"
        )
        if run.findings_count:
            self.stdout.write(self.style.ERROR(summary))
            raise CommandError("integrity findings", returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
