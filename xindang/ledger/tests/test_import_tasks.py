"""The ledger import's check (preview) and batch post run as tasks of `manage.py worker`: the screens
queue them and show the status until they are done; an interrupted batch post goes back for another
confirm (nothing of it was posted), an interrupted check fails at once, saying so."""

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from xindang.audit.models import AuditEvent
from xindang.core.tasks import release_interrupted_tasks, worker_id
from xindang.ledger import importing
from xindang.ledger.models import LedgerImport, TradeEntry


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _csv(customer, n=3) -> SimpleUploadedFile:
    lines = ["档案号,类型,日期,金额,单据号"] + [
        f"{customer.file_no},发票,2026-01-05,10.00,FP-{i}" for i in range(n)
    ]
    return SimpleUploadedFile("entries.csv", "\n".join(lines).encode())


def _dead_worker() -> str:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return f"{worker_id().rsplit(':', 1)[0]}:{dead.stdout.strip()}"


@pytest.mark.multidb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_checks_then_posts_and_the_page_follows(client, customer, credit_manager, media):
    client.force_login(credit_manager)
    r = client.post("/ledger/import/", {"file": _csv(customer), "source_system": "csv"})
    assert r.status_code == 302
    batch = LedgerImport.objects.get()
    # queued, not run: the web process only stores the file
    assert batch.status == LedgerImport.Status.CHECKING and batch.total_rows == 0
    page = client.get(r.url).content.decode()
    assert 'data-testid="import-checking"' in page and "hx-get" in page
    assert 'data-testid="import-confirm"' not in page
    polled = client.get(f"/ledger/import/{batch.pk}/status/", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in polled

    call_command("worker", batch=True, verbosity=0)

    batch.refresh_from_db()
    assert (batch.status, batch.total_rows, batch.new_rows) == (LedgerImport.Status.PREVIEWED, 3, 3)
    polled = client.get(f"/ledger/import/{batch.pk}/status/", headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    assert 'data-testid="import-confirm"' in client.get(r.url).content.decode()

    client.post(f"/ledger/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == LedgerImport.Status.POSTING and not TradeEntry.objects.exists()
    assert 'data-testid="import-posting"' in client.get(r.url).content.decode()
    client.post(f"/ledger/import/{batch.pk}/confirm/")  # a second confirm queues nothing
    assert DBTaskResult.objects.filter(task_path__endswith="post_ledger_import").count() == 1

    call_command("worker", batch=True, verbosity=0)

    batch.refresh_from_db()
    assert batch.status == LedgerImport.Status.IMPORTED and batch.imported_rows == 3
    assert TradeEntry.objects.count() == 3
    assert 'data-testid="import-done"' in client.get(r.url).content.decode()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.multidb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_refused_by_the_check_fails_with_the_reason(client, customer, credit_manager, media):
    client.force_login(credit_manager)
    upload = SimpleUploadedFile("entries.csv", "名称,备注\n甲,乙\n".encode())
    r = client.post("/ledger/import/", {"file": upload, "source_system": "csv"})
    call_command("worker", batch=True, verbosity=0)
    batch = LedgerImport.objects.get()
    assert batch.status == LedgerImport.Status.FAILED and batch.message
    assert 'data-testid="import-failed"' in client.get(r.url).content.decode()


@pytest.mark.django_db
def test_an_interrupted_batch_post_goes_back_for_another_confirm(customer, credit_manager, media):
    batch = importing.preview_ledger_import(by=credit_manager, upload=_csv(customer))
    LedgerImport.objects.filter(pk=batch.pk).update(status=LedgerImport.Status.POSTING)
    result = importing.post_ledger_import.enqueue(batch.pk, credit_manager.pk, None)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", worker_ids=[_dead_worker()])

    assert release_interrupted_tasks() == 1

    assert DBTaskResult.objects.get(pk=result.id).status == "FAILED"
    batch.refresh_from_db()
    assert batch.status == LedgerImport.Status.PREVIEWED and batch.message
    assert not TradeEntry.objects.exists()
    assert AuditEvent.objects.filter(action="ledger.import_interrupted", object_id=str(batch.pk)).exists()
    # confirmed again: each entry posted once, even if the same file is confirmed twice
    assert importing.confirm_ledger_import(batch=batch, by=credit_manager).imported_rows == 3
    again = importing.preview_ledger_import(by=credit_manager, upload=_csv(customer))
    assert importing.confirm_ledger_import(batch=again, by=credit_manager).imported_rows == 0
    assert TradeEntry.objects.count() == 3


@pytest.mark.django_db
def test_an_interrupted_check_fails_at_once(customer, credit_manager, media):
    batch = importing.start_ledger_preview(by=credit_manager, upload=_csv(customer))
    LedgerImport.objects.filter(pk=batch.pk).update(status=LedgerImport.Status.CHECKING)
    result = importing.check_ledger_import.enqueue(batch.pk, credit_manager.pk, None)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", worker_ids=[_dead_worker()])

    assert release_interrupted_tasks() == 1

    batch.refresh_from_db()
    assert batch.status == LedgerImport.Status.FAILED and batch.message


@pytest.mark.django_db
def test_a_batch_post_refused_at_posting_time_fails_with_the_reason(customer, credit_manager, media):
    from django.core.files.storage import default_storage

    batch = importing.preview_ledger_import(by=credit_manager, upload=_csv(customer))
    default_storage.delete(batch.stored_name)  # the stored file changed under the preview
    with default_storage.open(batch.stored_name, "wb") as f:
        f.write(f"档案号,类型,日期,金额,单据号\n{customer.file_no},发票,not a date,10.00,FP-0\n".encode())
    batch = importing.confirm_ledger_import(batch=batch, by=credit_manager)
    assert batch.status == LedgerImport.Status.FAILED and batch.message
    assert not TradeEntry.objects.exists()
