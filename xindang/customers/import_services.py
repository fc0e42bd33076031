"""Customer import from a spreadsheet (preview, confirm) and the customer-list export.

The way users arrive from their old spreadsheets (seed 001 客户档案的管理模式 1, files kept in EXCEL):

* preview_import() reads the upload (spreadsheets.read_table: content sniffed, never the extension
  trusted), checks every row with the domain code (rules, validators, the model's full_clean, the
  duplicate rules), stores the file under imports/<random> and writes an ImportBatch with the list of
  problems. Nothing in the customer files changes.
* run_import() / start_import() re-read and re-check the file (data may have changed since the
  preview) and create ALL importable rows in ONE transaction with bulk operations: file numbers per
  department in one block, history, tags, primary contacts and audit events in bulk. Any failure
  rolls everything back and marks the batch failed. A batch is confirmed at most once.
* export_customers() writes the list the user sees (same visibility and filters as the list page)
  to .xlsx and records who exported what.
"""

import difflib
import io
import logging
import os
import tempfile
import threading
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from xindang.accounts.models import Department, User
from xindang.audit.services import client_ip, record_event, record_events, spec
from xindang.core import numbering
from xindang.core.errors import DomainError
from xindang.core.models import Sequence
from xindang.policy.selectors import current_policy

from . import rules, selectors, services, spreadsheets
from .models import Contact, Customer, ImportBatch, Tag
from .permissions import CustomerPermission
from .spreadsheets import COLUMN_BY_FIELD, COLUMNS, ImportErrorCode, refuse
from .validators import CREDIT_CODE_MESSAGES

logger = logging.getLogger(__name__)

PROBLEMS_KEPT = 5000  # problems stored on a batch (the counts are always complete)
PROGRESS_EVERY = 500  # rows between two progress reports
SAVE_CHUNK = 1000  # customers per bulk insert round (a progress step while saving)
INTERRUPTED_AFTER = timedelta(minutes=15)  # "importing" with no progress for this long: the worker died
SIMILAR_CANDIDATES = 20  # names scored per row after the cheap 2-character pre-selection

TEXT_FIELDS = [c.field for c in COLUMNS if c.kind == "text" and not c.field.startswith("contact_")]
CHOICE_FIELDS = [c.field for c in COLUMNS if c.kind == "choice"]
DATE_FIELDS = [c.field for c in COLUMNS if c.kind == "date"]
CONTACT_FIELDS = {"contact_name": "name", "contact_phone": "phone", "contact_mobile": "mobile"}


# --- Problems ---------------------------------------------------------------------------------------
def problem_message(problem: dict) -> str:
    """The text of a stored problem, in the language of whoever reads it."""
    code, params = problem.get("code", ""), problem.get("params") or {}
    if code == ImportErrorCode.CREDIT_CODE_INVALID and params.get("problem") in CREDIT_CODE_MESSAGES:
        return str(CREDIT_CODE_MESSAGES[params["problem"]])
    try:
        return str(ImportErrorCode(code).label) % params
    except (ValueError, KeyError, TypeError):
        return str(params.get("detail") or code)


@dataclass
class RowCheck:
    number: int
    customer: Customer | None = None
    tags: list[str] = field(default_factory=list)
    contact: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


@dataclass
class Report:
    rows: list[RowCheck]
    empty_rows: int
    headers: dict
    ignored: list[str]

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def warning_rows(self) -> int:
        return sum(1 for r in self.rows if r.warnings and not r.errors)

    @property
    def valid_rows(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.warnings)

    def importable(self, include_warnings: bool) -> list[RowCheck]:
        return [r for r in self.rows if not r.errors and (include_warnings or not r.warnings)]

    def problems(self) -> list[dict]:
        out = []
        for r in self.rows:
            out.extend(r.errors)
            out.extend(r.warnings)
        return out


def _grams(core: str) -> set[str]:
    return {core} if len(core) <= 2 else {core[i : i + 2] for i in range(len(core) - 1)}


class SimilarNames:
    """Very similar names (rules.similar_names at policy.core.duplicate_name_similarity) among the
    existing files and the rows above in the file, without a query per row.

    Like selectors.similar_customers, candidates share a 2-character piece of the distinctive name
    (rules.name_core) — here looked up in an in-memory index, rarest pieces first. A candidate whose
    core cannot reach the threshold (difflib's quick_ratio, an upper bound of the ratio the rule
    computes) is dropped; the rule itself decides on the rest."""

    RAREST = 4  # pieces of a name used to pick candidates
    COMMON = 1000  # a piece found in more names than this picks none (科技, 贸易 …)
    SCORED = 8  # candidates (most shared pieces first) that get a closer look

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.labels: list[str] = []
        self.names: list[str] = []
        self.cores: list[str] = []
        self.exact: dict[str, int] = {}
        self.index: dict[str, list[int]] = defaultdict(list)

    def add(self, name: str, label: str, core: str | None = None) -> None:
        core = rules.name_core(name) if core is None else core
        if not core:
            return
        position = len(self.names)
        self.names.append(name)
        self.labels.append(label)
        self.cores.append(core)
        self.exact.setdefault(core, position)
        for gram in _grams(core):
            self.index[gram].append(position)

    def find(self, name: str, core: str | None = None) -> str | None:
        """The label of the most similar name at or above the threshold, or None."""
        core = rules.name_core(name) if core is None else core
        if not core:
            return None
        if core in self.exact:  # same distinctive name, other legal form: similarity 1.0
            return self.labels[self.exact[core]]
        postings = sorted((p for p in (self.index.get(g) for g in _grams(core)) if p), key=len)
        counts: Counter = Counter()
        for posting in postings[: self.RAREST]:
            if len(posting) <= self.COMMON:
                counts.update(posting)
        matcher = difflib.SequenceMatcher(None, b=core)
        candidates = []
        for position, _shared in counts.most_common(self.SCORED):
            matcher.set_seq1(self.cores[position])
            if matcher.real_quick_ratio() >= self.threshold and matcher.quick_ratio() >= self.threshold:
                candidates.append((position, self.names[position]))
        scored = rules.similar_names(name, candidates, self.threshold)
        return self.labels[scored[0][0]] if scored else None


class RowValidator:
    """Checks rows of one table against the database as it is now (lookups loaded once)."""

    def __init__(self, *, by, policy, table: spreadsheets.Table):
        self.by, self.policy, self.table = by, policy, table
        self.unrestricted = by.is_superuser or by.has_perm(CustomerPermission.VIEW_ALL)
        self.choices = spreadsheets.choice_lookup()
        self.departments: dict[str, Department] = {}
        for dept in Department.objects.filter(is_active=True):
            for text in (dept.code, dept.name, dept.name_en):
                if text:
                    self.departments.setdefault(spreadsheets.header_key(text), dept)
        self.users_by_name: dict[str, User] = {}
        self.users_by_display: dict[str, list[User]] = defaultdict(list)
        if "owner" in table.headers:
            for user in User.objects.filter(is_active=True).only(
                "id", "username", "display_name", "first_name", "last_name", "department_id"
            ):
                self.users_by_name[user.username] = user
                self.users_by_display[rules.normalize_name(user.get_full_name())].append(user)
        codes = set()
        for raw in table.rows:
            code = rules.normalize_credit_code(spreadsheets.cell_text(raw.values.get("credit_code")))
            if code:
                codes.add(code)
        self.existing_codes: dict[str, str] = {}
        code_list = sorted(codes)
        for start in range(0, len(code_list), 500):
            chunk = code_list[start : start + 500]
            self.existing_codes.update(
                Customer.objects.filter(credit_code__in=chunk).values_list("credit_code", "file_no")
            )
        self.seen_codes: dict[str, int] = {}
        self.similar = SimilarNames(policy.core.duplicate_name_similarity)
        for name, file_no, core in Customer.objects.values_list("name", "file_no", "name_core").iterator(
            chunk_size=5000
        ):
            self.similar.add(name, f"{file_no} {name}", core or None)

    def _problem(self, row: RowCheck, field_name: str, code: ImportErrorCode, /, level="error", **params):
        problem = {
            "row": row.number,
            "column": self.table.headers.get(field_name, ""),
            "field": field_name,
            "code": str(code),
            "level": level,
            "params": {k: str(v) for k, v in params.items()},
        }
        (row.errors if level == "error" else row.warnings).append(problem)

    def check(self, raw: spreadsheets.RawRow) -> RowCheck:
        row = RowCheck(raw.number)
        values = raw.values
        bad: set[str] = set()
        for name, value in values.items():
            if spreadsheets.is_formula(value):
                self._problem(row, name, ImportErrorCode.FORMULA)
                bad.add(name)

        def get(name):
            return None if name in bad else values.get(name)

        data: dict = {name: spreadsheets.cell_text(get(name)) for name in TEXT_FIELDS if name in values}
        if not data.get("name") and "name" not in bad:
            self._problem(row, "name", ImportErrorCode.NAME_REQUIRED)
        if not data.get("name"):
            bad.add("name")
        self._check_credit_code(row, data, get("credit_code"), bad)
        department = self._department(row, get("department"), bad)
        owner = self._owner(row, get("owner"), department, bad)
        if department is not None and owner is not None and not self.unrestricted:
            try:
                services.check_assignment(by=self.by, department=department, owner=owner)
            except DomainError as exc:
                self._problem(row, exc.field or "owner", ImportErrorCode.NOT_ALLOWED, detail=exc.message)
        for name in CHOICE_FIELDS:
            text = spreadsheets.cell_text(get(name))
            if not text:
                continue
            code = self.choices[name].get(spreadsheets.header_key(text))
            if code is None:
                self._problem(row, name, ImportErrorCode.CHOICE_UNKNOWN, value=text)
                bad.add(name)
            else:
                data[name] = code
        if "registered_capital" in values and "registered_capital" not in bad:
            raw_capital = values["registered_capital"]
            try:
                amount = spreadsheets.parse_amount(raw_capital)
            except ValueError:
                self._problem(
                    row,
                    "registered_capital",
                    ImportErrorCode.NUMBER_INVALID,
                    value=spreadsheets.cell_text(raw_capital),
                )
                bad.add("registered_capital")
            else:
                if amount is not None and amount < 0:
                    self._problem(row, "registered_capital", ImportErrorCode.NUMBER_NEGATIVE)
                    bad.add("registered_capital")
                else:
                    data["registered_capital"] = amount
        for name in DATE_FIELDS:
            if name not in values or name in bad:
                continue
            try:
                data[name] = spreadsheets.parse_date(values[name])
            except (ValueError, OverflowError):
                self._problem(
                    row, name, ImportErrorCode.DATE_INVALID, value=spreadsheets.cell_text(values[name])
                )
                bad.add(name)
        row.tags = sorted({t[:30] for t in spreadsheets.split_tags(get("tags"))})
        row.contact = {
            target: spreadsheets.cell_text(get(source))
            for source, target in CONTACT_FIELDS.items()
            if get(source)
        }
        customer = Customer(**{k: v for k, v in data.items() if k in services.EDITABLE_FIELDS})
        customer.department, customer.owner = department, owner
        # As services.refresh_search_fields() normalises them; the pinyin is computed on saving.
        customer.name = rules.normalize_name(customer.name)
        customer.name_core = rules.name_core(customer.name)
        self._full_clean(row, customer, bad, data.keys())
        if row.contact:
            self._full_clean_contact(row)
        if not row.errors:
            found = self.similar.find(customer.name, customer.name_core)
            if found:
                self._problem(row, "name", ImportErrorCode.SIMILAR_NAME, level="warning", other=found)
            self.similar.add(
                customer.name,
                _("row %(row)s: %(name)s") % {"row": row.number, "name": customer.name},
                customer.name_core,
            )
            row.customer = customer
        return row

    def _check_credit_code(self, row, data, value, bad):
        code = rules.normalize_credit_code(spreadsheets.cell_text(value))
        data["credit_code"] = code or None
        if not code:
            return
        problem = rules.credit_code_problem(code)
        if problem:
            self._problem(row, "credit_code", ImportErrorCode.CREDIT_CODE_INVALID, problem=problem)
            bad.add("credit_code")
            return
        first = self.seen_codes.setdefault(code, row.number)
        if first != row.number:
            self._problem(row, "credit_code", ImportErrorCode.DUPLICATE_IN_FILE, row=first)
        elif code in self.existing_codes:
            self._problem(
                row, "credit_code", ImportErrorCode.DUPLICATE_CREDIT_CODE, file_no=self.existing_codes[code]
            )
        bad.add("credit_code")  # checked here; full_clean need not repeat it

    def _department(self, row, value, bad) -> Department | None:
        text = spreadsheets.cell_text(value)
        if not text:
            if "department" not in bad:
                self._problem(row, "department", ImportErrorCode.DEPARTMENT_REQUIRED)
            return None
        department = self.departments.get(spreadsheets.header_key(text))
        if department is None:
            self._problem(row, "department", ImportErrorCode.DEPARTMENT_UNKNOWN, value=text)
        return department

    def _owner(self, row, value, department, bad) -> User | None:
        text = spreadsheets.cell_text(value)
        if "owner" in bad:
            return None
        if not text:
            if department is None:
                return None
            if self.by.department_id == department.pk:
                return self.by
            self._problem(row, "owner", ImportErrorCode.OWNER_REQUIRED)
            return None
        owner = self.users_by_name.get(text)
        if owner is None:
            matches = self.users_by_display.get(rules.normalize_name(text), [])
            if len(matches) > 1:
                self._problem(row, "owner", ImportErrorCode.OWNER_AMBIGUOUS, value=text)
                return None
            owner = matches[0] if matches else None
        if owner is None:
            self._problem(row, "owner", ImportErrorCode.OWNER_UNKNOWN, value=text)
            return None
        if department is not None and owner.department_id != department.pk:
            self._problem(row, "owner", ImportErrorCode.OWNER_NOT_IN_DEPARTMENT, value=text)
            return None
        return owner

    def _full_clean(self, row, customer, bad, row_fields):
        """The model's own field validation (lengths, e-mail, URL, decimal digits) of the fields the
        file gives (the others keep their valid defaults). Department and owner were resolved above;
        the constraints are covered by the checks above (no query per row)."""
        given = {"name", "credit_code", *row_fields}
        exclude = {f.name for f in Customer._meta.fields if f.name not in given} | bad
        try:
            customer.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self._problem(row, name, ImportErrorCode.INVALID, detail=" ".join(str(m) for m in messages))

    def _full_clean_contact(self, row):
        contact = Contact(is_primary=True, **row.contact)
        try:
            contact.full_clean(exclude=["customer"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            reverse = {v: k for k, v in CONTACT_FIELDS.items()}
            for name, messages in exc.message_dict.items():
                self._problem(
                    row,
                    reverse.get(name, "contact_name"),
                    ImportErrorCode.INVALID,
                    detail=" ".join(str(m) for m in messages),
                )


def validate_table(table: spreadsheets.Table, *, by, policy, progress=None) -> Report:
    validator = RowValidator(by=by, policy=policy, table=table)
    checked = []
    total = len(table.rows)
    for index, raw in enumerate(table.rows, start=1):
        checked.append(validator.check(raw))
        if progress and index % PROGRESS_EVERY == 0:
            progress("validating", index, total)
    return Report(rows=checked, empty_rows=table.empty_rows, headers=table.headers, ignored=table.ignored)


# --- Progress (through the cache, shared by all worker processes) ---------------------------------
def _progress_key(batch: ImportBatch) -> str:
    return f"customers:import:{batch.token}"


def report_progress(batch: ImportBatch, phase: str, done: int = 0, total: int = 0) -> None:
    cache.set(_progress_key(batch), {"phase": phase, "done": done, "total": total}, timeout=3600)


def import_progress(batch: ImportBatch) -> dict:
    """{"status", "phase", "done", "total", "percent"} for the progress bar. A batch left "importing"
    without any progress for a long time was interrupted (the worker died): it is marked failed —
    its transaction never committed, so nothing was saved."""
    state = cache.get(_progress_key(batch)) or {}
    if (
        batch.status == ImportBatch.Status.IMPORTING
        and not state
        and batch.started_at
        and timezone.now() - batch.started_at > INTERRUPTED_AFTER
    ):
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING).update(
            status=ImportBatch.Status.FAILED,
            finished_at=timezone.now(),
            message=_("The import was interrupted; nothing was saved. Upload the file again."),
        )
        batch.refresh_from_db()
    phase = state.get("phase", "waiting" if batch.status == ImportBatch.Status.IMPORTING else batch.status)
    done, total = state.get("done", 0), state.get("total", 0)
    if batch.status == ImportBatch.Status.IMPORTED:
        percent = 100
    elif total:
        # validating is the first half of the work, saving the second
        half = 50 if phase == "saving" else 0
        percent = min(99, half + int(50 * done / total))
    else:
        percent = 0
    return {"status": batch.status, "phase": phase, "done": done, "total": total, "percent": percent}


# --- Reads for the screens ------------------------------------------------------------------------
def batches_for_user(user):
    """A user's own imports (the upload page lists the recent ones)."""
    return ImportBatch.objects.filter(created_by=user).order_by("-created_at", "-id")


def get_batch_for_user(user, pk) -> ImportBatch:
    """The user's own batch, or 404 — another user's import is not theirs to see or confirm."""
    from django.http import Http404

    try:
        return batches_for_user(user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


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


def preview_import(*, by, upload, request=None) -> ImportBatch:
    """Read and check an uploaded spreadsheet; store it and its list of problems as an ImportBatch.
    Refuses the whole file (DomainError, nothing stored) when it is too large, not really .xlsx/.csv,
    has the wrong columns or too many rows. Caller checks the import capability."""
    if not (by.is_superuser or by.has_perm(CustomerPermission.IMPORT)):
        raise PermissionDenied
    policy = current_policy()
    limit = policy.core.upload_limit_mb
    if upload.size is None or upload.size > limit * 1024 * 1024:
        raise refuse(ImportErrorCode.TOO_LARGE, limit=limit)
    original = os.path.basename((upload.name or "").replace("\\", "/"))[:255] or "upload"
    table = spreadsheets.read_table(upload, name=original, max_rows=policy.core.import_max_rows)
    report = validate_table(table, by=by, policy=policy)
    token = uuid.uuid4()
    upload.seek(0)
    stored = default_storage.save(f"imports/{token.hex}", upload)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                token=token,
                created_by=by,
                original_name=original,
                stored_name=stored,
                file_format=table.format,
                file_size=upload.size,
                policy_version=policy.version,
                **_counts(report),
            )
            record_event(
                "customer.import_preview",
                actor=by,
                request=request,
                obj=batch,
                data={
                    "file": original,
                    "format": table.format,
                    "size": upload.size,
                    "rows": batch.total_rows,
                    "valid": batch.valid_rows,
                    "warnings": batch.warning_rows,
                    "errors": batch.error_rows,
                    "policy_version": policy.version,
                },
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return batch


# --- Confirm --------------------------------------------------------------------------------------
def _claim(*, batch: ImportBatch, by, include_warnings: bool) -> ImportBatch:
    """previewed → importing, once: a second confirm (double click, second tab) is refused."""
    if batch.created_by_id != by.pk:
        raise PermissionDenied
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
    """Confirm a previewed batch and import it here and now (the synchronous path; the background
    thread of start_import() runs the same). Returns the batch, imported or failed."""
    _claim(batch=batch, by=by, include_warnings=include_warnings)
    return _execute(batch, by, ip)


def start_import(*, batch: ImportBatch, by, include_warnings: bool = False, request=None):
    """Confirm a batch and import it in a background thread, reporting progress through the cache.
    Returns the thread — or None when the import ran synchronously because the caller is inside a
    transaction (a thread could not see its uncommitted data: tests, ATOMIC_REQUESTS)."""
    ip = client_ip(request)
    _claim(batch=batch, by=by, include_warnings=include_warnings)
    if connection.in_atomic_block:
        _execute(batch, by, ip)
        return None
    thread = threading.Thread(
        target=_thread_main, args=(batch.pk, by.pk, ip), name=f"import-{batch.pk}", daemon=True
    )
    thread.start()
    return thread


def _thread_main(batch_id: int, by_id: int, ip: str | None) -> None:
    try:
        batch = ImportBatch.objects.get(pk=batch_id)
        by = User.objects.get(pk=by_id)
        _execute(batch, by, ip)
    except Exception:  # _execute records failures itself; this is the last resort
        logger.exception("import batch %s crashed", batch_id)
    finally:
        connections.close_all()  # this thread's connections only


def _read_stored(batch: ImportBatch, *, max_rows: int) -> spreadsheets.Table:
    with default_storage.open(batch.stored_name, "rb") as stored:
        fileobj = stored if stored.seekable() else io.BytesIO(stored.read())
        return spreadsheets.read_table(fileobj, name=batch.original_name, max_rows=max_rows)


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
        _predict_numbers([r.customer for r in rows], by=by, policy=policy)
        with transaction.atomic():
            created, result, specs = _create_customers(rows, by=by, policy=policy, batch=batch)
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
            record_events(specs)
    except DomainError as exc:
        return _fail(batch, exc.message)
    except Exception as exc:
        logger.exception("import batch %s failed", batch.pk)
        return _fail(batch, _("The import failed and nothing was saved: %(error)s") % {"error": exc})
    report_progress(batch, "done", batch.imported_rows, batch.imported_rows)
    return batch


def _bulk_create_with_history(objs: list, model, *, by, reason: str, key: str) -> None:
    """Insert rows and their "+" history records in bulk (simple-history's bulk_create_with_history).
    Where the database cannot return the new ids from a bulk insert (MySQL), they are read back by a
    unique key instead of simple-history's one-big-OR query."""
    if connection.features.can_return_rows_from_bulk_insert:
        bulk_create_with_history(objs, model, batch_size=500, default_user=by, default_change_reason=reason)
        return
    model.objects.bulk_create(objs, batch_size=500)
    values = [getattr(o, key) for o in objs]
    ids = {}
    for start in range(0, len(values), 500):
        ids.update(model.objects.filter(**{f"{key}__in": values[start : start + 500]}).values_list(key, "pk"))
    for obj in objs:
        obj.pk = ids[getattr(obj, key)]
    model.history.bulk_history_create(objs, batch_size=500, default_user=by, default_change_reason=reason)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _may_assign_codes(by) -> bool:
    return by.is_superuser or by.has_perm(CustomerPermission.ASSIGN_CODE)


def _by_department(customers: list[Customer]) -> tuple[dict, dict]:
    groups: dict[int, list[Customer]] = defaultdict(list)
    for customer in customers:
        groups[customer.department_id].append(customer)
    return groups, Department.objects.in_bulk(list(groups))


def _predict_numbers(customers: list[Customer], *, by, policy) -> None:
    """Before the transaction: give each customer the file number and code it will most likely get
    and compute its search fields (pinyin is the slow part) — so the transaction, which on SQLite
    holds the database's write lock, stays short. _create_customers() allocates the real numbers and
    recomputes the few whose guess was wrong (someone filed a customer in between)."""
    year = timezone.localdate().year
    groups, departments = _by_department(customers)

    def last(key: str) -> int:
        return Sequence.objects.filter(key=key).values_list("last_value", flat=True).first() or 0

    for dept_id, group in groups.items():
        code = departments[dept_id].code
        start = last(rules.file_sequence_key(code, year)) + 1
        for offset, customer in enumerate(group):
            customer.file_no = rules.file_number(
                policy.core.file_no_format, dept=code, year=year, seq=start + offset
            )
    if _may_assign_codes(by):
        start = last("customer.code") + 1
        for offset, customer in enumerate(customers):
            customer.code = policy.core.customer_code_format.format(seq=start + offset)
    for customer in customers:
        services.refresh_search_fields(customer)


def _create_customers(rows: list[RowCheck], *, by, policy, batch: ImportBatch):
    """All rows in the caller's transaction: numbers, customers, history, tags, contacts; returns
    (customers, result summary, audit specs)."""
    customers = [r.customer for r in rows]
    total = len(customers)
    result: dict = {"file_nos": {}}
    if not customers:
        return [], result, []
    report_progress(batch, "saving", 0, total)
    stale: set[int] = set()  # customers whose predicted numbers were not the ones allocated
    groups, departments = _by_department(customers)
    # One block of file numbers per department (按部门编号, seed 000 4.2), in a fixed order.
    for dept_id in sorted(groups, key=lambda pk: departments[pk].code):
        group = groups[dept_id]
        numbers = services.allocate_file_no(departments[dept_id], policy=policy, count=len(group))
        for customer, number in zip(group, numbers, strict=True):
            if customer.file_no != number:
                customer.file_no = number
                stale.add(id(customer))
        result["file_nos"][departments[dept_id].code] = [numbers[0], numbers[-1]]
    # Customer codes as services._assign_code_if_allowed gives them, in one block.
    if _may_assign_codes(by):
        first = numbering.allocate("customer.code", total)
        for offset, customer in enumerate(customers):
            code = policy.core.customer_code_format.format(seq=first + offset)
            if customer.code != code:
                customer.code = code
                stale.add(id(customer))
        result["codes"] = [customers[0].code, customers[-1].code]
    for customer in customers:
        customer.created_by = customer.updated_by = by
        if id(customer) in stale or not customer.search_text:
            services.refresh_search_fields(customer)
    reason = (_("Imported from %(file)s") % {"file": batch.original_name})[:100]
    done = 0
    for chunk in _chunks(customers, SAVE_CHUNK):
        _bulk_create_with_history(chunk, Customer, by=by, reason=reason, key="file_no")
        done += len(chunk)
        report_progress(batch, "saving", done, total)
    _save_tags(rows)
    contacts = []
    for row in rows:
        if row.contact:
            contacts.append(Contact(customer=row.customer, is_primary=True, **row.contact))
    if contacts:
        _bulk_create_with_history(contacts, Contact, by=by, reason=reason, key="customer_id")
    with_contact = {c.customer_id for c in contacts}
    specs = [
        spec(
            "customer.create",
            actor=by,
            obj=c,
            data={
                "file_no": c.file_no,
                "code": c.code,
                "import_batch": batch.pk,
                "policy_version": policy.version,
                "children": {"contacts": {"added": 1, "changed": 0, "deleted": 0}}
                if c.pk in with_contact
                else {},
            },
        )
        for c in customers
    ]
    return customers, result, specs


def _save_tags(rows: list[RowCheck]) -> None:
    """Tags in bulk: missing Tag rows, the customer↔tag rows, and the tags of each "+" history record
    (simple-history's m2m history, as a single save + tags.set() would have written)."""
    wanted = sorted({t for r in rows for t in r.tags})
    if not wanted:
        return
    Tag.objects.bulk_create([Tag(name=n) for n in wanted], ignore_conflicts=True)
    tag_ids = {}
    for chunk in _chunks(wanted, 500):
        tag_ids.update(Tag.objects.filter(name__in=chunk).values_list("name", "pk"))
    through = Customer.tags.through
    links = [through(customer_id=r.customer.pk, tag_id=tag_ids[t]) for r in rows for t in r.tags]
    through.objects.bulk_create(links, batch_size=500)
    tagged = sorted({r.customer.pk for r in rows if r.tags})
    history_model = Customer.history.model
    m2m_history_model = history_model.tags.model
    history_rows = []
    for chunk in _chunks(tagged, 500):
        history_ids = dict(
            history_model.objects.filter(id__in=chunk, history_type="+").values_list("id", "history_id")
        )
        for link_id, customer_id, tag_id in through.objects.filter(customer_id__in=chunk).values_list(
            "id", "customer_id", "tag_id"
        ):
            history_rows.append(
                m2m_history_model(
                    id=link_id, customer_id=customer_id, tag_id=tag_id, history_id=history_ids[customer_id]
                )
            )
    m2m_history_model.objects.bulk_create(history_rows, batch_size=500)


# --- Template and export --------------------------------------------------------------------------
def template_file() -> bytes:
    departments = list(Department.objects.filter(is_active=True).order_by("code").values_list("code", "name"))
    return spreadsheets.template_workbook(departments=departments)


def _export_rows(qs, tags: dict[int, list[str]]):
    def local(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    for c in qs.iterator(chunk_size=2000):
        row = [c.file_no, c.code or "", c.get_status_display()]
        for column in spreadsheets.EXPORT_COLUMNS:
            name = column.field
            if name == "department":
                value = c.department.name
            elif name == "owner":
                value = c.owner.get_full_name() or c.owner.get_username()
            elif name == "tags":
                value = "、".join(tags.get(c.pk, []))
            elif column.kind == "choice":
                value = getattr(c, f"get_{name}_display")() if getattr(c, name) else ""
            else:
                value = getattr(c, name)
            row.append(None if value == "" else value)
        row += [local(c.created_at), local(c.updated_at)]
        yield row


def export_customers(*, by, params, request=None):
    """The customer list as the user sees it (selectors.customer_list: same visibility, filters and
    order as the list page) written to .xlsx. Returns (binary file positioned at 0, row count); the
    export is recorded in the audit log with its filter and row count. Caller checks the capability."""
    if not (by.is_superuser or by.has_perm(CustomerPermission.EXPORT)):
        raise PermissionDenied
    qs = selectors.customer_list(by, params)
    tags: dict[int, list[str]] = defaultdict(list)
    through = Customer.tags.through
    for customer_id, tag in (
        through.objects.filter(customer_id__in=qs.values("pk"))
        .order_by("tag__name")
        .values_list("customer_id", "tag__name")
    ):
        tags[customer_id].append(tag)
    headers = spreadsheets.export_headers()
    first = len(spreadsheets.EXPORT_EXTRA)
    formats, widths = {}, {}
    for index, column in enumerate(spreadsheets.EXPORT_COLUMNS, start=first):
        if column.kind == "date":
            formats[index] = "yyyy-mm-dd"
        elif column.kind == "amount":
            formats[index] = "#,##0.00"
        widths[index] = 30 if column.field in ("name", "address") else 16
    tail = first + len(spreadsheets.EXPORT_COLUMNS)
    formats[tail] = formats[tail + 1] = "yyyy-mm-dd hh:mm"
    widths.update({0: 18, 1: 12, tail: 17, tail + 1: 17})
    out = tempfile.TemporaryFile()  # noqa: SIM115 — returned open; FileResponse closes it
    count = spreadsheets.write_workbook(
        out,
        title=_("Customers")[:31],
        headers=headers,
        rows=_export_rows(qs, tags),
        widths=widths,
        formats=formats,
    )
    out.seek(0)
    kept = {k: v for k, v in (params.items() if hasattr(params, "items") else []) if v and k != "page"}
    record_event("customer.export", actor=by, request=request, data={"filter": kept, "rows": count})
    return out, count


def column_label(name: str) -> str:
    column = COLUMN_BY_FIELD.get(name)
    return spreadsheets.column_header(column).rstrip("*") if column else name
