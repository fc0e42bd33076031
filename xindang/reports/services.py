"""The one write of the analyses: recording that an analysis left the system (who, what, which
filter, for what purpose) in the audit log before the file is handed over."""

from django.db import transaction

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from .errors import ReportError
from .permissions import ReportPermission

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
