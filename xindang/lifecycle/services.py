"""Every write of the lifecycle app: loans, returns and loss reports of physical originals; the yearly
transfer list and its acts. Each is one transaction, checks the actor's capability itself, enforces
the object rules and writes its audit event in the same transaction."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.audit.services import record_event, record_events, spec
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from . import rules, selectors
from .checks import check_file
from .errors import LifecycleError
from .models import (
    IncidentStatus,
    Loan,
    LoanItem,
    LossReport,
    ReturnCondition,
    TransferAct,
    TransferItem,
    TransferList,
    TransferStage,
)
from .permissions import LifecyclePermission

APPROVAL_KIND = "lifecycle.loss_report"


def _require(user, permission) -> None:
    if not user.is_authenticated or not user.has_perm(str(permission)):
        raise DomainError(LifecycleError.FORBIDDEN)


def _roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _open_key(customer_id: int, document_id: int | None) -> str:
    return f"doc:{document_id}" if document_id else f"file:{customer_id}"


# --- Loans ------------------------------------------------------------------------------------------
@transaction.atomic
def lend(
    *,
    by,
    customer: Customer,
    borrower,
    purpose: str,
    lent_on: date,
    due_on: date,
    documents=(),
    whole_file: bool = False,
    slip_no: str = "",
    slip_signed_by=None,
    request=None,
) -> Loan:
    """Record a loan of originals from the borrowing slip (000 客户信息管理办法 三.2; 001 客户信用档案建立与
    管理制度 6). Guarantees: only a keeper of the originals records it; a document (or the whole file)
    out already is not lent again; the due date is not before the day of lending; an archived file
    goes out only on a slip signed by the office director (000 4.5). The file row is locked, so two
    archivists lending the same document at once cannot both succeed."""
    _require(by, LifecyclePermission.RECORD_LOAN)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    policy = current_policy()
    if not borrower.is_active:
        raise DomainError(LifecycleError.BORROWER_INACTIVE, field="borrower")
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(LifecycleError.INVALID, field="purpose")
    problem = rules.loan_dates_problem(lent_on, due_on, timezone.localdate())
    if problem == "lent_in_future":
        raise DomainError(LifecycleError.LENT_IN_FUTURE, field="lent_on")
    if problem == "due_before_lent":
        raise DomainError(LifecycleError.DUE_BEFORE_LENT, field="due_on")
    documents = list(documents)
    if not whole_file and not documents:
        raise DomainError(LifecycleError.NOTHING_TO_LEND, field="documents")
    for doc in documents:
        if doc.customer_id != customer.pk:
            raise DomainError(LifecycleError.DOCUMENT_NOT_IN_FILE, field="documents", title=doc.title)
        if doc.electronic_only:
            raise DomainError(LifecycleError.NO_ORIGINAL, field="documents", title=doc.title)
    if slip_signed_by is not None and slip_signed_by.pk == borrower.pk:
        raise DomainError(LifecycleError.SIGNER_IS_BORROWER, field="slip_signed_by")
    if selectors.is_in_archive_room(customer):
        if slip_signed_by is None:
            raise DomainError(LifecycleError.SLIP_SIGNATURE_REQUIRED, field="slip_signed_by")
        signers = policy.lifecycle.slip_signer_roles
        if not _roles(slip_signed_by) & set(signers):
            raise DomainError(
                LifecycleError.SIGNER_NOT_DIRECTOR,
                field="slip_signed_by",
                user=str(slip_signed_by),
                roles=", ".join(signers),
            )
    wanted = [rules.WHOLE_FILE] if whole_file else [d.pk for d in documents]
    _refuse_conflict(customer, wanted)
    loan = Loan.objects.create(
        customer=customer,
        borrower=borrower,
        whole_file=whole_file,
        purpose=purpose,
        slip_no=(slip_no or "").strip(),
        slip_signed_by=slip_signed_by,
        lent_on=lent_on,
        due_on=due_on,
        lent_by=by,
    )
    try:
        with transaction.atomic():
            LoanItem.objects.bulk_create(
                [LoanItem(loan=loan, document_id=doc, open_key=_open_key(customer.pk, doc)) for doc in wanted]
            )
    except IntegrityError:  # the unique out-marker: lent meanwhile, past the lock (should not happen)
        _refuse_conflict(customer, wanted)
        raise
    record_event(
        "lifecycle.loan",
        actor=by,
        request=request,
        obj=loan,
        data={
            "customer": customer.pk,
            "borrower": borrower.pk,
            "whole_file": whole_file,
            "documents": [d for d in wanted if d],
            "lent_on": lent_on,
            "due_on": due_on,
            "slip_no": loan.slip_no,
            "slip_signed_by": slip_signed_by.pk if slip_signed_by else None,
        },
    )
    return loan


def _refuse_conflict(customer: Customer, wanted) -> None:
    out = list(
        LoanItem.objects.filter(loan__customer=customer, open_key__isnull=False)
        .select_related("loan", "document")
        .order_by("pk")
    )
    conflict = rules.loan_conflict(wanted, [i.document_id for i in out])
    if conflict is False:
        return
    item = next(i for i in out if i.document_id == conflict) if conflict is not None else None
    item = item or next((i for i in out if i.document_id is None), out[0])
    what = item.document.title if item.document_id else _("the whole customer file")
    raise DomainError(LifecycleError.ALREADY_LENT, field="documents", what=what, loan=item.loan.number)


@transaction.atomic
def record_return(
    *,
    by,
    loan: Loan,
    returned_on: date,
    condition: str = ReturnCondition.INTACT,
    note: str = "",
    request=None,
) -> Loan:
    """Record that the originals came back, when and in what condition. The items are free to lend
    again. A damaged or incomplete return is recorded as such; the loss report is a separate step."""
    _require(by, LifecyclePermission.RECORD_LOAN)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.returned_on is not None:
        raise DomainError(LifecycleError.ALREADY_RETURNED)
    problem = rules.return_problem(loan.lent_on, returned_on, timezone.localdate())
    if problem == "return_before_lent":
        raise DomainError(
            LifecycleError.RETURN_BEFORE_LENT, field="returned_on", lent_on=loan.lent_on.isoformat()
        )
    if problem == "return_in_future":
        raise DomainError(LifecycleError.RETURN_IN_FUTURE, field="returned_on")
    if condition not in ReturnCondition.values:
        raise DomainError(LifecycleError.INVALID, field="condition")
    loan.returned_on = returned_on
    loan.return_condition = condition
    loan.return_note = (note or "").strip()[:500]
    loan.returned_to = by
    loan.save(update_fields=["returned_on", "return_condition", "return_note", "returned_to"])
    loan.items.update(open_key=None)
    record_event(
        "lifecycle.return",
        actor=by,
        request=request,
        obj=loan,
        data={"returned_on": returned_on, "condition": condition, "overdue": returned_on > loan.due_on},
    )
    return loan


@transaction.atomic
def report_loss(
    *, by, loan: Loan, kind: str, occurred_on: date, description: str, document=None, request=None
) -> LossReport:
    """Keep the written report of a loss, damage or theft of lent originals (000 客户信息管理办法 三.6)
    and submit it for approval along the policy's chain. The report is never deleted."""
    from xindang.approvals.services import submit_request

    from .models import IncidentKind

    _require(by, LifecyclePermission.RECORD_LOAN)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if kind not in IncidentKind.values:
        raise DomainError(LifecycleError.INVALID, field="kind")
    description = (description or "").strip()
    if not description:
        raise DomainError(LifecycleError.DESCRIPTION_REQUIRED, field="description")
    if occurred_on > timezone.localdate():
        raise DomainError(LifecycleError.INVALID, field="occurred_on")
    if document is not None:
        lent_ids = set(loan.items.values_list("document_id", flat=True))
        in_loan = document.pk in lent_ids or (None in lent_ids and document.customer_id == loan.customer_id)
        if not in_loan:
            raise DomainError(LifecycleError.REPORT_DOCUMENT_NOT_LENT, field="document")
    report = LossReport.objects.create(
        loan=loan,
        kind=kind,
        document=document,
        occurred_on=occurred_on,
        description=description,
        reported_by=by,
    )
    approval = submit_request(
        kind=APPROVAL_KIND,
        obj=report,
        chain=list(current_policy().lifecycle.loss_report_chain),
        requested_by=by,
        title=f"{report.get_kind_display()} · {loan.customer.name} · {loan.number}",
        summary=description[:500],
        data={
            "kind": kind,
            "loan": loan.number,
            "borrower": str(loan.borrower),
            "document": document.title if document else "",
            "occurred_on": occurred_on.isoformat(),
        },
        customer=loan.customer,
        request=request,
    )
    report.approval = approval
    report.save(update_fields=["approval"])
    record_event(
        "lifecycle.loss_report",
        actor=by,
        request=request,
        obj=report,
        data={
            "loan": loan.pk,
            "kind": kind,
            "document": document.pk if document else None,
            "approval": approval.pk,
        },
    )
    return report


def _report_of(approval) -> LossReport:
    return LossReport.objects.select_for_update().get(pk=int(approval.object_id))


def _decided(approval, status: str) -> None:
    report = _report_of(approval)
    report.status = status
    report.save(update_fields=["status"])
    record_event(
        "lifecycle.loss_report_decided", obj=report, data={"status": status, "approval": approval.pk}
    )


def on_approved(approval) -> None:
    _decided(approval, IncidentStatus.APPROVED)


def on_rejected(approval) -> None:
    _decided(approval, IncidentStatus.REJECTED)


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    from .models import IncidentKind

    items = []
    if data.get("kind") in IncidentKind.values:
        items.append((_("Kind"), str(IncidentKind(data["kind"]).label)))
    for key, label in (
        ("loan", _("Borrowing slip")),
        ("borrower", _("Borrower")),
        ("document", _("Document")),
        ("occurred_on", _("Occurred on")),
    ):
        if data.get(key):
            items.append((label, str(data[key])))
    return items


def approval_title(approval) -> str:
    """The request's title in the reader's language, from what it stores (UI.md, Messages)."""
    from .models import IncidentKind

    data = approval.data or {}
    return f"{IncidentKind(data['kind']).label} · {approval.customer_name} · {data['loan']}"


def loss_report_panel(approval, request) -> str:
    """What the approver of a loss report needs beside the report: the loan (slip, borrower, dates,
    the originals lent, their return). The approval page has checked that the reader may see it."""
    from django.template.loader import render_to_string

    report = (
        LossReport.objects.select_related("loan__customer", "loan__borrower", "document", "reported_by")
        .filter(pk=int(approval.object_id) if str(approval.object_id).isdigit() else 0)
        .first()
    )
    if report is None:
        return ""
    return render_to_string(
        "lifecycle/_approval_panel.html",
        {"report": report, "loan": report.loan, "items": selectors.loan_items(report.loan)},
        request=request,
    )


def register_approval_kind() -> None:
    from django.utils.translation import gettext_lazy

    from xindang.approvals import register
    from xindang.approvals.registry import register_panel

    register_panel(APPROVAL_KIND, loss_report_panel)

    register(
        APPROVAL_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        label=gettext_lazy("Loss or damage of originals"),
        title=approval_title,
        describe=describe_approval_data,
    )


def record_slip_print(*, by, loan: Loan, request=None) -> None:
    record_event("lifecycle.slip_print", actor=by, request=request, obj=loan)


def record_statistics(*, by, fmt: str, request=None) -> None:
    record_event("lifecycle.statistics", actor=by, request=request, data={"format": fmt})


# --- Transfer ---------------------------------------------------------------------------------------
@transaction.atomic
def propose_transfer_list(*, by, year: int, request=None) -> tuple[TransferList, int]:
    """Propose (or bring up to date) the transfer list of `year`: every file older than this year and
    last year that is not in the archive room nor on a list yet (000 4.3). Returns the list and how
    many files were added."""
    _require(by, LifecyclePermission.RECORD_TRANSFER)
    transfer_list = TransferList.objects.select_for_update().filter(year=year).first()
    created = transfer_list is None
    if created:
        transfer_list = TransferList.objects.create(year=year, proposed_by=by)
    candidates = selectors.transfer_candidates(year)
    items = [
        TransferItem(
            transfer_list=transfer_list,
            customer_id=c.pk,
            department_id=c.department_id,
            file_year=selectors.year_of(c.last_filed_at),
        )
        for c in candidates
    ]
    TransferItem.objects.bulk_create(items, batch_size=500)
    record_event(
        "lifecycle.transfer_list",
        actor=by,
        request=request,
        obj=transfer_list,
        data={"year": year, "created": created, "added": [i.customer_id for i in items]},
    )
    return transfer_list, len(items)


@transaction.atomic
def record_transfer(
    *,
    by,
    transfer_list: TransferList,
    customer: Customer,
    stage: str,
    acted_on: date,
    handed_by=None,
    missing_documents=(),
    missing_note: str = "",
    request=None,
) -> TransferAct:
    """Record one handing over of a file on the list: to the credit office (from its department) or
    to the archive room (from the credit office), 000 4.3. What was handed over, what was missing
    (documents named missing and required documents the file lacks — recorded, never dropped) and the
    four-property check of what went (DA/T 70-2018) are kept on the act. Stages run in order, once."""
    _require(by, LifecyclePermission.RECORD_TRANSFER)
    item = (
        TransferItem.objects.select_for_update()
        .filter(transfer_list=transfer_list, customer_id=customer.pk)
        .first()
    )
    if item is None:
        raise DomainError(
            LifecycleError.NOT_ON_LIST, field="customer", customer=customer.name, year=transfer_list.year
        )
    if stage not in (TransferStage.AT_CREDIT_OFFICE, TransferStage.IN_ARCHIVE_ROOM) or rules.stage_problem(
        item.stage, stage
    ):
        raise DomainError(
            LifecycleError.WRONG_STAGE,
            field="stage",
            customer=customer.name,
            stage=TransferStage(stage).label if stage in TransferStage.values else stage,
            current=TransferStage(item.stage).label,
        )
    if acted_on > timezone.localdate():
        raise DomainError(LifecycleError.ACT_IN_FUTURE, field="acted_on")
    missing_documents = list(missing_documents)
    if any(d.customer_id != customer.pk for d in missing_documents):
        raise DomainError(LifecycleError.MISSING_DOCUMENT_NOT_IN_FILE, field="missing_documents")
    policy = current_policy()
    result, handed, missing = check_file(
        customer, missing_ids=[d.pk for d in missing_documents], policy=policy
    )
    checked = result.as_dict()
    act = TransferAct.objects.create(
        item=item,
        stage=stage,
        handed_by=handed_by,
        received_by=by,
        acted_on=acted_on,
        document_count=len(handed),
        handed_over=[{"id": d.pk, "title": d.title} for d in handed],
        missing=[{"id": d.pk, "title": d.title} for d in missing],
        missing_note=(missing_note or "").strip()[:500],
        check_ok=result.ok,
        check_result=checked,
    )
    item.stage = stage
    if stage == TransferStage.AT_CREDIT_OFFICE:
        item.archive_due_on = rules.archive_due_on(acted_on, policy.lifecycle.archive_handover_days)
    item.save(update_fields=["stage", "archive_due_on"])
    record_event(
        "lifecycle.transfer",
        actor=by,
        request=request,
        obj=customer,
        data={
            "year": transfer_list.year,
            "stage": stage,
            "acted_on": acted_on,
            "handed_by": handed_by.pk if handed_by else None,
            "documents": [d.pk for d in handed],
            "missing": [d.pk for d in missing],
            "check_ok": result.ok,
            "properties": {p: v["ok"] for p, v in checked["properties"].items()},
        },
    )
    return act


@transaction.atomic
def transfer_loans(*, loan_ids, to, by, reason: str = "", request=None) -> list[Loan]:
    """Make `to` the borrower of the given originals on loan, brought back to a staff handover (001
    公司客户信息管理办法 五) and handed over in person; one audit event each, carrying `reason` (the
    handover's number). The loans are locked first. Caller checks the capability."""
    locked = list(Loan.objects.select_for_update().filter(pk__in=list(loan_ids)).order_by("pk"))
    events = []
    for loan in locked:
        old = loan.borrower_id
        Loan.objects.filter(pk=loan.pk).update(borrower=to)
        loan.borrower = to
        events.append(
            spec(
                "lifecycle.loan_transferred",
                actor=by,
                request=request,
                obj=loan,
                data={"from": old, "to": to.pk, "handover": reason},
            )
        )
    record_events(events)
    return locked
