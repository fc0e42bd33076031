"""Re-encrypt every encrypted field (identity numbers, their history rows too) under the first key of
XINDANG_FIELD_KEYS, so the older keys can then be removed. Idempotent: run it as often as you like.

Rotation: generate a key (`--new-key`), put it first in XINDANG_FIELD_KEYS keeping the old keys after
it, restart, run this command, then remove the old keys and restart again."""

from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from xindang.audit.services import record_event
from xindang.core.fieldcrypto import derived_dev_key

BATCH = 500


def encrypted_fields():
    """(model, [field names]) of every installed model, history models included, with encrypted fields."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt the encrypted fields under the first key of XINDANG_FIELD_KEYS (key rotation)."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="Print a new key and do nothing else.")
        parser.add_argument(
            "--derived-key",
            action="store_true",
            help="Print the key development derives from XINDANG_SECRET_KEY (to move such a database).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only check that every value opens with the configured keys.",
        )

    def handle(self, *args, new_key=False, derived_key=False, dry_run=False, **options):
        if new_key:
            self.stdout.write(Fernet.generate_key().decode())
            return
        if derived_key:
            self.stdout.write(derived_dev_key(settings.SECRET_KEY))
            return
        total = 0
        for model, names in encrypted_fields():
            pk = model._meta.pk.name
            count = 0
            last = None
            while True:
                qs = model._default_manager.order_by(pk)
                if last is not None:
                    qs = qs.filter(**{f"{pk}__gt": last})
                # Reading decrypts with any configured key (InvalidToken if none opens a value).
                rows = list(qs.values_list(pk, *names)[:BATCH])
                if not rows:
                    break
                if not dry_run:
                    with transaction.atomic():
                        for row in rows:
                            values = {
                                name: value for name, value in zip(names, row[1:], strict=True) if value
                            }
                            if values:  # writing encrypts under the first key
                                model._default_manager.filter(**{pk: row[0]}).update(**values)
                count += sum(1 for row in rows if any(row[1:]))
                last = rows[-1][0]
            total += count
            self.stdout.write(f"{model._meta.label}: {count}")
        if not dry_run:
            record_event("privacy.keys_rotated", data={"values": total})
        self.stdout.write(self.style.SUCCESS(f"{'checked' if dry_run else 're-encrypted'} {total} values"))
