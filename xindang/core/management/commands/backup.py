"""manage.py backup DIR — a consistent backup: the database (one snapshot, any engine), the document
store and a manifest with checksums (see xindang.core.backup)."""

from django.core.management.base import BaseCommand, CommandError

from xindang.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a consistent backup (database snapshot, document store, manifest) into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder, e.g. /backup/xindang-$(date +%%F)")

    def handle(self, *args, folder: str, **options):
        try:
            manifest = create_backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.counts.values())
        size = manifest.dump["size"] + sum(f["size"] for f in manifest.files)
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {rows} rows in {len(manifest.counts)} tables, {len(manifest.files)} files, "
                f"{size} bytes, into {folder}"
            )
        )
