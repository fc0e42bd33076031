"""`manage.py prune_working_files`: delete the uploaded files of imports older than the policy's
working_file_days (run it daily); the import records and their audit events stay."""

from django.core.management.base import BaseCommand

from xindang.audit.services import record_event
from xindang.core.working_files import prune_working_files
from xindang.policy.selectors import current_policy


class Command(BaseCommand):
    help = "Delete uploaded import files older than the policy's days; the import records stay."

    def handle(self, *args, **options):
        days = current_policy().core.working_file_days
        pruned = prune_working_files(days=days)
        if pruned:
            record_event("core.working_files_pruned", data={"days": days, "pruned": pruned})
        self.stdout.write(f"deleted {sum(len(ids) for ids in pruned.values())} import file(s)")
