"""The import preview runs as a task of `manage.py worker` (a 10,000-row file takes seconds to check):
the upload stores the file and queues the check, the page shows its progress (htmx polling, no inline
script) and then the preview; a file refused as a whole fails with the reason; a check interrupted by
a dead worker fails at once, saying so."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from xindang.audit.models import AuditEvent
from xindang.core.tasks import release_interrupted_tasks, worker_id
from xindang.customers.importing import progress
from xindang.customers.importing import services as import_services
from xindang.customers.models import Customer, ImportBatch

from .test_import import _isolated_files_and_cache, _rows, upload, xlsx  # noqa: F401


@pytest.mark.multidb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_checks_the_upload_and_the_page_follows(client, credit_manager, salesperson):
    client.force_login(credit_manager)
    r = client.post("/customers/import/", {"file": upload(xlsx(_rows(30)))})
    assert r.status_code == 302
    batch = ImportBatch.objects.get()
    # queued, not run: the request only stored the file
    assert batch.status == ImportBatch.Status.CHECKING and batch.total_rows == 0
    assert DBTaskResult.objects.get().status == "READY"
    page = client.get(r.url).content.decode()
    assert 'data-testid="import-checking"' in page and "hx-get" in page and "<script>" not in page
    assert 'data-testid="import-confirm"' not in page
    polled = client.get(f"/customers/import/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in polled

    call_command("worker", batch=True, verbosity=0)

    batch.refresh_from_db()
    assert (batch.status, batch.total_rows, batch.valid_rows) == (ImportBatch.Status.PREVIEWED, 30, 30)
    assert AuditEvent.objects.filter(action="customer.import_preview", object_id=str(batch.pk)).exists()
    polled = client.get(f"/customers/import/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    assert 'data-testid="import-confirm"' in client.get(r.url).content.decode()
    assert Customer.objects.count() == 0  # the preview saves nothing
    # and the confirm imports the rows the preview showed
    assert import_services.run_import(batch=batch, by=credit_manager).imported_rows == 30


@pytest.mark.multidb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_refused_by_the_check_fails_with_the_reason(client, credit_manager):
    client.force_login(credit_manager)
    r = client.post("/customers/import/", {"file": upload(xlsx([["甲", "乙"]], head=["名称", "备注"]))})
    call_command("worker", batch=True, verbosity=0)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.message
    assert 'data-testid="import-failed"' in client.get(r.url).content.decode()


def test_a_file_not_really_a_spreadsheet_is_refused_at_once(client, credit_manager):
    client.force_login(credit_manager)
    page = client.post("/customers/import/", {"file": upload(b"MZ\x90\x00 not a workbook")})
    assert page.status_code == 200 and not ImportBatch.objects.exists()


def test_the_check_in_progress_shows_how_far_it_is(credit_manager):
    batch = import_services.start_preview(by=credit_manager, upload=upload(xlsx(_rows(3))))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKING)
    batch.refresh_from_db()
    progress.report_progress(batch, "validating", 250, 1000)
    assert progress.import_progress(batch)["percent"] == 25


def test_an_interrupted_check_fails_at_once(credit_manager, salesperson):
    batch = import_services.start_preview(by=credit_manager, upload=upload(xlsx(_rows(3))))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKING)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    result = import_services.preview_stored_batch.enqueue(batch.pk, credit_manager.pk, None)
    host = worker_id().rsplit(":", 1)[0]
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=[f"{host}:{dead.stdout.strip()}"]
    )

    assert release_interrupted_tasks() == 1

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.message
    assert DBTaskResult.objects.get(pk=result.id).status == "FAILED"
