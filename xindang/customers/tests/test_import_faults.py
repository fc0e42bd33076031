"""A worker killed (kill -9) in the middle of a 10,000-row import: nothing of it is saved, the next
worker to start hands the batch back, and a second confirm imports every row exactly once. Real
processes on the test database of PostgreSQL or MariaDB (an SQLite test database lives in this
process's memory and cannot be shared with a worker process)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from xindang.audit.models import AuditEvent
from xindang.customers.importing import services as import_services
from xindang.customers.models import Customer, ImportBatch

from .test_import import _rows, preview, xlsx

pytestmark = [
    pytest.mark.multidb,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor == 'sqlite'", reason="a worker process needs a database server"),
]

ROOT = Path(__file__).resolve().parents[3]
ROWS = 10_000


def _worker(tmp_path, settings, *args) -> subprocess.Popen:
    url = urlparse(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "DATABASE_URL": urlunparse(url._replace(path="/" + connection.settings_dict["NAME"])),
        "XINDANG_DEV": "1",
        "XINDANG_VAR_DIR": str(tmp_path / "var"),
        "XINDANG_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    return subprocess.Popen(  # our own worker, on the test database
        [sys.executable, "manage.py", "worker", "--interval", "0.1", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_until(predicate, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_kill_9_mid_import_saves_nothing_and_a_second_confirm_imports_once(
    credit_manager, salesperson, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    batch = preview(credit_manager, xlsx(_rows(ROWS)))
    assert batch.valid_rows == ROWS
    task_id = import_services.start_import(batch=batch, by=credit_manager)

    worker = _worker(tmp_path, settings)
    try:
        _wait_until(lambda: DBTaskResult.objects.get(pk=task_id).status == "RUNNING")
        time.sleep(0.5)  # reading and checking 10,000 rows takes seconds: the worker is mid-import
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING
    assert Customer.objects.count() == 0  # all or nothing: nothing

    # the next worker to start on this machine hands the batch back, then waits for work
    restarted = _worker(tmp_path, settings, "--batch")
    assert restarted.wait(timeout=120) == 0, restarted.stdout.read().decode()
    assert DBTaskResult.objects.get(pk=task_id).status == "FAILED"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (
        AuditEvent.objects.filter(action="customer.import_interrupted", object_id=str(batch.pk)).count() == 1
    )

    # confirmed again, it imports every row once
    import_services.start_import(batch=batch, by=credit_manager)
    again = _worker(tmp_path, settings, "--batch")
    assert again.wait(timeout=300) == 0, again.stdout.read().decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.imported_rows == ROWS
    assert Customer.objects.count() == ROWS
    assert Customer.objects.values("credit_code").distinct().count() == ROWS
