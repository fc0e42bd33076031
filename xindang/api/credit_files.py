"""API router: the credit side of a customer file — investigations, ratings and credit grants (reads).
Session authentication with the screens' capabilities (credit.view_investigation, credit.view_rating,
grants.view_creditgrant) and the screens' visibility: another department's file is a 404 and an
audited refusal (customers.permissions.get_customer_for_user; grants: grant.access_denied). Ratings and
grants are also open to an integration's API key with the "credit:check" scope (the credit check
already answers with the grade and the limit), for every file as the key serves the whole company."""

from datetime import date, datetime
from decimal import Decimal
from functools import partial

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.credit import selectors
from xindang.credit.grants import selectors as grant_selectors
from xindang.credit.grants.models import CreditGrant, GrantKind, GrantStatus
from xindang.credit.grants.permissions import GrantPermission, get_grant_for_user
from xindang.credit.models import Grade, Investigation, InvestigationStatus, Rating, RatingStatus, Scheme
from xindang.credit.permissions import CreditPermission
from xindang.customers.permissions import get_customer_for_user, get_record_for_user
from xindang.customers.selectors import get_customer

from .auth import api_key_auth, api_key_of, require_scope, session_auth
from .pagination import Mapped, Pages
from .permissions import require

KEY_OR_SESSION = [api_key_auth, session_auth]
SCOPE = "credit:check"

router = Router()


class OfCustomer(Schema):
    customer_id: int = Field(..., ge=1, le=2**63 - 1, description="the customer file")


class InvestigationOut(Schema):
    id: int
    customer_id: int
    investigated_on: date
    status: InvestigationStatus
    valid_until: date | None
    proposed_limit_amount: Decimal | None
    proposed_term_days: int | None
    conclusion: str
    created_at: datetime
    signed_at: datetime | None
    reviewed_at: datetime | None
    filed_at: datetime | None


class InvestigationDetailOut(InvestigationOut):
    basic_info: str
    shareholders: str
    bank_accounts: str
    operations: str
    financial_notes: str
    trade_history: str
    credit_record: str
    other_matters: str
    sources: list
    sources_other: str
    employee_count: int | None
    founded_on: date | None
    credit_proposal: str
    review_notes: str
    contradictions: list


class RatingOut(Schema):
    id: int
    customer_id: int
    scheme: Scheme
    grade: Grade
    computed_grade: Grade
    is_override: bool
    override_reason: str
    reasons: list
    investigation_id: int | None
    status: RatingStatus
    policy_version: int
    proposed_at: datetime
    decided_at: datetime | None
    effective_at: datetime | None


class GrantOut(Schema):
    id: int
    customer_id: int
    kind: GrantKind
    status: GrantStatus
    limit_amount: Decimal
    term_days: int
    valid_from: date | None
    valid_until: date | None
    grade: str
    ceiling_amount: Decimal | None
    replaces_id: int | None
    requested_at: datetime
    decided_at: datetime | None
    in_force: bool = Field(..., description="the grant in force today")
    limit_in_force_amount: Decimal | None = Field(
        ..., description="the limit in force today (its reduction schedule applied); empty if not in force"
    )


def _customer(request, customer_id: int):
    """The file: any for an API key; for a session user only one they see (404, audited)."""
    if api_key_of(request) is not None:
        return get_customer(customer_id)
    return get_customer_for_user(request.user, customer_id, request=request)


def _in_force(active, grant):
    """The grant with `in_force` (it is the grant in force today, `active`) and the limit in force."""
    grant.in_force = active is not None and grant.pk == active.pk
    grant.limit_in_force_amount = grant_selectors.limit_in_force(grant) if grant.in_force else None
    return grant


@router.get("/investigations", response=list[InvestigationOut], summary="A file's credit investigations")
@paginate(Pages)
def list_investigations(request, filters: Query[OfCustomer]):
    require(request, CreditPermission.VIEW)
    customer = get_customer_for_user(request.user, filters.customer_id, request=request)
    return selectors.investigations_of(customer).order_by("-investigated_on", "-id")


@router.get(
    "/investigations/{investigation_id}", response=InvestigationDetailOut, summary="One investigation"
)
def get_investigation(request, investigation_id: int):
    require(request, CreditPermission.VIEW)
    return get_record_for_user(
        request.user, Investigation, investigation_id, records=selectors.investigations_of, request=request
    )


@router.get(
    "/ratings",
    response=list[RatingOut],
    auth=KEY_OR_SESSION,
    summary="A file's ratings (proposals and decisions)",
)
@paginate(Pages)
def list_ratings(request, filters: Query[OfCustomer]):
    require_scope(request, SCOPE, CreditPermission.VIEW_RATING)
    customer = _customer(request, filters.customer_id)
    return selectors.ratings_of(customer)


@router.get("/ratings/{rating_id}", response=RatingOut, auth=KEY_OR_SESSION, summary="One rating")
def get_rating(request, rating_id: int):
    require_scope(request, SCOPE, CreditPermission.VIEW_RATING)
    return get_record_for_user(
        request.user,
        Rating,
        rating_id,
        records=selectors.ratings_of,
        request=request,
        any_file=api_key_of(request) is not None,
    )


@router.get(
    "/grants",
    response=list[GrantOut],
    auth=KEY_OR_SESSION,
    summary="A file's credit grants, with the limit in force",
)
@paginate(Pages)
def list_grants(request, filters: Query[OfCustomer]):
    require_scope(request, SCOPE, GrantPermission.VIEW)
    customer = _customer(request, filters.customer_id)
    active = grant_selectors.active_grant(customer)
    return Mapped(
        grant_selectors.customer_grants(customer).order_by("-requested_at", "-id"), partial(_in_force, active)
    )


@router.get(
    "/grants/{grant_id}",
    response=GrantOut,
    auth=KEY_OR_SESSION,
    summary="One credit grant, with the limit in force",
)
def get_grant(request, grant_id: int):
    require_scope(request, SCOPE, GrantPermission.VIEW)
    if api_key_of(request) is not None:
        grant = get_record_for_user(
            None, CreditGrant, grant_id, records=grant_selectors.customer_grants, any_file=True
        )
    else:
        grant = get_grant_for_user(request.user, grant_id, request=request)
    return _in_force(grant_selectors.active_grant(grant.customer), grant)
