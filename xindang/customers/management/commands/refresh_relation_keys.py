from django.core.management.base import BaseCommand

from xindang.customers.relations import refresh_all


class Command(BaseCommand):
    help = "Rebuild the related-party keys of every file (after a bulk load that bypassed save())."

    def handle(self, *args, **options):
        count = refresh_all()
        self.stdout.write(f"{count} keys")
