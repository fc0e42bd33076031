"""The writes of the analyses: recording that an analysis left the system (who, what, which filter,
for what purpose) in the audit log before the file is handed over; storing the dashboard's monthly
facts (the daily run)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext
from django_tasks import task

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from .errors import ReportError
from .permissions import ReportPermission

FORMATS = ("xlsx", "pdf")
ZERO = Decimal("0.00")


@transaction.atomic
def record_export(*, by, document, fmt: str, purpose: str, request=None, rows: int = 0) -> None:
    """Audit an export (SPEC export rules: permission, purpose asked, audited). Refuses without the
    export capability, an unknown format or an empty purpose."""
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(ReportPermission.EXPORT):
        raise DomainError(ReportError.PERMISSION_DENIED)
    if fmt not in FORMATS:
        raise DomainError(ReportError.BAD_FORMAT, field="format")
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(ReportError.NO_PURPOSE, field="purpose")
    record_event(
        "reports.export",
        actor=by,
        request=request,
        object_type="reports.analysis",
        object_id=document.slug,
        object_repr=str(document.title)[:200],
        purpose=purpose[:255],
        data={"format": fmt, "params": document.params, "rows": rows},
    )


# --- Monthly facts (the dashboard's closed months) ---------------------------------------------
FACT_MONTHS = 13  # the dashboard's twelve months and the opening month before them


def closed_months(today: date, n: int = FACT_MONTHS) -> list[tuple[int, int]]:
    """The n calendar months before today's month, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        out.append((y, m))
    return out[::-1]


def refresh_monthly_facts(*, today: date | None = None, months: int = FACT_MONTHS) -> int:
    """Store the figures of the `months` closed months before today's (reports.MonthlyFact): per
    customer and for the company, the receivables and the not-yet-due part at each month's end, the
    month's credit sales, collections and bad debts — the same computation as the dashboard's live one
    (selectors.credit.live_facts), grouped by customer. Idempotent: each month's rows are replaced in
    one transaction, so a second run gives the same table, and entries posted with an earlier date
    since the last run are taken in. Returns the rows stored."""
    from django.utils import timezone

    from xindang.ledger.ageing import ageing_sums, policy_buckets

    from .models import MonthlyFact
    from .selectors import credit

    today = today or timezone.localdate()
    span = closed_months(today, months)
    buckets = policy_buckets()
    start, end = date(span[0][0], span[0][1], 1), credit.month_end(*span[-1])
    by_month: dict[tuple[int, int], dict[int, dict]] = {}
    for name, kinds in (
        ("sales", credit.SALES_KINDS),
        ("collections", credit.COLLECTION_KINDS),
        ("bad_debts", credit.BAD_DEBT_KINDS),
    ):
        for (cid, vy, vm), amount in credit.monthly_kind_sums(
            None, start, end, kinds, by_customer=True
        ).items():
            if amount:
                by_month.setdefault((vy, vm), {}).setdefault(cid, {})[name] = amount
    now = timezone.now()
    stored = 0
    for y, m in span:
        ageing = ageing_sums(on=credit.month_end(y, m), dimension="customer", buckets=buckets)
        per = by_month.get((y, m), {})
        for cid, amounts in ageing.items():
            per.setdefault(cid, {})["receivable"] = sum(amounts, ZERO)
            per[cid]["current"] = amounts[0]
        rows = [
            MonthlyFact(customer_id=cid, month=date(y, m, 1), computed_at=now, **f) for cid, f in per.items()
        ]
        company = {f: sum((r.get(f, ZERO) for r in per.values()), ZERO) for f in credit.FACT_FIELDS}
        rows.append(MonthlyFact(customer=None, month=date(y, m, 1), computed_at=now, **company))
        with transaction.atomic():
            MonthlyFact.objects.filter(month=date(y, m, 1)).delete()
            MonthlyFact.objects.bulk_create(rows, batch_size=5000)
        stored += len(rows)
    return stored


# --- Long exports in the task worker (issue: a long one shows progress, the page is not blocked) ---
QUEUED_EXPORTS = {"yearly"}  # always through the worker: the yearly report reads every analysis
QUEUE_ABOVE_FILES = 20_000  # any other analysis too when the user sees more files than this


def should_queue(*, user, slug: str) -> bool:
    """Whether an export runs in the task worker: the yearly report, or any analysis over many files —
    and never inside a transaction (a test's, or ATOMIC_REQUESTS): the worker could not see it."""
    from django.db import connection

    from xindang.customers.selectors import visible_customers

    if connection.in_atomic_block:
        return False
    return slug in QUEUED_EXPORTS or visible_customers(user).count() > QUEUE_ABOVE_FILES


def check_export(*, by, fmt: str, purpose: str) -> str:
    """The checks of record_export before the document exists (the form is answered at once)."""
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(ReportPermission.EXPORT):
        raise DomainError(ReportError.PERMISSION_DENIED)
    if fmt not in FORMATS:
        raise DomainError(ReportError.BAD_FORMAT, field="format")
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(ReportError.NO_PURPOSE, field="purpose")
    return purpose


def start_export(*, by, slug: str, query: str, fmt: str, purpose: str):
    """Queue the export of `slug` for the worker (`manage.py worker`); returns the ExportJob, whose
    status page shows its progress. The job and its task are written in one transaction."""
    from .models import ExportJob

    purpose = check_export(by=by, fmt=fmt, purpose=purpose)
    with transaction.atomic():
        job = ExportJob.objects.create(user=by, slug=slug, query=query, fmt=fmt, purpose=purpose[:255])
        transaction.on_commit(lambda: build_export.enqueue(str(job.pk)))
    return job


def _set(job, **fields) -> None:
    type(job).objects.filter(pk=job.pk).update(**fields)
    for k, v in fields.items():
        setattr(job, k, v)


def run_export(job) -> None:
    """Build the document as the screen does for the job's user, audit the export (record_export:
    the permission is checked again, the purpose was asked on the form), write the file to the
    storage. A failure is kept on the job."""
    from types import SimpleNamespace

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.http import QueryDict
    from django.utils import timezone

    from xindang.policy.selectors import current_policy

    from .building import build
    from .exports import write_pdf, write_xlsx
    from .permissions import VIEW_PERMISSION

    _set(job, status=job.Status.RUNNING, phase="building")
    try:
        if job.slug not in VIEW_PERMISSION or not job.user.has_perm(VIEW_PERMISSION[job.slug]):
            raise DomainError(ReportError.PERMISSION_DENIED)
        doc = build(SimpleNamespace(user=job.user, GET=QueryDict(job.query)), job.slug)
        rows = sum(len(t.rows) for t in doc.tables)
        record_export(by=job.user, document=doc, fmt=job.fmt, purpose=job.purpose, rows=rows)
        _set(job, phase="writing", rows=rows)
        if job.fmt == "pdf":
            content = write_pdf(
                doc,
                company=current_policy().core.company_name,
                printed_by=job.user.get_full_name() or job.user.get_username(),
            )
        else:
            spooled = write_xlsx(doc)
            spooled.seek(0)
            content = spooled.read()
        name = f"{doc.slug}-{timezone.localdate():%Y%m%d}.{job.fmt}"
        stored = default_storage.save(f"reports/exports/{job.pk}.{job.fmt}", ContentFile(content))
        _set(
            job,
            status=job.Status.DONE,
            phase="",
            stored_name=stored,
            filename=name,
            finished_at=timezone.now(),
        )
    except Exception as exc:  # kept on the job for its status page
        message = exc.message if isinstance(exc, DomainError) else repr(exc)
        _set(job, status=job.Status.FAILED, phase="", message=str(message)[:2000], finished_at=timezone.now())


def release_interrupted_exports(runs: list[list]) -> None:
    """core.tasks: the worker that ran these exports died; they are marked failed (ask again)."""
    from django.utils import timezone

    from .models import ExportJob

    ids = [args[0] for args in runs if args]
    ExportJob.objects.filter(pk__in=ids).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED,
        phase="",
        message=gettext("Interrupted: the worker stopped before the file was written. Export again."),
        finished_at=timezone.now(),
    )


@task()
def build_export(job_id: str) -> str:
    """The task the worker runs (start_export)."""
    from .models import ExportJob

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    run_export(job)
    return job.status
