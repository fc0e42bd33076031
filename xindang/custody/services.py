"""Writing lookup requests (查阅申请单): ask, and the approval engine's callbacks that decide them.
Each write is one transaction and is audited in it."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.roles import Role
from xindang.approvals import services as approvals
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.documents.models import Document
from xindang.documents.selectors import cleared_levels

from . import rules
from .archived import is_archived
from .errors import CustodyError
from .models import LookupRequest, LookupStatus
from .permissions import CustodyPermission
from .selectors import custody_policy

APPROVAL_KIND = "custody.lookup"


def _documents_asked(customer: Customer, whole_file: bool, documents) -> list[Document]:
    if whole_file:
        return list(Document.objects.filter(customer=customer))
    ids = sorted({int(getattr(d, "pk", d)) for d in documents or []})
    found = list(Document.objects.filter(pk__in=ids))
    if len(found) != len(ids) or any(d.customer_id != customer.pk for d in found):
        raise DomainError(CustodyError.FOREIGN_DOCUMENT, field="documents")
    return found


@transaction.atomic
def request_lookup(
    *,
    by,
    customer: Customer,
    purpose: str,
    starts_on: date | None,
    ends_on: date | None,
    whole_file: bool = False,
    documents=(),
    rights=(rules.VIEW,),
    request=None,
) -> LookupRequest:
    """Ask to read a customer file — the whole file or chosen documents — for a purpose and a period
    (查阅人, 查阅客户名称, 查阅用途, 借阅时间, 归还日期: 000 4.5, 001 客户信用档案建立与管理制度 6).
    Guarantees: the purpose and the period are given (custody.no_purpose …); the documents belong to
    the file; a reader who already reads all of it standing is told no request is needed; the approval
    chain follows the highest level asked, the reader's department and the archive (rules.approval_chain)
    and is submitted to the approvals engine in the same transaction; audited as lookup.request.
    `rights`: the uses asked for (rules.RIGHTS: view, download, print, export — separate rights, as in
    Mayan EDMS); viewing always; the approval grants exactly those."""
    if not by.has_perm(CustodyPermission.REQUEST):
        raise DomainError(CustodyError.NOT_ALLOWED)
    policy = custody_policy()
    purpose = (purpose or "").strip()
    asked = _documents_asked(customer, whole_file, documents)
    problems = rules.request_problems(
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        today=timezone.localdate(),
        max_days=policy.max_period_days,
        whole_file=whole_file,
        document_count=len(asked),
    )
    if problems:
        field, code = problems[0]
        raise DomainError(CustodyError(code), field=field, days=policy.max_period_days)
    levels = {d.confidentiality for d in asked}
    archived = is_archived(customer)
    standing = cleared_levels(by, customer)
    if not archived and levels and levels <= standing:
        raise DomainError(CustodyError.NOT_NEEDED)
    asked_rights = rules.rights_asked(rights)
    level = rules.highest_level(levels)
    cross = by.department_id != customer.department_id
    chain = rules.approval_chain(
        level=level, cross_department=cross, archived=archived, approvers=policy.approvers()
    )
    lookup = LookupRequest.objects.create(
        reader=by,
        customer=customer,
        whole_file=whole_file,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        highest_level=level,
        cross_department=cross,
        archived=archived,
        **{f"may_{right}": right in asked_rights for right in rules.RIGHTS},
    )
    if not whole_file:
        lookup.documents.set(asked)
    data = {
        "reader": str(by),
        "purpose": purpose,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "whole_file": whole_file,
        "documents": [d.title for d in asked][:20] if not whole_file else [],
        "level": level,
        "cross_department": cross,
        "archived": archived,
        "rights": asked_rights,
    }
    lookup.approval = approvals.submit_request(
        kind=APPROVAL_KIND,
        obj=lookup,
        chain=chain,
        requested_by=by,
        title=_("Lookup of %(customer)s") % {"customer": customer.name},
        summary=purpose[:500],
        data=data,
        customer=customer,
        request=request,
    )
    lookup.save(update_fields=["approval"])
    record_event(
        "lookup.request",
        actor=by,
        request=request,
        obj=lookup,
        purpose=purpose[:255],
        data={
            "customer_id": customer.pk,
            "whole_file": whole_file,
            "document_ids": [d.pk for d in asked] if not whole_file else [],
            "level": level,
            "chain": chain,
            "rights": asked_rights,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return lookup


def export_lookup(*, by, lookup: LookupRequest, request=None) -> tuple[str, bytes]:
    """The documents of an open request as one ZIP for its reader: each document's current version as
    documents hands it out for the export use (watermarked where the level asks; an original that
    cannot be marked only under the download right too), each read recorded as document.export with
    the request's purpose, and the export itself as lookup.export. Guarantees: only the reader, only
    while the request is open (custody.not_open, audited as lookup.access_denied), only with the
    export right (custody.export_not_granted, audited likewise). A document that cannot be handed out
    is listed as refused in the archive's manifest, never silently dropped."""
    import io
    import zipfile

    from xindang.documents.services import read_version

    from .selectors import documents_of, phase_of

    if lookup.reader_id != by.pk or phase_of(lookup) != rules.OPEN:
        record_event("lookup.access_denied", actor=by, request=request, obj=lookup, data={"tried": "export"})
        raise DomainError(CustodyError.NOT_OPEN)
    if not lookup.may_export:
        record_event("lookup.access_denied", actor=by, request=request, obj=lookup, data={"tried": "export"})
        raise DomainError(CustodyError.EXPORT_NOT_GRANTED)
    buf = io.BytesIO()
    manifest, exported = [], []
    no_content, refused = _("no content"), _("refused")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents_of(lookup).select_related("current_version", "customer"):
            version = document.current_version
            if version is None or version.erased_at is not None:
                manifest.append(f"{document.title}\t{no_content}")
                continue
            try:
                copy = read_version(by=by, version=version, use=rules.EXPORT, request=request)
            except DomainError as exc:
                manifest.append(f"{document.title}\t{refused}: {exc.message}")
                continue
            data = copy.content if copy.content is not None else copy.stream.read()
            if copy.stream is not None:
                copy.stream.close()
            archive.writestr(f"{document.pk}-{version.original_name}", data)
            manifest.append(f"{document.title}\t{version.original_name}\t{version.sha256}")
            exported.append(document.pk)
        archive.writestr("manifest.txt", "\n".join([lookup.purpose, *manifest]) + "\n")
    record_event(
        "lookup.export",
        actor=by,
        request=request,
        obj=lookup,
        purpose=lookup.purpose[:255],
        data={"customer_id": lookup.customer_id, "document_ids": exported},
    )
    return f"lookup-{lookup.pk}.zip", buf.getvalue()


def _lock_for(approval) -> LookupRequest:
    return LookupRequest.objects.select_for_update().get(approval_id=approval.pk)


def _check_department_manager(lookup: LookupRequest, approval) -> None:
    """The applicant's department manager (1.5.3) is the manager of the reader's department, not any
    department manager: the engine lets any holder of the role sign, so the decision is checked here
    and refused (rolled back) otherwise."""
    from xindang.approvals.models import StepStatus

    for step in approval.steps.filter(
        round=approval.round, role=Role.DEPARTMENT_MANAGER, status=StepStatus.APPROVED
    ):
        signer = step.acted_by
        if (
            signer is None
            or not lookup.reader.department_id
            or signer.department_id != lookup.reader.department_id
        ):
            raise DomainError(CustodyError.WRONG_MANAGER)


def on_approved(approval) -> None:
    lookup = _lock_for(approval)
    _check_department_manager(lookup, approval)
    lookup.status = LookupStatus.APPROVED
    lookup.decided_at = timezone.now()
    lookup.save(update_fields=["status", "decided_at"])
    record_event(
        "lookup.approve",
        obj=lookup,
        purpose=lookup.purpose[:255],
        data={
            "customer_id": lookup.customer_id,
            "reader_id": lookup.reader_id,
            "ends_on": lookup.ends_on.isoformat(),
            "rights": lookup.rights,
        },
    )


def _close(approval, status: str, action: str) -> None:
    lookup = _lock_for(approval)
    lookup.status = status
    lookup.decided_at = timezone.now()
    lookup.save(update_fields=["status", "decided_at"])
    record_event(action, obj=lookup, data={"customer_id": lookup.customer_id, "reader_id": lookup.reader_id})


def on_rejected(approval) -> None:
    _close(approval, LookupStatus.REJECTED, "lookup.reject")


def on_withdrawn(approval) -> None:
    _close(approval, LookupStatus.WITHDRAWN, "lookup.withdraw")


def on_resubmitted(approval) -> None:
    lookup = _lock_for(approval)
    if lookup.status != LookupStatus.PENDING:
        lookup.status = LookupStatus.PENDING
        lookup.decided_at = None
        lookup.save(update_fields=["status", "decided_at"])


def right_label(right: str) -> str:
    return {
        rules.VIEW: _("view"),
        rules.DOWNLOAD: _("download"),
        rules.PRINT: _("print"),
        rules.EXPORT: _("export"),
    }.get(right, right)


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    yes, no = _("yes"), _("no")
    rows = [
        (_("Reader"), data.get("reader", "")),
        (_("Purpose"), data.get("purpose", "")),
        (_("Period"), f"{data.get('starts_on', '')} – {data.get('ends_on', '')}"),
        (_("Highest level asked"), str(data.get("level", ""))),
        (_("Whole file"), yes if data.get("whole_file") else no),
        (
            _("Rights asked"),
            "、".join(right_label(r) for r in data.get("rights") or [rules.VIEW, rules.DOWNLOAD]),
        ),
        (_("Reader outside the owning department"), yes if data.get("cross_department") else no),
        (_("Archived file"), yes if data.get("archived") else no),
    ]
    if data.get("documents"):
        rows.append((_("Documents"), "、".join(str(t) for t in data["documents"])))
    return rows


def approval_title(approval) -> str:
    """The request's title in the reader's language, from the customer's name it stores."""
    return _("Lookup of %(customer)s") % {"customer": approval.customer_name}


def register_approval_kind() -> None:
    from django.utils.translation import gettext_lazy

    from xindang.approvals import register

    register(
        APPROVAL_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_withdrawn=on_withdrawn,
        on_resubmitted=on_resubmitted,
        label=gettext_lazy("Lookup request"),
        title=approval_title,
        describe=describe_approval_data,
    )
