"""Field keys: rotation re-encrypts every value under the new key (history included); production
refuses to start without a key."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from xindang.audit.models import AuditEvent
from xindang.customers.models import Contact

from .conftest import VALID_ID

ROOT = Path(__file__).resolve().parents[3]
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _raw_tokens(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM customers_contact WHERE id = %s", [pk])
        tokens = [cursor.fetchone()[0]]
        cursor.execute("SELECT id_number FROM customers_historicalcontact WHERE id = %s", [pk])
        return tokens + [row[0] for row in cursor.fetchall() if row[0]]


def test_rotation_moves_every_value_to_the_new_key(settings, credit_manager, customer, contact):
    # given a number written under the old key
    settings.XINDANG_FIELD_KEYS = [OLD]
    from xindang.privacy import services

    services.record_personal_data(
        by=credit_manager,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        collection_purpose="业务联络",
        collection_basis="contract",
        id_kind="id_card",
        id_number=VALID_ID,
    )
    # when the new key is put first and the command runs
    settings.XINDANG_FIELD_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    # then every token (record and history) opens with the new key alone
    settings.XINDANG_FIELD_KEYS = [NEW]
    tokens = _raw_tokens(contact.pk)
    assert len(tokens) >= 2
    assert all(Fernet(NEW).decrypt(t.encode()).decode() == VALID_ID for t in tokens)
    assert Contact.objects.get(pk=contact.pk).id_number == VALID_ID
    assert AuditEvent.objects.filter(action="privacy.keys_rotated").exists()


def test_new_key_prints_a_usable_key():
    out = StringIO()
    call_command("rotate_field_keys", "--new-key", stdout=out)
    Fernet(out.getvalue().strip())


def _start(tmp_path, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("XINDANG_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    base.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="xindang.settings",
        XINDANG_ENV_FILE="",
        XINDANG_VAR_DIR=str(tmp_path / "var"),
        XINDANG_SECRET_KEY="s" * 60,
        **env,
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(len(settings.XINDANG_FIELD_KEYS))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=base, cwd=str(tmp_path), capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_field_key(tmp_path):
    result = _start(tmp_path)
    assert result.returncode != 0 and "XINDANG_FIELD_KEYS is required" in result.stderr


def test_production_starts_with_keys_and_refuses_a_malformed_one(tmp_path):
    assert _start(tmp_path, XINDANG_FIELD_KEYS=f"{NEW},{OLD}").stdout.strip() == "2"
    bad = _start(tmp_path, XINDANG_FIELD_KEYS="not-a-key")
    assert bad.returncode != 0 and "malformed" in bad.stderr


def test_development_derives_a_key(tmp_path):
    assert _start(tmp_path, XINDANG_DEV="1").stdout.strip() == "1"


def test_the_encrypted_field_edits_as_a_short_text_and_decrypts_plain_legacy_values():
    from django import forms

    from xindang.core.fieldcrypto import decrypt

    field = Contact._meta.get_field("id_number").formfield()
    assert isinstance(field, forms.CharField) and field.max_length == 20
    assert not isinstance(field.widget, forms.Textarea)
    assert decrypt("E12345678") == "E12345678"  # a value written before encryption reads as it is


def test_a_backup_holds_tokens_and_a_restore_reads_the_number(with_id, contact):
    from django.core import serializers

    # when the record is serialised the way `manage.py backup` does
    dumped = serializers.serialize("exactjson", [Contact.objects.get(pk=contact.pk)])
    # then the number is not in clear, and loading it back gives the number
    assert VALID_ID not in dumped and "gAAAAA" in dumped
    Contact.objects.filter(pk=contact.pk).update(id_number="")
    for restored in serializers.deserialize("exactjson", dumped):
        restored.save()
    assert Contact.objects.get(pk=contact.pk).id_number == VALID_ID
