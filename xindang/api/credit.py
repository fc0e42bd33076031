"""API router: credit, mounted at the API root (paths /credit-check, /credit/…).

POST /credit-check runs the credit check (授信执行; xindang.credit.control.services.check_credit);
POST /credit/over-limit sends a blocked amount up for over-limit approval (超额审批, 002 第三十二条)
and answers with the approval's id (poll GET /api/approvals/{id}); GET /credit/over-limit/{id}
says whether it was approved and until when it may be used.

Auth: an API key with the scope "credit:check" (integrations, e.g. the ERP before it ships) or a
logged-in user with the permission credit_control.check_credit.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpResponse
from ninja import Router, Schema, Status
from pydantic import BaseModel

from xindang.core.errors import DomainError
from xindang.credit.control import services
from xindang.credit.control.errors import ControlError
from xindang.credit.control.models import OverLimitRequest
from xindang.credit.control.permissions import ControlPermission, get_over_limit_for_user
from xindang.credit.control.selectors import get_over_limit
from xindang.customers.models import Customer
from xindang.customers.permissions import get_customer_for_user
from xindang.customers.selectors import get_customer
from xindang.ledger.rules import MAX_AMOUNT

from .answers import JSON, render_answer
from .auth import api_key_auth, require_scope, session_auth

SCOPE = "credit:check"

router = Router()


def _auth():
    """API keys (xindang/api/auth.py, header X-API-Key) first, then the session."""
    return [api_key_auth, session_auth]


def _customer(request, user, key, pk: int) -> Customer:
    if key is not None:  # a key sees every file; the check needs the id and, to route, the name
        return get_customer(pk)
    return get_customer_for_user(user, pk, request=request)


def _customer_to_check(request, user, key, pk: int) -> Customer:
    """The customer a check is asked about. A key sees every file: the check reads the customer
    with its facts (in its one statement; an unknown id is a 404 from there) and the name, loaded
    when first used, only when the check opens an over-limit request."""
    if key is not None:
        return Customer.from_db(DEFAULT_DB_ALIAS, ["id"], [pk])
    return get_customer_for_user(user, pk, request=request)


class CheckIn(BaseModel):  # a plain pydantic model: the body is a dict (see CheckOut)
    customer_id: int
    amount: Decimal
    kind: str = "shipment"
    control_point: str | None = None
    reserve: bool = False
    reference: str = ""
    over_limit_id: int | None = None


class ReasonOut(BaseModel):
    code: str
    article: str
    params: dict = {}  # the values the message is rendered from (amounts as plain decimals)
    message: str  # rendered in the request's language, amounts like ¥80,000.00


class ReservationOut(BaseModel):
    id: int
    expires_at: datetime


class OverdueOut(BaseModel):
    entry_id: int | None = None
    kind: str = ""
    entry_on: date | None = None
    due_on: date
    amount: Decimal
    open_amount: Decimal
    days_overdue: int


class ExposureOut(BaseModel):
    open_shipments: Decimal
    open_invoices: Decimal
    prepayments: Decimal
    notes: Decimal
    reservations: Decimal
    credit_balance: Decimal
    total: Decimal


class ConditionOut(BaseModel):
    code: str  # contract, personal_guarantee, joint_guarantee, collateral (004 客户信息管理制度 第十条2(3))
    label: str


# The check's schemas are plain pydantic models, not ninja Schemas: the body and the answer are
# dicts, and a ninja Schema reads every field through its attribute getter (meant for model
# instances) — 150 µs to validate an answer against 30 µs (measured). The OpenAPI document is the same.
class CheckOut(BaseModel):
    outcome: str
    reasons: list[ReasonOut]
    conditions: list[ConditionOut] = []
    customer_id: int
    amount: Decimal
    kind: str
    control_point: str
    grade: str | None
    limit: Decimal | None
    valid_until: date | None
    exposure: ExposureOut
    exposure_after: Decimal
    oldest_overdue: OverdueOut | None
    reservation: ReservationOut | None
    approval_id: int | None
    over_limit_id: int | None
    overage: Decimal
    headroom: Decimal | None  # limit − exposure − amount; None without a limit
    previous_debt: (
        dict | None
    )  # 002 第三十五条: the unsettled previous item (entry_id, entry_on, open_amount…)
    approvable: bool
    check_id: int | None


def _bounded(amount: Decimal) -> Decimal:
    """An amount the check's record and the over-limit request can keep (DECIMAL(18, 2)): anything
    larger is a 422 here, not a database error when the record is written."""
    if amount.is_finite() and amount > MAX_AMOUNT:
        raise DomainError(ControlError.AMOUNT_TOO_LARGE, field="amount", max=MAX_AMOUNT)
    return amount


def _default_point(kind: str) -> str:
    return "prepayment" if kind == "prepayment" else "shipment"


@router.post("/credit-check", response=CheckOut, auth=_auth(), summary="Credit check (授信执行)")
def credit_check(request, payload: CheckIn):
    """allow / warn / block / approval_required with reasons (code, article, message), the limit,
    exposure by category, the oldest overdue item, the grade; with reserve=true a passing amount is
    held until the shipment is posted or the reservation expires."""
    user, key = require_scope(request, SCOPE, ControlPermission.CHECK)
    customer = _customer_to_check(request, user, key, payload.customer_id)
    try:
        result = services.check_credit(
            customer=customer,
            amount=_bounded(payload.amount),
            kind=payload.kind,
            control_point=payload.control_point or _default_point(payload.kind),
            reserve=payload.reserve,
            reference=payload.reference,
            over_limit_id=payload.over_limit_id,
            by=user,
            api_key=key,
            request=request,
        )
    except Customer.DoesNotExist:
        raise Http404 from None
    # What ninja renders for `response=CheckOut` (validated by the model, written by the API's
    # encoder), without its per-request wrapper model and response object: the hot path's share of
    # the API's own work (credit/control/tests/test_api.py compares the two).
    return HttpResponse(render_answer(CheckOut, result.as_dict()), content_type=JSON)


class OverLimitIn(Schema):
    customer_id: int
    amount: Decimal
    kind: str = "shipment"
    control_point: str | None = None
    reference: str = ""
    reason: str = ""


class OverLimitOut(Schema):
    id: int
    customer_id: int
    amount: Decimal
    kind: str
    status: str
    overage: Decimal
    limit: Decimal | None
    exposure: Decimal
    chain: list[str]
    approval_id: int | None
    valid_until: datetime | None
    used_at: datetime | None
    requested_at: datetime


def _olr_out(olr: OverLimitRequest) -> dict:
    return {
        "id": olr.pk,
        "customer_id": olr.customer_id,
        "amount": olr.amount,
        "kind": olr.kind,
        "status": olr.status,
        "overage": olr.overage_amount,
        "limit": olr.limit_amount,
        "exposure": olr.exposure_amount,
        "chain": olr.chain,
        "approval_id": olr.approval_id,
        "valid_until": olr.valid_until,
        "used_at": olr.used_at,
        "requested_at": olr.requested_at,
    }


@router.post(
    "/credit/over-limit", response={201: OverLimitOut}, auth=_auth(), summary="Request over-limit approval"
)
def request_over_limit(request, payload: OverLimitIn):
    """Send a blocked shipment or prepayment up for over-limit approval (超额审批); poll
    GET /api/approvals/{approval_id}, then check again with over_limit_id and the same amount."""
    user, key = require_scope(request, SCOPE, ControlPermission.REQUEST_OVER_LIMIT)
    customer = _customer(request, user, key, payload.customer_id)
    olr = services.request_over_limit(
        customer=customer,
        amount=_bounded(payload.amount),
        kind=payload.kind,
        control_point=payload.control_point or _default_point(payload.kind),
        reference=payload.reference,
        reason=payload.reason,
        by=user if key is None else key.created_by,
        api_key=key,
        request=request,
    )
    return Status(201, _olr_out(olr))


@router.get("/credit/over-limit/{over_limit_id}", response=OverLimitOut, auth=_auth())
def over_limit_detail(request, over_limit_id: int):
    user, key = require_scope(request, SCOPE, ControlPermission.VIEW_OVER_LIMIT)
    if key is not None:
        olr = get_over_limit(over_limit_id)
    else:
        olr = get_over_limit_for_user(user, over_limit_id, request=request)
    return _olr_out(olr)
