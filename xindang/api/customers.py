from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xindang.accounts.selectors import get_department_by_code, get_user_by_username
from xindang.audit.services import record_event
from xindang.customers import selectors, services
from xindang.customers.choices import Importance, Nature, Relationship, ShareholderKind, Tier
from xindang.customers.choices import Status as CustomerStatus
from xindang.customers.permissions import CustomerPermission, get_customer_for_user

from .pagination import page_answer
from .permissions import require

router = Router()


class CustomerRow(Schema):
    id: int
    file_no: str
    code: str | None
    name: str
    credit_code: str | None
    department: str = Field(..., alias="department.code")
    owner: str = Field(..., alias="owner.username")
    status: CustomerStatus
    tier: Tier
    importance: Importance
    nature: Nature
    relationship: Relationship
    region: str
    industry: str
    registered_capital: Decimal | None
    registered_capital_currency: str
    postal_code: str
    updated_at: datetime


class ContactOut(Schema):
    id: int
    name: str
    title: str
    phone: str
    mobile: str
    email: str
    is_primary: bool


class BankAccountOut(Schema):
    id: int
    bank_name: str
    account_name: str
    account_no: str
    is_settlement: bool


class ShareholderOut(Schema):
    id: int
    name: str
    kind: ShareholderKind
    share_pct: Decimal | None
    contribution_amount: Decimal | None


class ManagerOut(Schema):
    id: int
    name: str
    position: str
    age: int | None


class RelatedCompanyOut(Schema):
    id: int
    name: str
    credit_code: str
    relation: str


class CustomerDetail(CustomerRow):
    version: int
    address: str
    enterprise_type: str
    business_scope: str
    legal_rep: str
    chairman: str
    general_manager: str
    founded_on: date | None
    operating_from: date | None
    operating_to: date | None
    licence_valid_until: date | None
    licence_authority: str
    certifications: str
    city: str
    website: str
    phone: str
    fax: str
    email: str
    notes: str
    tags: list[str]
    contacts: list[ContactOut]
    bank_accounts: list[BankAccountOut]
    shareholders: list[ShareholderOut]
    managers: list[ManagerOut]
    related_companies: list[RelatedCompanyOut]

    @staticmethod
    def resolve_tags(obj):
        return list(obj.tags.values_list("name", flat=True))

    @staticmethod
    def resolve_contacts(obj):
        return list(obj.contacts.all())

    @staticmethod
    def resolve_bank_accounts(obj):
        return list(obj.bank_accounts.all())

    @staticmethod
    def resolve_shareholders(obj):
        return list(obj.shareholders.all())

    @staticmethod
    def resolve_managers(obj):
        return list(obj.managers.all())

    @staticmethod
    def resolve_related_companies(obj):
        return list(obj.related_companies.all())


class CustomerFilters(Schema):
    q: str = ""
    status: CustomerStatus | None = None
    department: int | None = Field(None, ge=1, le=2**63 - 1)
    owner: int | None = Field(None, ge=1, le=2**63 - 1)
    nature: Nature | None = None
    tier: Tier | None = None
    importance: Importance | None = None
    region: str = ""
    industry: str = ""
    tag: str = ""
    sort: str = ""


class CustomerIn(Schema):
    """Basic data of a file. department: department code; owner: user name (default: you)."""

    name: str = Field(..., min_length=1, max_length=200)
    department: str
    owner: str | None = None
    credit_code: str | None = None
    address: str = ""
    enterprise_type: str = ""
    nature: Nature = Nature.ORDINARY_COMPANY
    business_scope: str = ""
    registered_capital: Decimal | None = Field(None, description="In registered_capital_currency.")
    registered_capital_currency: str = Field("CNY", description="ISO 4217: CNY, USD, EUR, HKD, JPY, GBP …")
    postal_code: str = Field("", max_length=6, description="Six digits.")
    legal_rep: str = ""
    chairman: str = ""
    general_manager: str = ""
    founded_on: date | None = None
    operating_from: date | None = None
    operating_to: date | None = None
    licence_valid_until: date | None = None
    licence_authority: str = ""
    certifications: str = ""
    industry: str = ""
    region: str = ""
    city: str = ""
    website: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    relationship: Relationship = Relationship.BUYER
    tier: Tier = Tier.ORDINARY
    importance: Importance = Importance.GENERAL
    notes: str = ""
    tags: list[str] = []
    confirm_similar: bool = False


class CustomerPatch(Schema):
    """Changed fields only, plus the version you read (a stale version is refused with 409)."""

    version: int
    confirm_similar: bool = False
    fields: dict


class StatusIn(Schema):
    to_status: CustomerStatus
    reason: str = Field(..., min_length=1, max_length=500)
    # How and when the customer was told (required when trade is suspended or ended).
    notified_via: str = ""
    notified_on: date | None = None


def _resolve_refs(request, data: dict) -> dict:
    data = dict(data)
    if "department" in data:
        data["department"] = get_department_by_code(data["department"])
    if "owner" in data:
        data["owner"] = get_user_by_username(data["owner"]) if data["owner"] else request.user
    return data


@router.get("", response=list[CustomerRow], summary="List and search customer files (visibility applies)")
@paginate(page_answer(default=50, maximum=200, clamp=True))
def list_customers(request, filters: Query[CustomerFilters]):
    require(request, CustomerPermission.VIEW)
    params = {k: ("" if v is None else str(v)) for k, v in filters.dict().items()}
    return selectors.customer_list(request.user, params)


@router.get("/{int:customer_id}", response=CustomerDetail, summary="One customer file (the view is audited)")
def get_customer(request, customer_id: int):
    require(request, CustomerPermission.VIEW)
    customer = get_customer_for_user(request.user, customer_id, request=request)
    record_event("customer.view", request=request, obj=customer, data={"via": "api"})
    return customer


@router.post("", response={201: CustomerDetail}, summary="Open a customer file")
def create_customer(request, payload: CustomerIn):
    require(request, CustomerPermission.ADD)
    data = payload.dict()
    tags, confirm = data.pop("tags"), data.pop("confirm_similar")
    if data.get("owner") is None:
        data["owner"] = request.user.username
    customer = services.create_customer(
        by=request.user,
        data=_resolve_refs(request, data),
        tags=tags,
        confirm_similar=confirm,
        prospect=True,
        request=request,
    )
    return Status(201, customer)


@router.patch("/{int:customer_id}", response=CustomerDetail, summary="Change a customer file")
def update_customer(request, customer_id: int, payload: CustomerPatch):
    require(request, CustomerPermission.CHANGE)
    fields = {k: v for k, v in payload.fields.items() if k in services.EDITABLE_FIELDS or k == "tags"}
    tags = fields.pop("tags", None)
    result = services.update_customer(
        by=request.user,
        customer_id=customer_id,
        expected_version=payload.version,
        data=_resolve_refs(request, fields),
        tags=tags,
        confirm_similar=payload.confirm_similar,
        request=request,
    )
    return result.customer


@router.post("/{int:customer_id}/status", response=CustomerDetail, summary="Change the trade status")
def change_status(request, customer_id: int, payload: StatusIn):
    require(request, CustomerPermission.CHANGE_STATUS)
    return services.change_status(
        by=request.user,
        customer_id=customer_id,
        to_status=payload.to_status,
        reason=payload.reason,
        notified_via=payload.notified_via,
        notified_on=payload.notified_on,
        request=request,
    )
