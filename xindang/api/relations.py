"""API router: complaints and visits (read only). Visibility as on the screens: a record is visible
iff its customer file is (404 otherwise)."""

from datetime import date

from django.http import Http404
from ninja import Field, Query, Router, Schema

from xindang.core.pagination import CappedPaginator
from xindang.customers.permissions import get_customer_for_user
from xindang.relations import selectors
from xindang.relations.models import Complaint, Visit
from xindang.relations.permissions import RelationsPermission

from .permissions import require

router = Router()


class ComplaintOut(Schema):
    id: int
    complaint_no: str
    customer_id: int
    customer_name: str
    department: str
    received_on: date
    channel: str
    kind: str
    severity: str
    cause: str
    product: str
    content: str
    status: str
    due_on: date | None
    resolution: str
    approval_id: int | None
    approved_on: date | None
    fed_back_on: date | None
    closed_on: date | None
    customer_satisfied: bool | None


class ComplaintPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ComplaintOut]


class ComplaintParams(Schema):
    customer: int | None = Field(None, ge=1, le=2**63 - 1)
    status: str | None = None
    severity: str | None = None
    cause: str | None = None
    open: bool = False
    page: int = Field(1, ge=1, le=1_000_000)


class VisitOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    agent: str
    kind: str
    status: str
    planned_on: date
    method: str
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


class VisitPage(Schema):
    count: int
    page: int
    pages: int
    results: list[VisitOut]


class VisitParams(Schema):
    customer: int | None = Field(None, ge=1, le=2**63 - 1)
    status: str | None = None
    mine: bool = False
    page: int = Field(1, ge=1, le=1_000_000)


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


@router.get("/complaints", response=ComplaintPage)
def list_complaints(request, params: Query[ComplaintParams]):
    """Complaints of the files the user sees (000 7), newest first."""
    require(request, RelationsPermission.VIEW_COMPLAINT)
    filters = {k: str(v) for k, v in params.dict().items() if v not in (None, False) and k != "page"}
    if params.open:
        filters["open"] = "1"
    qs = selectors.filter_complaints(selectors.visible_complaints(request.user), filters)
    page = CappedPaginator(qs, 50).get_page(params.page)
    sec = selectors.section()
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_complaint(c, sec) for c in page.object_list],
    }


@router.get("/complaints/{int:complaint_id}", response=ComplaintOut)
def get_complaint(request, complaint_id: int):
    require(request, RelationsPermission.VIEW_COMPLAINT)
    _audit_refusal(request, Complaint, complaint_id)
    return _complaint(selectors.get_complaint_for_user(request.user, complaint_id), selectors.section())


@router.get("/visits", response=VisitPage)
def list_visits(request, params: Query[VisitParams]):
    """Visits of the files the user sees (002 篇三); mine=1: the visits given to me."""
    require(request, RelationsPermission.VIEW_VISIT)
    qs = selectors.visible_visits(request.user)
    if params.customer:
        qs = qs.filter(customer_id=params.customer)
    if params.status:
        qs = qs.filter(status=params.status)
    if params.mine:
        qs = qs.filter(agent=request.user)
    page = CappedPaginator(qs, 50).get_page(params.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_visit(v) for v in page.object_list],
    }


@router.get("/visits/{int:visit_id}", response=VisitOut)
def get_visit(request, visit_id: int):
    require(request, RelationsPermission.VIEW_VISIT)
    _audit_refusal(request, Visit, visit_id)
    return _visit(selectors.get_visit_for_user(request.user, visit_id))


def _audit_refusal(request, model, pk: int) -> None:
    """Another department's complaint or visit is refused as its file is: 404, and the attempt is in
    the audit log (customers.selectors.get_customer_for_user records it)."""
    customer_id = model.objects.filter(pk=pk).values_list("customer_id", flat=True).first()
    if customer_id is None:
        raise Http404
    get_customer_for_user(request.user, customer_id, request=request, scope="relations")
