"""The writes of the customer import: preview (check and store an upload) and confirm (import it).

* preview_import() / start_preview() (the latter through the task worker: a 10,000-row file takes
  seconds) reads the upload (reading.read_table: content sniffed, never the extension trusted),
  checks every row (validation.validate_table), stores the file under imports/<random> and writes an
  ImportBatch with the list of problems. Nothing in the customer files changes.
* run_import() / start_import() (the latter through the task worker) re-read and re-check the file
  (data may have changed since the preview) and create ALL importable rows in ONE short transaction:
  saving.prepare() compiles every row before it, saving.write() allocates the file numbers (per
  department, in one block) and writes customers, history, tags, primary contacts and related-party
  keys in bulk, then the audit events are appended in bulk. Any failure rolls everything back and
  marks the batch failed. A batch is confirmed at most once. On SQLite the rows are staged in TEMP
  tables before the transaction and copied in it, and the new customers enter the search index after
  the commit in short transactions (saving, search_index).
"""

import io
import logging
import os
import uuid

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from xindang.accounts.models import User
from xindang.audit.services import append_events, client_ip, record_event, spec
from xindang.core.errors import DomainError
from xindang.core.tasks import task_request
from xindang.policy.selectors import current_policy

from .. import search_index
from .. import services as customer_services
from ..models import ImportBatch
from ..permissions import CustomerPermission
from . import saving
from .errors import ImportErrorCode, refuse
from .progress import report_progress
from .reading import Table, file_format, read_table
from .validation import Report, validate_table

logger = logging.getLogger(__name__)

PROBLEMS_KEPT = 5000  # problems stored on a batch (the counts are always complete)


# --- Preview ------------------------------------------------------------------------------------
def _counts(report: Report) -> dict:
    problems = report.problems()
    return {
        "total_rows": len(report.rows),
        "empty_rows": report.empty_rows,
        "valid_rows": report.valid_rows,
        "warning_rows": report.warning_rows,
        "error_rows": report.error_rows,
        "problem_count": len(problems),
        "problems": problems[:PROBLEMS_KEPT],
        "columns": {"mapped": report.headers, "ignored": report.ignored},
    }


def _refuse_early(*, by, upload) -> str:
    """Capability, size and format (content sniffed) at once, before anything is stored; returns the
    file's original name."""
    if not (by.is_superuser or by.has_perm(CustomerPermission.IMPORT)):
        raise PermissionDenied
    limit = current_policy().core.upload_limit_mb
    if upload.size is None or upload.size > limit * 1024 * 1024:
        raise refuse(ImportErrorCode.TOO_LARGE, limit=limit)
    return os.path.basename((upload.name or "").replace("\\", "/"))[:255] or "upload"


def _previewed(batch: ImportBatch, table: Table, report: Report, *, by, policy, request=None) -> None:
    """Write a batch's preview (counts, problems, the rows offered) and its audit event."""
    for key, value in _counts(report).items():
        setattr(batch, key, value)
    batch.status = ImportBatch.Status.PREVIEWED
    batch.file_format = table.format
    batch.policy_version = policy.version
    # The rows the preview shows as importable: the confirm imports exactly these.
    batch.result = {"preview_rows": _row_numbers(report)}
    batch.started_at = None
    batch.save()
    record_event(
        "customer.import_preview",
        actor=by,
        request=request,
        obj=batch,
        data={
            "file": batch.original_name,
            "format": table.format,
            "size": batch.file_size,
            "rows": batch.total_rows,
            "valid": batch.valid_rows,
            "warnings": batch.warning_rows,
            "errors": batch.error_rows,
            "policy_version": policy.version,
        },
    )


def preview_import(*, by, upload, request=None) -> ImportBatch:
    """Read and check an uploaded spreadsheet here and now; store it and its list of problems as an
    ImportBatch. Refuses the whole file (DomainError, nothing stored) when it is too large, not really
    .xlsx/.csv, has the wrong columns or too many rows. The screens use start_preview (a task)."""
    original = _refuse_early(by=by, upload=upload)
    policy = current_policy()
    table = read_table(upload, name=original, max_rows=policy.core.import_max_rows)
    report = validate_table(table, by=by, policy=policy)
    token = uuid.uuid4()
    upload.seek(0)
    stored = default_storage.save(f"imports/{token.hex}", upload)
    try:
        with transaction.atomic():
            batch = ImportBatch(
                token=token,
                created_by=by,
                original_name=original,
                stored_name=stored,
                file_size=upload.size,
            )
            _previewed(batch, table, report, by=by, policy=policy, request=request)
    except BaseException:
        default_storage.delete(stored)
        raise
    return batch


def start_preview(*, by, upload, request=None) -> ImportBatch:
    """Store an upload as a batch "checking" and hand its reading and checking to the task worker
    (`manage.py worker`); the preview page shows the progress until the preview is ready. A file too
    large or not really .xlsx/.csv is refused at once (DomainError, nothing stored). Inside a
    transaction (a test's, ATOMIC_REQUESTS) the check runs here and now: the worker could not see the
    batch."""
    original = _refuse_early(by=by, upload=upload)
    upload.seek(0)
    fmt = file_format(original, upload.read(8))
    token = uuid.uuid4()
    upload.seek(0)
    stored = default_storage.save(f"imports/{token.hex}", upload)
    try:
        batch = ImportBatch.objects.create(
            token=token,
            created_by=by,
            original_name=original,
            stored_name=stored,
            file_format=fmt,
            file_size=upload.size,
            status=ImportBatch.Status.CHECKING,
            started_at=timezone.now(),
        )
    except BaseException:
        default_storage.delete(stored)
        raise
    report_progress(batch, "waiting")
    ip = client_ip(request)
    if connection.in_atomic_block:
        return _check_stored(batch, by, ip)
    preview_stored_batch.enqueue(batch.pk, by.pk, ip)
    return batch


def _check_stored(batch: ImportBatch, by, ip: str | None) -> ImportBatch:
    """Read and check a stored batch: checking → previewed, or failed with the reason the whole file
    is refused. Nothing in the customer files changes."""
    policy = current_policy()
    try:
        report_progress(batch, "reading")
        table = _read_stored(batch, max_rows=policy.core.import_max_rows)
        report = validate_table(
            table,
            by=by,
            policy=policy,
            progress=lambda phase, done, total: report_progress(batch, phase, done, total),
        )
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportBatch.Status.CHECKING:  # failed meanwhile (interrupted)
                return locked
            _previewed(locked, table, report, by=by, policy=policy, request=task_request(ip, by))
    except DomainError as exc:
        return _fail_check(batch, exc.message)
    except Exception as exc:
        logger.exception("import batch %s: check failed", batch.pk)
        return _fail_check(batch, _("The file could not be checked: %(error)s") % {"error": exc})
    report_progress(locked, "previewed")
    return locked


def _fail_check(batch: ImportBatch, message: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
        status=ImportBatch.Status.FAILED, message=message[:2000], finished_at=timezone.now()
    )
    batch.refresh_from_db()
    report_progress(batch, "failed")
    return batch


@task()
def preview_stored_batch(batch_id: int, by_id: int, ip: str | None) -> str:
    """The preview the worker runs: read and check every row of an uploaded file (a 10,000-row file
    takes seconds: not in the request)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    by = User.objects.get(pk=by_id)
    return _check_stored(batch, by, ip).status


def release_interrupted_checks(*, batch_ids: list[int]) -> int:
    """Batches whose check a dead worker left half-way fail at once, saying so (nothing was saved)."""
    released = 0
    for batch in ImportBatch.objects.filter(pk__in=batch_ids, status=ImportBatch.Status.CHECKING):
        _fail_check(batch, _("The check of the file was interrupted; upload it again."))
        released += 1
    return released


def _row_numbers(report: Report) -> dict:
    return {
        "valid": [r.number for r in report.rows if not r.errors and not r.warnings],
        "warning": [r.number for r in report.rows if not r.errors and r.warnings],
    }


def _shown(batch: ImportBatch, include_warnings: bool) -> set[int] | None:
    """Row numbers the preview offered for this confirm (None for a batch previewed before they were kept)."""
    rows = (batch.result or {}).get("preview_rows")
    if rows is None:
        return None
    return set(rows["valid"]) | (set(rows["warning"]) if include_warnings else set())


# --- Confirm --------------------------------------------------------------------------------------
def _claim(*, batch: ImportBatch, by, include_warnings: bool) -> ImportBatch:
    """previewed → importing, once: a second confirm (double click, second tab) is refused. The
    actor still needs the import capability (it may have been withdrawn since the preview)."""
    customer_services.require_capability(by, CustomerPermission.IMPORT)
    if batch.created_by_id != by.pk:
        raise PermissionDenied
    if batch.status == ImportBatch.Status.PREVIEWED and not (
        batch.valid_rows or (include_warnings and batch.warning_rows)
    ):
        raise refuse(ImportErrorCode.NOTHING_TO_IMPORT)
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.IMPORTING, include_warnings=include_warnings, started_at=timezone.now()
    )
    batch.refresh_from_db()
    if not claimed:
        raise refuse(ImportErrorCode.NOT_PREVIEWED, status=batch.get_status_display())
    report_progress(batch, "reading")
    return batch


def run_import(
    *, batch: ImportBatch, by, include_warnings: bool = False, ip: str | None = None
) -> ImportBatch:
    """Confirm a previewed batch and import it here and now (the synchronous path; the task that
    start_import() queues runs the same). Returns the batch, imported or failed."""
    _claim(batch=batch, by=by, include_warnings=include_warnings)
    return _execute(batch, by, ip)


def start_import(*, batch: ImportBatch, by, include_warnings: bool = False, request=None) -> str | None:
    """Confirm a batch and hand its import to the task worker (`manage.py worker`), which reports
    progress through the cache. The claim and the task are written in one transaction: a batch is
    never claimed without a task to import it, nor queued twice. Returns the task's id — or None when
    the import ran here and now because the caller is inside a transaction (the worker could not see
    its uncommitted data: ATOMIC_REQUESTS, or a test's wrapping transaction)."""
    ip = client_ip(request)
    if connection.in_atomic_block:
        _claim(batch=batch, by=by, include_warnings=include_warnings)
        _execute(batch, by, ip)
        return None
    with transaction.atomic():
        _claim(batch=batch, by=by, include_warnings=include_warnings)
        result = import_confirmed_batch.enqueue(batch.pk, by.pk, ip)
    return result.id


@task()
def import_confirmed_batch(batch_id: int, by_id: int, ip: str | None) -> str:
    """The task the worker runs: import a claimed batch, all or nothing (a failure is recorded on the
    batch by _execute; a killed worker leaves nothing partial, and `manage.py worker` hands such a
    batch back for another confirm when it starts)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    by = User.objects.get(pk=by_id)
    return _execute(batch, by, ip).status


@transaction.atomic
def release_interrupted(*, batch_ids: list[int]) -> int:
    """Batches whose import a dead worker left half-way (nothing of it was committed: the import is one
    transaction) go back to "previewed" with a message, to be confirmed again. Returns how many."""
    released = 0
    for batch in ImportBatch.objects.select_for_update().filter(
        pk__in=batch_ids, status=ImportBatch.Status.IMPORTING
    ):
        batch.status = ImportBatch.Status.PREVIEWED
        batch.message = _("The import was interrupted and nothing was saved. Confirm it again.")
        batch.started_at = None
        batch.save(update_fields=["status", "message", "started_at"])
        report_progress(batch, "interrupted")
        record_event("customer.import_interrupted", obj=batch, data={"file": batch.original_name})
        released += 1
    return released


def _read_stored(batch: ImportBatch, *, max_rows: int) -> Table:
    with default_storage.open(batch.stored_name, "rb") as stored:
        fileobj = stored if stored.seekable() else io.BytesIO(stored.read())
        return read_table(fileobj, name=batch.original_name, max_rows=max_rows)


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, message=message[:2000], finished_at=timezone.now(), imported_rows=0
    )
    batch.refresh_from_db()
    report_progress(batch, "failed")
    return batch


def _execute(batch: ImportBatch, by, ip: str | None) -> ImportBatch:
    policy = current_policy()
    try:
        table = _read_stored(batch, max_rows=policy.core.import_max_rows)
        report = validate_table(
            table,
            by=by,
            policy=policy,
            progress=lambda phase, done, total: report_progress(batch, phase, done, total),
        )
        rows = report.importable(batch.include_warnings)
        shown = _shown(batch, batch.include_warnings)
        if shown is not None and shown != {r.number for r in rows}:
            changed = sorted(shown ^ {r.number for r in rows})
            raise refuse(ImportErrorCode.CHANGED_SINCE_PREVIEW, rows=", ".join(map(str, changed[:10])))
        if not rows:
            raise refuse(ImportErrorCode.NOTHING_TO_IMPORT)
        _index(search_index.index_missing)  # customers an earlier import left unindexed (a crash)
        prepared = saving.prepare(rows, by=by, policy=policy, batch=batch, ip=ip)
        try:
            _write(prepared, batch, report, by=by, policy=policy, ip=ip)
        finally:
            saving.drop_staged(prepared)
    except DomainError as exc:
        return _fail(batch, exc.message)
    except Exception as exc:
        logger.exception("import batch %s failed", batch.pk)
        return _fail(batch, _("The import failed and nothing was saved: %(error)s") % {"error": exc})
    _index(saving.index_new, prepared)  # SQLite: after the commit, in short transactions
    report_progress(batch, "done", batch.imported_rows, batch.imported_rows)
    return batch


def _index(work, *args) -> None:
    """Search-index upkeep around an import: a failure here loses no data (the customers are saved
    or not, whatever it does) and the next import or worker start adds what is missing."""
    try:
        work(*args)
    except Exception:
        logger.exception("search index upkeep failed; the next import adds what is missing")


def _write(prepared, batch: ImportBatch, report: Report, *, by, policy, ip: str | None) -> None:
    """The confirm's one transaction. On SQLite it holds the database's write lock: only the writes
    are in it."""
    with transaction.atomic():
        created, result, specs = saving.write(prepared)
        for key, value in _counts(report).items():
            setattr(batch, key, value)
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_rows = len(created)
        batch.policy_version = policy.version
        batch.result = result
        batch.finished_at = timezone.now()
        batch.message = ""
        batch.save()
        specs.append(
            spec(
                "customer.import",
                actor=by,
                obj=batch,
                data={
                    "file": batch.original_name,
                    "imported": len(created),
                    "rows": batch.total_rows,
                    "skipped_errors": batch.error_rows,
                    "skipped_warnings": 0 if batch.include_warnings else batch.warning_rows,
                    "file_nos": result.get("file_nos", {}),
                    "policy_version": policy.version,
                },
            )
        )
        for s in specs:
            s.ip = ip
        # Last, so the audit chain's lock is held for the shortest time.
        append_events(specs, staged=prepared.staged.get("audit"))
