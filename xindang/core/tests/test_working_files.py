"""Working files follow a retention rule: import files older than the policy's days are deleted, the
import records stay; a batch still waiting for its confirm fails with a reason; one importing now is
left alone."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.customers.models import ImportBatch
from xindang.ledger.models import LedgerImport


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _batch(model, by, *, days_ago, status, name):
    stored = default_storage.save(f"imports/{name}", ContentFile(b"x"))
    row = model.objects.create(
        token=__import__("uuid").uuid4(),
        created_by=by,
        original_name=name,
        stored_name=stored,
        file_format="xlsx",
        status=status,
    )
    model.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    row.refresh_from_db()
    return row


def test_old_import_files_go_and_the_records_stay(django_capture_on_commit_callbacks, credit_manager):
    S = ImportBatch.Status
    done = _batch(ImportBatch, credit_manager, days_ago=31, status=S.IMPORTED, name="done.xlsx")
    waiting = _batch(ImportBatch, credit_manager, days_ago=40, status=S.PREVIEWED, name="waiting.xlsx")
    busy = _batch(ImportBatch, credit_manager, days_ago=40, status=S.IMPORTING, name="busy.xlsx")
    young = _batch(ImportBatch, credit_manager, days_ago=29, status=S.PREVIEWED, name="young.xlsx")
    imported = LedgerImport.Status.IMPORTED
    ledger = _batch(LedgerImport, credit_manager, days_ago=31, status=imported, name="l.xlsx")
    files = {r.pk: r.stored_name for r in (done, waiting, busy, young)}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_working_files", verbosity=0)

    for row in (done, waiting, busy, young, ledger):
        row.refresh_from_db()
    assert (done.stored_name, done.status) == ("", S.IMPORTED)
    assert (waiting.stored_name, waiting.status) == ("", S.FAILED) and "30" in waiting.message
    assert busy.stored_name and young.stored_name and busy.status == S.IMPORTING
    assert ledger.stored_name == ""
    assert not default_storage.exists(files[done.pk]) and not default_storage.exists(files[waiting.pk])
    assert default_storage.exists(files[busy.pk]) and default_storage.exists(files[young.pk])
    event = AuditEvent.objects.get(action="core.working_files_pruned")
    assert sorted(event.data["pruned"]["customers.ImportBatch"]) == sorted([done.pk, waiting.pk])

    # a second run finds nothing more to do
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_working_files", verbosity=0)
    assert AuditEvent.objects.filter(action="core.working_files_pruned").count() == 1
