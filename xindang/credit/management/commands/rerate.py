"""manage.py rerate [--department CODE] [--dry-run]: recompute the grade of every customer with a
valid reviewed investigation and propose a rating where it changed (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from xindang.accounts.models import Department
from xindang.credit import services
from xindang.credit.texts import reason_rows


class Command(BaseCommand):
    help = "Recompute credit ratings and propose the changed ones (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--department", help="only the customers of this department code")
        parser.add_argument("--dry-run", action="store_true", help="list the changes, propose nothing")

    def handle(self, *args, department=None, dry_run=False, **options):
        if department and not Department.objects.filter(code=department).exists():
            raise CommandError(f"unknown department: {department}")
        changes = services.rerate(department=department, dry_run=dry_run)
        for c in changes:
            self.stdout.write(f"{c.customer_name} (#{c.customer_id}): {c.old_grade or '—'} → {c.new_grade}")
            for r in reason_rows(c.reasons):
                self.stdout.write(f"    {r['text']} — {r['article']}")
        verb = "would be proposed" if dry_run else "proposed"
        self.stdout.write(f"{len(changes)} change(s) {verb}." if changes else "No changes.")
