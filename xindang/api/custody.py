"""API router: lookup requests (查阅申请). List, ask and read one with its decision state; the
decision itself goes through /api/approvals (the approval id is in the answer). Visibility as on the
screens (404 for a request the user may not see)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xindang.custody import selectors, services
from xindang.custody.models import LookupRequest, LookupStatus
from xindang.custody.permissions import CustodyPermission, get_lookup_for_user
from xindang.customers.selectors import get_customer

from .pagination import Mapped, page_answer
from .permissions import require

router = Router()

# where a request stands today (custody.rules.phase)
Phase = Literal["pending", "not_yet", "open", "expired", "rejected", "withdrawn"]
# the list's filter: my own requests, a status, or an approved request's phase today
State = Literal["mine", "pending", "approved", "open", "expired", "rejected", "withdrawn"]


class LookupIn(Schema):
    customer_id: int
    purpose: str = ""
    starts_on: date
    ends_on: date
    whole_file: bool = False
    document_ids: list[int] = Field(default_factory=list, max_length=500)
    # separate rights (view, download, print, export); viewing always
    rights: list[Literal["view", "download", "print", "export"]] = Field(
        default_factory=lambda: ["view"], max_length=4
    )


class LookupOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    reader: str
    purpose: str
    starts_on: date
    ends_on: date
    whole_file: bool
    document_ids: list[int]
    rights: list[str]
    highest_level: int
    cross_department: bool
    archived: bool
    status: LookupStatus
    phase: Phase
    approval_id: int | None
    chain: list[str]
    current_role: str | None
    created_at: datetime
    decided_at: datetime | None


class ListParams(Schema):
    state: State | None = None
    customer: int | None = Field(None, ge=1, le=2**63 - 1)


def _out(lookup: LookupRequest) -> dict:
    approval = lookup.approval
    step = approval.current_step() if approval else None
    return {
        "id": lookup.pk,
        "customer_id": lookup.customer_id,
        "customer_name": lookup.customer.name,
        "reader": lookup.reader.get_username(),
        "purpose": lookup.purpose,
        "starts_on": lookup.starts_on,
        "ends_on": lookup.ends_on,
        "whole_file": lookup.whole_file,
        "document_ids": [] if lookup.whole_file else sorted(d.pk for d in lookup.documents.all()),
        "rights": lookup.rights,
        "highest_level": lookup.highest_level,
        "cross_department": lookup.cross_department,
        "archived": lookup.archived,
        "status": lookup.status,
        "phase": selectors.phase_of(lookup),
        "approval_id": approval.pk if approval else None,
        "chain": list(approval.chain) if approval else [],
        "current_role": step.role if step else None,
        "created_at": lookup.created_at,
        "decided_at": lookup.decided_at,
    }


@router.get("/lookups", response=list[LookupOut])
@paginate(page_answer(default=50, maximum=50, clamp=True, sized=False))
def list_lookups(request, params: Query[ListParams]):
    """Lookup requests the user may see: their own, those of the files they keep, all for keepers."""
    require(request, CustodyPermission.VIEW)
    query = {k: v for k, v in params.dict().items() if v not in (None, "")}
    return Mapped(selectors.request_list(request.user, query).prefetch_related("documents"), _out)


@router.post("/lookups", response={201: LookupOut})
def create_lookup(request, payload: LookupIn):
    """Ask to read a file (the whole file or documents) for a purpose and a period; submitted for
    approval at once. Errors: custody.no_purpose, custody.period_*, custody.nothing_asked,
    custody.foreign_document (422), custody.not_needed (409)."""
    require(request, CustodyPermission.REQUEST)
    customer = get_customer(payload.customer_id)
    lookup = services.request_lookup(
        by=request.user,
        customer=customer,
        purpose=payload.purpose,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        whole_file=payload.whole_file,
        documents=payload.document_ids,
        rights=payload.rights,
        request=request,
    )
    return Status(201, _out(lookup))


@router.get("/lookups/{int:lookup_id}", response=LookupOut)
def get_lookup(request, lookup_id: int):
    require(request, CustodyPermission.VIEW)
    return _out(get_lookup_for_user(request.user, lookup_id, request=request))
