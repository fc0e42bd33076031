"""manage.py verify_backup DIR — re-read a backup against its manifest (fixity); non-zero exit when
anything is missing, altered or unlisted."""

from django.core.management.base import BaseCommand, CommandError

from xindang.core.backup import BackupError, read_manifest, verify_backup


class Command(BaseCommand):
    help = "Check every file of a backup against the checksums of its manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder: str, **options):
        try:
            problems = verify_backup(folder)
            manifest = read_manifest(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError(f"{len(problems)} problems: " + "; ".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: backup of {manifest.created_at} ({manifest.engine}), "
                f"{len(manifest.files) + 1} files match the manifest"
            )
        )
