"""Analyses leaving the system: the export recorded in the audit log (who, what, which filter, for
what purpose) before the file is handed over, and the long exports prepared by the task worker."""

from django.db import transaction
from django.utils.translation import gettext
from django_tasks import task

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from ..errors import ReportError
from ..permissions import ReportPermission

FORMATS = ("xlsx", "pdf")


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


# --- Long exports in the task worker (the page is not blocked) ---
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
    from ..models import ExportJob

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

    from ..building import build
    from ..exports import write_pdf, write_xlsx
    from ..permissions import VIEW_PERMISSION

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

    from ..models import ExportJob

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
    from ..models import ExportJob

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    run_export(job)
    return job.status
