"""API router: loans of physical originals and transfers to the archive room (reads only). Session
authentication; the lifecycle view permissions; a loan is visible iff its customer file is (or it is
the reader's own loan), transfers follow the file's visibility."""

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.customers.permissions import get_customer_for_user
from xindang.lifecycle import rules, selectors
from xindang.lifecycle.models import ReturnCondition, TransferItem, TransferStage
from xindang.lifecycle.permissions import LifecyclePermission, get_loan_audited

from .pagination import Mapped, page_answer
from .permissions import require

router = Router()


class LoanItemOut(Schema):
    document_id: int | None = Field(None, description="empty: the whole customer file")
    title: str


class LoanOut(Schema):
    id: int
    number: str
    customer_id: int
    customer_name: str
    file_no: str
    borrower_id: int
    borrower: str
    purpose: str
    whole_file: bool
    lent_on: date
    due_on: date
    overdue: bool
    returned_on: date | None
    return_condition: ReturnCondition | Literal[""] = Field(..., description="empty: not returned")
    items: list[LoanItemOut]


class LoanFilters(Schema):
    state: Literal["open", "overdue", "returned", "all"] = Field(
        "all", description="open, overdue, returned or all"
    )
    customer_id: int | None = Field(None, ge=1, le=2**63 - 1)


def _loan_out(loan, today) -> dict:
    return {
        "id": loan.pk,
        "number": loan.number,
        "customer_id": loan.customer_id,
        "customer_name": loan.customer.name,
        "file_no": loan.customer.file_no,
        "borrower_id": loan.borrower_id,
        "borrower": str(loan.borrower),
        "purpose": loan.purpose,
        "whole_file": loan.whole_file,
        "lent_on": loan.lent_on,
        "due_on": loan.due_on,
        "overdue": rules.is_overdue(loan.due_on, loan.returned_on, today),
        "returned_on": loan.returned_on,
        "return_condition": loan.return_condition,
        "items": [
            {"document_id": i.document_id, "title": i.document.title if i.document_id else "whole file"}
            for i in loan.items.all()
        ],
    }


@router.get("/loans", response=list[LoanOut], summary="Loans of originals")
@paginate(page_answer(default=50, maximum=500))
def list_loans(request, filters: Query[LoanFilters]):
    require(request, LifecyclePermission.VIEW_LOAN)
    params = {"state": filters.state}
    if filters.customer_id:
        get_customer_for_user(request.user, filters.customer_id, request=request)  # 404, audited
        params["customer"] = str(filters.customer_id)
    qs = selectors.loan_list(request.user, params).prefetch_related("items__document")
    today = timezone.localdate()
    return Mapped(qs, lambda loan: _loan_out(loan, today))


@router.get("/loans/{loan_id}", response=LoanOut, summary="One loan of originals")
def get_loan(request, loan_id: int):
    require(request, LifecyclePermission.VIEW_LOAN)
    loan = get_loan_audited(request.user, loan_id, request=request)
    return _loan_out(loan, timezone.localdate())


class TransferListOut(Schema):
    year: int
    proposed_by: str
    proposed_at: datetime
    total: int
    at_credit_office: int
    in_archive_room: int


class TransferActOut(Schema):
    stage: TransferStage
    acted_on: date
    handed_by: str | None
    received_by: str
    document_count: int
    missing: list[dict]
    missing_note: str
    check_ok: bool
    check_result: dict


class TransferItemOut(Schema):
    customer_id: int
    customer_name: str
    file_no: str
    department: str
    file_year: int
    stage: TransferStage
    archive_due_on: date | None
    acts: list[TransferActOut]


def _act_out(act) -> dict:
    return {
        "stage": act.stage,
        "acted_on": act.acted_on,
        "handed_by": str(act.handed_by) if act.handed_by_id else None,
        "received_by": str(act.received_by),
        "document_count": act.document_count,
        "missing": act.missing,
        "missing_note": act.missing_note,
        "check_ok": act.check_ok,
        "check_result": act.check_result,
    }


def _item_out(item: TransferItem) -> dict:
    return {
        "customer_id": item.customer_id,
        "customer_name": item.customer.name,
        "file_no": item.customer.file_no,
        "department": str(item.department),
        "file_year": item.file_year,
        "stage": item.stage,
        "archive_due_on": item.archive_due_on,
        "acts": [_act_out(a) for a in item.acts.all()],
    }


@router.get("/transfers", response=list[TransferListOut], summary="Yearly transfer lists")
def list_transfer_lists(request):
    require(request, LifecyclePermission.VIEW_TRANSFER)
    return [
        {
            "year": tl.year,
            "proposed_by": str(tl.proposed_by),
            "proposed_at": tl.proposed_at,
            "total": tl.total,
            "at_credit_office": tl.at_credit_office,
            "in_archive_room": tl.in_archive_room,
        }
        for tl in selectors.transfer_lists()
    ]


@router.get("/transfers/{year}", response=list[TransferItemOut], summary="The files of one transfer list")
def list_transfer_items(request, year: int, stage: TransferStage | None = None):
    require(request, LifecyclePermission.VIEW_TRANSFER)
    if not 1900 <= year <= 9999:
        raise Http404
    tl = selectors.get_transfer_list(year)
    items = selectors.visible_transfer_items(request.user, tl, stage=stage or "")
    return [_item_out(item) for item in items]


@router.get(
    "/customers/{customer_id}/transfers",
    response=list[TransferActOut],
    summary="A customer file's transfer acts",
)
def customer_transfers(request, customer_id: int):
    require(request, LifecyclePermission.VIEW_TRANSFER)
    customer = get_customer_for_user(request.user, customer_id, request=request)
    return [_act_out(a) for a in selectors.customer_transfers(customer)]
