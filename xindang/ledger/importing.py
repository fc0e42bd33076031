"""Trade entries from a spreadsheet (.xlsx / .csv), with the customer import's behaviour: upload →
preview (every row checked, problems listed, nothing posted) → confirm (all rows in one transaction,
or nothing). The file-format helpers are the customer import's (customers.importing.reading).

Column headers are part of the file format (users match them by eye), so the Chinese and English
header texts below are literal data, not UI strings.
"""

import csv
import io
import logging
import os
import uuid

import openpyxl
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from xindang.accounts.models import User
from xindang.audit.services import client_ip, record_event
from xindang.core.errors import DomainError
from xindang.core.tasks import task_request
from xindang.customers.importing import reading
from xindang.customers.importing.columns import header_key
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from . import services
from .errors import LedgerError
from .models import EntryKind, LedgerImport
from .permissions import LedgerPermission

logger = logging.getLogger(__name__)

COLUMNS = {
    "customer_id": ("客户ID", "Customer ID"),
    "customer_code": ("客户代码", "Customer code", "客户编码", "客户编号"),
    "file_no": ("档案号", "File number", "档案编号"),
    "customer_name": ("客户名称", "Customer name", "客户"),
    "kind": ("类型", "Kind", "业务类型", "单据类型"),
    "entry_on": ("日期", "Date", "业务日期", "单据日期", "Entry date"),
    "amount": ("金额", "Amount"),
    "currency": ("币种", "Currency"),
    "due_on": ("到期日", "Due on", "Due date"),
    "term_days": ("账期(天)", "Term (days)", "账期"),
    "external_id": ("单据号", "External id", "单号", "外部单号", "Document number"),
    "source_system": ("来源系统", "Source system"),
    "reverses": ("冲销单据号", "Reverses"),
    # A note settlement names the note it settles; an invoice, the shipment it bills.
    "settles": ("结清票据单据号", "Settles note", "开票对应发货单号", "Bills shipment"),
    "note_no": ("票据号", "Bill number", "汇票号码"),
    "note_matures_on": ("票据到期日", "Bill matures on"),
    "memo": ("摘要", "Memo", "备注"),
}
HEADER_INDEX = {header_key(t): f for f, texts in COLUMNS.items() for t in (f, *texts)}
KIND_SYNONYMS = {
    "赊销": "shipment",
    "发货": "shipment",
    "赊销发货": "shipment",
    "发票": "invoice",
    "开票": "invoice",
    "回款": "payment",
    "收款": "payment",
    "预付款": "prepayment",
    "预付": "prepayment",
    "到货": "goods_received",
    "承兑汇票": "note_received",
    "收到票据": "note_received",
    "票据": "note_received",
    "票据结清": "note_settled",
    "票据到期": "note_settled",
    "贴现": "note_settled",
    "退货": "credit_note",
    "红字发票": "credit_note",
    "冲销": "reversal",
    "红冲": "reversal",
}
HEADER_SCAN_ROWS = 20


def _kind_index() -> dict[str, str]:
    index = {header_key(k): v for k, v in KIND_SYNONYMS.items()}
    for value, _label in EntryKind.choices:
        index[header_key(value)] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                index.setdefault(header_key(str(EntryKind(value).label)), value)
    return index


def read_rows(fileobj, *, name: str, max_rows: int) -> tuple[str, list[tuple[int, dict]]]:
    """(format, [(row number as seen in Excel, {field: cell})]). Raises the customer import's
    DomainErrors for files that are not really .xlsx/.csv."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    fmt = reading.file_format(name, head)
    if fmt == reading.XLSX:
        reading.check_ooxml(fileobj)  # the customer import's check, reused
        try:
            workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise DomainError(LedgerError.IMPORT_UNREADABLE) from exc
        try:
            rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
    else:
        text = reading.decode_text(fileobj.read())
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=reading.guess_delimiter(text)))
    for number, cells in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        mapping = {}
        for i, cell in enumerate(cells):
            f = HEADER_INDEX.get(header_key(reading.cell_text(cell)))
            if f and f not in mapping.values():
                mapping[i] = f
        fields = set(mapping.values())
        if {"kind", "amount", "entry_on"} <= fields and fields & {
            "customer_id",
            "customer_code",
            "file_no",
            "customer_name",
        }:
            out = []
            for n, cells2 in enumerate(rows[number:], start=number + 1):
                values = {f: cells2[i] for i, f in mapping.items() if i < len(cells2)}
                if all(reading.is_blank(v) for v in values.values()):
                    continue
                out.append((n, values))
                if len(out) > max_rows:
                    raise DomainError(LedgerError.IMPORT_TOO_MANY_ROWS, n=max_rows)
            if not out:
                raise DomainError(LedgerError.IMPORT_NO_ROWS)
            return fmt, out
    raise DomainError(LedgerError.IMPORT_WRONG_COLUMNS)


def _customer_lookup(rows) -> dict:
    codes = {reading.cell_text(v.get("customer_code")) for _n, v in rows} - {""}
    files = {reading.cell_text(v.get("file_no")) for _n, v in rows} - {""}
    names = {reading.cell_text(v.get("customer_name")) for _n, v in rows} - {""}
    found = {}
    for c in Customer.objects.filter(code__in=codes).only("pk", "code"):
        found[("code", c.code)] = c.pk
    for c in Customer.objects.filter(file_no__in=files).only("pk", "file_no"):
        found[("file", c.file_no)] = c.pk
    for c in Customer.objects.filter(name__in=names).only("pk", "name"):
        found[("name", c.name)] = None if ("name", c.name) in found else c.pk  # ambiguous → None
    return found


def to_service_rows(rows, *, source_system: str) -> tuple[list[dict], dict[int, list[str]]]:
    """Cells → post_trade_entries rows; cell problems by row index."""
    lookup = _customer_lookup(rows)
    kinds = _kind_index()
    out, problems = [], {}
    for index, (_n, v) in enumerate(rows):
        errs = []
        cid = reading.cell_text(v.get("customer_id"))
        customer = int(cid) if cid.isdigit() else None
        for field, key in (("customer_code", "code"), ("file_no", "file"), ("customer_name", "name")):
            text = reading.cell_text(v.get(field))
            if customer is None and text:
                customer = lookup.get((key, text))
        kind_text = reading.cell_text(v.get("kind"))
        kind = kinds.get(header_key(kind_text), kind_text)
        try:
            amount = reading.parse_amount(v.get("amount"))
        except ValueError:
            amount = None
            errs.append(_("The amount is not a number."))
        dates = {}
        for field in ("entry_on", "due_on", "note_matures_on"):
            try:
                dates[field] = reading.parse_date(v.get(field))
            except ValueError:
                dates[field] = None
                errs.append(_("Not a date: %(value)s") % {"value": reading.cell_text(v.get(field))})
        term = reading.cell_text(v.get("term_days"))
        source = reading.cell_text(v.get("source_system")) or source_system
        row = {
            "customer": customer
            if customer is not None
            else reading.cell_text(v.get("customer_name")) or "?",
            "kind": kind,
            "amount": amount,
            "entry_on": dates["entry_on"],
            "due_on": dates["due_on"],
            "term_days": int(term) if term.isdigit() else None,
            "currency": reading.cell_text(v.get("currency")).upper() or "CNY",
            "source_system": source,
            "external_id": reading.cell_text(v.get("external_id")) or None,
            "note_no": reading.cell_text(v.get("note_no")),
            "note_matures_on": dates["note_matures_on"],
            "memo": reading.cell_text(v.get("memo")),
        }
        for field in ("reverses", "settles"):
            ref = reading.cell_text(v.get(field))
            if ref:
                row[field] = {"source_system": source, "external_id": ref}
        out.append(row)
        if errs:
            problems[index] = errs
    return out, problems


BUSY = (LedgerImport.Status.CHECKING, LedgerImport.Status.POSTING)  # the worker is at it


# --- Preview: the check, as a task of the worker ----------------------------------------------------
def _store(*, by, upload, source_system: str) -> LedgerImport:
    """Refuse a file too large or not really .xlsx/.csv at once; store it and write the import,
    "checking". Needs the import capability."""
    services.require_capability(by, LedgerPermission.IMPORT)
    limit = current_policy().core.upload_limit_mb
    if upload.size is None or upload.size > limit * 1024 * 1024:
        raise DomainError(LedgerError.IMPORT_TOO_LARGE, n=limit)
    original = os.path.basename((upload.name or "").replace("\\", "/"))[:255] or "upload"
    upload.seek(0)
    fmt = reading.file_format(original, upload.read(8))
    token = uuid.uuid4()
    upload.seek(0)
    stored = default_storage.save(f"imports/ledger-{token.hex}", upload)
    try:
        return LedgerImport.objects.create(
            token=token,
            created_by=by,
            original_name=original,
            stored_name=stored,
            file_format=fmt,
            source_system=source_system[:40] or "import",
            status=LedgerImport.Status.CHECKING,
            started_at=timezone.now(),
        )
    except BaseException:
        default_storage.delete(stored)
        raise


def _check(batch_id: int, by, request=None, *, refuse: bool = False) -> LedgerImport:
    """Read and check every row of a stored import (posts nothing): checking → previewed with its
    counts and problems, or failed with the reason the whole file is refused."""
    batch = LedgerImport.objects.get(pk=batch_id)
    try:
        with default_storage.open(batch.stored_name, "rb") as f:
            _fmt, rows = read_rows(f, name=batch.original_name, max_rows=current_policy().ledger.max_batch)
        service_rows, cell_problems = to_service_rows(rows, source_system=batch.source_system)
        check = services.check_trade_entries(rows=service_rows, within=None)
    except DomainError as exc:
        if refuse:
            raise
        LedgerImport.objects.filter(pk=batch_id, status=LedgerImport.Status.CHECKING).update(
            status=LedgerImport.Status.FAILED, message=exc.message[:2000], finished_at=timezone.now()
        )
        batch.refresh_from_db()
        return batch
    problems = []
    bad = set(cell_problems) | set(check["errors"])
    for index in sorted(bad):
        for message in cell_problems.get(index, []) + check["errors"].get(index, []):
            problems.append({"row": rows[index][0], "message": message})
    with transaction.atomic():
        updated = LedgerImport.objects.filter(pk=batch_id, status=LedgerImport.Status.CHECKING).update(
            status=LedgerImport.Status.PREVIEWED,
            total_rows=len(rows),
            error_rows=len(bad),
            new_rows=check["new"],
            existing_rows=check["existing"],
            problems=problems[:1000],
            started_at=None,
        )
        if updated:
            record_event(
                "ledger.import_preview",
                actor=by,
                request=request,
                object_type="ledger.ledgerimport",
                object_id=str(batch_id),
                data={"file": batch.original_name, "rows": len(rows), "errors": len(bad)},
            )
    batch.refresh_from_db()
    return batch


def preview_ledger_import(*, by, upload, source_system="import", request=None) -> LedgerImport:
    """Read and check an uploaded spreadsheet of entries here and now; store the file and the
    problems. Posts nothing. Needs the import capability. A file refused as a whole (unreadable,
    wrong columns, too many rows) raises its DomainError and leaves nothing. The screens use
    start_ledger_preview."""
    batch = _store(by=by, upload=upload, source_system=source_system)
    try:
        return _check(batch.pk, by, request, refuse=True)
    except BaseException:
        default_storage.delete(batch.stored_name)
        batch.delete()
        raise


def start_ledger_preview(*, by, upload, source_system="import", request=None) -> LedgerImport:
    """Store an upload and hand its check to the task worker; the import page shows "checking" until
    the preview is ready. Inside a transaction (a test's) the check runs here and now."""
    batch = _store(by=by, upload=upload, source_system=source_system)
    if connection.in_atomic_block:
        return _check(batch.pk, by, request)
    check_ledger_import.enqueue(batch.pk, by.pk, client_ip(request))
    return batch


@task()
def check_ledger_import(batch_id: int, by_id: int, ip: str | None) -> str:
    """The preview the worker runs: read and check every row of a stored import."""
    by = User.objects.get(pk=by_id)
    return _check(batch_id, by, task_request(ip, by)).status


# --- Confirm: the batch post, as a task of the worker -------------------------------------------------
def _claim(*, batch: LedgerImport, by) -> None:
    """previewed → posting, once (a second confirm, a double click, a second tab is refused)."""
    services.require_capability(by, LedgerPermission.IMPORT)
    current = LedgerImport.objects.filter(pk=batch.pk).values_list("status", "error_rows").first()
    status, error_rows = current or ("", 0)
    if status == LedgerImport.Status.CHECKING:
        raise DomainError(LedgerError.IMPORT_CHECKING)
    if status == LedgerImport.Status.PREVIEWED and error_rows:
        raise DomainError(LedgerError.IMPORT_HAS_ERRORS)
    claimed = LedgerImport.objects.filter(pk=batch.pk, status=LedgerImport.Status.PREVIEWED).update(
        status=LedgerImport.Status.POSTING, message="", started_at=timezone.now()
    )
    if not claimed:
        raise DomainError(LedgerError.IMPORT_DONE)


def _fail(batch_id: int, message: str) -> None:
    LedgerImport.objects.filter(pk=batch_id).update(
        status=LedgerImport.Status.FAILED, message=message[:2000], finished_at=timezone.now(), imported_rows=0
    )


def _post(batch_id: int, by, request=None) -> LedgerImport:
    """Post a claimed import: the file is read and its rows turned into entries outside the
    transaction; every row is posted in one transaction (post_trade_entries), or none. A failure is
    recorded on the import (failed, with its message)."""
    batch = LedgerImport.objects.get(pk=batch_id)
    try:
        with default_storage.open(batch.stored_name, "rb") as f:
            _fmt, rows = read_rows(f, name=batch.original_name, max_rows=current_policy().ledger.max_batch)
        service_rows, cell_problems = to_service_rows(rows, source_system=batch.source_system)
        if cell_problems:
            raise DomainError(LedgerError.IMPORT_HAS_ERRORS)
        with transaction.atomic():
            locked = LedgerImport.objects.select_for_update().get(pk=batch_id)
            if locked.status != LedgerImport.Status.POSTING:  # handed back meanwhile, or done
                raise DomainError(LedgerError.IMPORT_DONE)
            results = services.post_trade_entries(rows=service_rows, by=by, request=request)
            locked.status = LedgerImport.Status.IMPORTED
            locked.imported_rows = sum(1 for _e, c in results if c)
            locked.finished_at = timezone.now()
            locked.message = ""
            locked.save(update_fields=["status", "imported_rows", "finished_at", "message"])
            record_event(
                "ledger.import",
                actor=by,
                request=request,
                object_type="ledger.ledgerimport",
                object_id=str(locked.pk),
                data={"file": locked.original_name, "imported": locked.imported_rows},
            )
    except DomainError as exc:
        message = exc.message
        errors = exc.params.get("errors")
        if isinstance(errors, dict) and errors:  # ledger.batch_invalid: the first rows' problems
            message = f"{message} ({'; '.join(f'{k}: {v[0]}' for k, v in list(errors.items())[:5] if v)})"
        _fail(batch_id, message)
    except Exception as exc:
        logger.exception("ledger import %s failed", batch_id)
        _fail(batch_id, _("The import failed and nothing was posted: %(error)s") % {"error": exc})
    batch.refresh_from_db()
    return batch


def confirm_ledger_import(*, batch: LedgerImport, by, request=None) -> LedgerImport:
    """Post every row of a previewed import here and now, in one transaction (or nothing); once.
    Returns the import, imported or failed (with its message). The screens use start_ledger_import."""
    _claim(batch=batch, by=by)
    return _post(batch.pk, by, request)


def start_ledger_import(*, batch: LedgerImport, by, request=None) -> str | None:
    """Confirm an import and hand its posting to the task worker (`manage.py worker`): the claim and
    the task are written in one transaction. Returns the task's id — or None when the posting ran
    here and now because the caller is inside a transaction (the worker could not see it)."""
    if connection.in_atomic_block:
        confirm_ledger_import(batch=batch, by=by, request=request)
        return None
    with transaction.atomic():
        _claim(batch=batch, by=by)
        result = post_ledger_import.enqueue(batch.pk, by.pk, client_ip(request))
    return result.id


@task()
def post_ledger_import(batch_id: int, by_id: int, ip: str | None) -> str:
    """The batch post the worker runs: every row of a claimed import, all or nothing. A worker killed
    half-way leaves nothing posted; `manage.py worker` hands the import back for another confirm,
    which posts each entry once (entries are idempotent by source system and external id)."""
    by = User.objects.get(pk=by_id)
    return _post(batch_id, by, task_request(ip, by)).status


@transaction.atomic
def release_interrupted_checks(*, batch_ids: list[int]) -> int:
    """Imports whose check a dead worker left half-way fail at once, saying so (nothing was posted)."""
    return LedgerImport.objects.filter(pk__in=batch_ids, status=LedgerImport.Status.CHECKING).update(
        status=LedgerImport.Status.FAILED,
        message=_("The check of the file was interrupted; upload it again."),
        finished_at=timezone.now(),
    )


@transaction.atomic
def release_interrupted(*, batch_ids: list[int]) -> int:
    """Imports whose posting a dead worker left half-way (nothing of it was committed) go back to
    "previewed" with a message, to be confirmed again. Returns how many."""
    released = 0
    for batch in LedgerImport.objects.select_for_update().filter(
        pk__in=batch_ids, status=LedgerImport.Status.POSTING
    ):
        batch.status = LedgerImport.Status.PREVIEWED
        batch.message = _("The posting was interrupted and nothing was posted. Confirm it again.")
        batch.started_at = None
        batch.save(update_fields=["status", "message", "started_at"])
        record_event(
            "ledger.import_interrupted",
            object_type="ledger.ledgerimport",
            object_id=str(batch.pk),
            data={"file": batch.original_name},
        )
        released += 1
    return released
