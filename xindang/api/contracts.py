"""API router: contracts — read by neighbouring systems, created by a contract system. Session
authentication; the screens' capabilities (contracts.view_contract / add_contract) and visibility: a
contract is visible iff its customer file is (contracts.selectors.visible_contracts); another
department's contract or file is a 404 and an audited refusal, as on the screens."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xindang.accounts.selectors import get_user_or_none
from xindang.contracts import selectors, services
from xindang.contracts.errors import ContractError
from xindang.contracts.models import Kind
from xindang.contracts.models import Status as ContractStatus
from xindang.contracts.permissions import ContractPermission, get_contract_for_user
from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user

from .pagination import Pages
from .permissions import require

router = Router()


class ContractOut(Schema):
    id: int
    contract_no: str
    customer_id: int
    department_id: int
    title: str
    kind: Kind
    amount: Decimal | None
    currency: str
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    handler_id: int
    status: ContractStatus
    credit_limit_amount: Decimal | None
    credit_term_days: int | None
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime


class ContractFilters(Schema):
    customer_id: int | None = Field(None, ge=1, le=2**63 - 1)


@router.get("", response=list[ContractOut], summary="Contracts (of one customer file when asked)")
@paginate(Pages)
def list_contracts(request, filters: Query[ContractFilters]):
    require(request, ContractPermission.VIEW)
    if filters.customer_id:
        get_customer_for_user(request.user, filters.customer_id, request=request)  # 404, audited
    return selectors.contract_list(request.user, customer_id=filters.customer_id)


@router.get("/{contract_id}", response=ContractOut, summary="One contract")
def get_contract(request, contract_id: int):
    require(request, ContractPermission.VIEW)
    return get_contract_for_user(request.user, contract_id, request=request)


class ContractIn(Schema):
    customer_id: int = Field(..., ge=1, le=2**63 - 1)
    title: str = Field(..., max_length=200)
    kind: Kind = Kind.SALE
    amount: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    currency: str | None = Field(None, max_length=3, description="empty: the policy's first currency")
    signed_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    handler_id: int | None = Field(None, ge=1, le=2**63 - 1, description="empty: the caller")
    credit_limit_amount: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    credit_term_days: int | None = Field(None, ge=0, le=3650)
    notes: str = Field("", max_length=2000)


@router.post("", response={201: ContractOut}, summary="Create a contract (a draft) in a customer file")
def create_contract(request, payload: ContractIn):
    require(request, ContractPermission.ADD)
    data = payload.model_dump(exclude={"customer_id", "handler_id"}, exclude_none=True)
    data["kind"] = str(payload.kind)
    handler = request.user
    if payload.handler_id is not None:
        handler = get_user_or_none(payload.handler_id)
        if handler is None:
            raise DomainError(ContractError.INVALID, field="handler")
    data["handler"] = handler
    contract = services.create_contract(
        by=request.user, customer_id=payload.customer_id, data=data, request=request
    )
    return Status(201, contract)
