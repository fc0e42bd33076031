"""API router: retention, read only. What holds a customer's file now (every source of core.holds:
manual holds, open receivables, problem accounts, complaints…) with the manual holds' history, and
the destruction register (销毁清册). Visibility as on the screens (404 out of scope)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.core.holds import holds_on
from xindang.customers.permissions import get_customer_for_user
from xindang.retention import selectors
from xindang.retention.models import HoldKind
from xindang.retention.permissions import RetentionPermission

from .pagination import Batched, page_answer
from .permissions import require

router = Router()


class HoldOut(Schema):
    source: str
    reason: str
    until: date | None
    url: str


class ManualHoldOut(Schema):
    id: int
    kind: HoldKind
    reason: str
    until: date | None
    documents: list[int]
    state: Literal["active", "ended", "lifted"] = Field(description="active, ended (past its date) or lifted")
    placed_by: str
    placed_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None
    lift_reason: str


class CustomerHoldsOut(Schema):
    customer_id: int
    on_hold: bool
    holds: list[HoldOut]
    manual_holds: list[ManualHoldOut]


class RegisterRowOut(Schema):
    disposal: str
    customer: str
    file_no: str
    title: str
    category: str
    retention_class: str
    retention: str
    retention_passed_on: date
    policy_version: int | None
    reason: str
    appraisal_reason: str
    requested_by: str
    approved_by: str
    approved_at: datetime | None
    witnesses: list[str]
    carried_out_by: str
    carried_out_at: datetime | None
    stored_files_erased: int


class RegisterParams(Schema):
    year: int | None = Field(None, ge=2000, le=2200)


def _name(user) -> str | None:
    return user.username if user is not None else None


@router.get("/customers/{customer_id}/holds", response=CustomerHoldsOut)
def customer_holds(request, customer_id: int):
    """Every hold on the file now (from every source) and the manual holds placed on it, lifted or not."""
    require(request, RetentionPermission.VIEW_HOLDS)
    customer = get_customer_for_user(request.user, customer_id, request=request)
    held = holds_on(customer)
    manual = [
        {
            "id": h.pk,
            "kind": h.kind,
            "reason": h.reason,
            "until": h.until,
            "documents": [d.pk for d in h.documents.all()],
            "state": selectors.hold_state(h),
            "placed_by": h.placed_by.username,
            "placed_at": h.placed_at,
            "lifted_by": _name(h.lifted_by),
            "lifted_at": h.lifted_at,
            "lift_reason": h.lift_reason,
        }
        for h in selectors.manual_holds_of(customer)
    ]
    return {
        "customer_id": customer.pk,
        "on_hold": bool(held),
        "holds": [{"source": h.source, "reason": h.reason, "until": h.until, "url": h.url} for h in held],
        "manual_holds": manual,
    }


@router.get("/register", response=list[RegisterRowOut])
@paginate(page_answer(default=50, maximum=50, clamp=True, sized=False))
def destruction_register(request, params: Query[RegisterParams]):
    """The destruction register: one row per destroyed document, newest disposal first."""
    require(request, RetentionPermission.VIEW_REGISTER)
    return Batched(selectors.register_entries_of_year(request.user, params.year), _register_rows)


def _register_rows(disposals) -> list[dict]:
    return [
        {
            "disposal": r["number"],
            "customer": r["customer"],
            "file_no": r["file_no"],
            "title": r["title"],
            "category": r["category"],
            "retention_class": r["retention_class"],
            "retention": r["retention"],
            "retention_passed_on": r["passed_on"],
            "policy_version": r["policy_version"],
            "reason": r["reason"],
            "appraisal_reason": r["appraisal_reason"],
            "requested_by": r["requested_by"],
            "approved_by": r["approved_by"],
            "approved_at": r["approved_at"],
            "witnesses": [w for w in r["witnesses"].split("、") if w],
            "carried_out_by": r["carried_out_by"],
            "carried_out_at": r["carried_out_at"],
            "stored_files_erased": r["erased_files"],
        }
        for r in selectors.register_rows(disposals)
    ]
