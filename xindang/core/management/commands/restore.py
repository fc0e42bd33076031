"""manage.py restore DIR — load a backup into an empty instance, then verify the audit chain and the
documents' checksums. Migrates first (a restore starts from an empty database); refuses a damaged
backup, another schema, or an instance that already holds data — changing nothing then."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from xindang.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup` into an empty instance."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder: str, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            restored = restore_backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {restored.rows} rows and {restored.files} files; verifying…")
        call_command("verify_audit", stdout=self.stdout)
        call_command("verify_documents", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("OK: restore complete"))
