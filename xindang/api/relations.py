"""API router: complaints and visits (read only). Visibility as on the screens: a record is visible
iff its customer file is (404 otherwise)."""

from datetime import date
from functools import partial

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.customers.permissions import get_record_for_user
from xindang.relations import selectors
from xindang.relations.models import (
    Cause,
    Channel,
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    Severity,
    Visit,
    VisitKind,
    VisitMethod,
    VisitStatus,
)
from xindang.relations.permissions import RelationsPermission

from .pagination import Mapped, page_answer
from .permissions import require

router = Router()


class ComplaintOut(Schema):
    id: int
    complaint_no: str
    customer_id: int
    customer_name: str
    department: str
    received_on: date
    channel: Channel
    kind: ComplaintKind
    severity: Severity
    cause: Cause
    product: str
    content: str
    status: ComplaintStatus
    due_on: date | None
    resolution: str
    approval_id: int | None
    approved_on: date | None
    fed_back_on: date | None
    closed_on: date | None
    customer_satisfied: bool | None


class ComplaintParams(Schema):
    customer: int | None = Field(None, ge=1, le=2**63 - 1)
    status: ComplaintStatus | None = None
    severity: Severity | None = None
    cause: Cause | None = None
    open: bool = False


class VisitOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    agent: str
    kind: VisitKind
    status: VisitStatus
    planned_on: date
    method: VisitMethod
    place: str
    purpose: str
    visited_on: date | None
    needs: str
    service_opinions: str
    operations: str
    findings: str
    reported_on: date | None
    result: str
    guidance: str
    reviewed_on: date | None


class VisitParams(Schema):
    customer: int | None = Field(None, ge=1, le=2**63 - 1)
    status: VisitStatus | None = None
    mine: bool = False


VISIT_FIELDS = (
    "kind", "status", "planned_on", "method", "place", "purpose", "visited_on", "needs",
    "service_opinions", "operations", "findings", "reported_on", "result", "guidance", "reviewed_on",
)  # fmt: skip


def _complaint(c, sec) -> dict:
    return {
        "id": c.pk,
        "complaint_no": c.complaint_no,
        "customer_id": c.customer_id,
        "customer_name": c.customer.name,
        "department": str(c.department),
        "received_on": c.received_on,
        "channel": c.channel,
        "kind": c.kind,
        "severity": c.severity,
        "cause": c.cause,
        "product": c.product,
        "content": c.content,
        "status": c.status,
        "due_on": selectors.complaint_due(c, sec),
        "resolution": c.resolution,
        "approval_id": c.approval_id,
        "approved_on": c.approved_on,
        "fed_back_on": c.fed_back_on,
        "closed_on": c.closed_on,
        "customer_satisfied": c.customer_satisfied,
    }


def _visit(v) -> dict:
    return {
        "id": v.pk,
        "customer_id": v.customer_id,
        "customer_name": v.customer.name,
        "agent": v.agent.username,
        **{f: getattr(v, f) for f in VISIT_FIELDS},
    }


@router.get("/complaints", response=list[ComplaintOut])
@paginate(page_answer(default=50, maximum=50, clamp=True, sized=False, cap=2000))
def list_complaints(request, params: Query[ComplaintParams]):
    """Complaints of the files the user sees (000 7), newest first."""
    require(request, RelationsPermission.VIEW_COMPLAINT)
    filters = {k: str(v) for k, v in params.dict().items() if v not in (None, False)}
    if params.open:
        filters["open"] = "1"
    qs = selectors.filter_complaints(selectors.visible_complaints(request.user), filters)
    return Mapped(qs, partial(_complaint, sec=selectors.section()))


@router.get("/complaints/{int:complaint_id}", response=ComplaintOut)
def get_complaint(request, complaint_id: int):
    require(request, RelationsPermission.VIEW_COMPLAINT)
    visible = selectors.visible_complaints(request.user)
    complaint = get_record_for_user(
        request.user, Complaint, complaint_id, records=lambda _c: visible, request=request, scope="relations"
    )
    return _complaint(complaint, selectors.section())


@router.get("/visits", response=list[VisitOut])
@paginate(page_answer(default=50, maximum=50, clamp=True, sized=False, cap=2000))
def list_visits(request, params: Query[VisitParams]):
    """Visits of the files the user sees (002 篇三); mine=1: the visits given to me."""
    require(request, RelationsPermission.VIEW_VISIT)
    qs = selectors.visit_list(
        request.user, customer_id=params.customer, status=params.status, mine=params.mine
    )
    return Mapped(qs, _visit)


@router.get("/visits/{int:visit_id}", response=VisitOut)
def get_visit(request, visit_id: int):
    require(request, RelationsPermission.VIEW_VISIT)
    visible = selectors.visible_visits(request.user)
    visit = get_record_for_user(
        request.user, Visit, visit_id, records=lambda _c: visible, request=request, scope="relations"
    )
    return _visit(visit)
