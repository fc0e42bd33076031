"""API router: a customer's receivables ageing and the collection reports (reads). Session
authentication; the screens' capabilities (collection.view_ageing, collection.view_collectionrecord)
and visibility: another department's file or report is a 404 and an audited refusal
(customers.permissions.get_customer_for_user). Reading the ageing is recorded as on the screen
(collection.ageing). A customer's ageing is also open to an integration's API key with the
"ledger:read" scope (it is computed from the ledger); its reads are recorded without a person."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.customers.permissions import get_customer_for_user, get_record_for_user
from xindang.customers.selectors import get_customer
from xindang.ledger import ageing
from xindang.ledger.collection import selectors
from xindang.ledger.collection.models import AnomalyReport, ProblemAccountReport, ReportStatus
from xindang.ledger.collection.permissions import CollectionPermission
from xindang.ledger.collection.services.reports import record_ageing_view

from .auth import api_key_auth, api_key_of, require_scope, session_auth
from .pagination import Pages
from .permissions import require

router = Router()


class BucketOut(Schema):
    code: str = Field(..., description='"not_due", "1-30", …, "181+" (the policy\'s bounds)')
    low_days: int | None = Field(..., description="smallest days overdue (empty: not due)")
    high_days: int | None = Field(..., description="largest days overdue (empty: open-ended)")
    amount: Decimal


class AgedEntryOut(Schema):
    entry_id: int
    kind: str
    entry_on: date
    due_on: date | None
    amount: Decimal
    open_amount: Decimal
    days_overdue: int
    bucket: str
    external_id: str | None


class AgeingOut(Schema):
    customer_id: int
    on: date
    total_amount: Decimal
    overdue_amount: Decimal
    buckets: list[BucketOut]
    entries: list[AgedEntryOut]


class AgeingParams(Schema):
    on: date | None = Field(None, ge=date(1900, 1, 1), le=date(9998, 12, 31), description="empty: today")


@router.get(
    "/ageing/{customer_id}",
    response=AgeingOut,
    auth=[api_key_auth, session_auth],
    summary="A customer's receivables ageing",
)
def customer_ageing(request, customer_id: int, params: Query[AgeingParams]):
    require_scope(request, "ledger:read", CollectionPermission.VIEW_AGEING)
    key = api_key_of(request)
    if key is not None:
        customer = get_customer(customer_id)
    else:
        customer = get_customer_for_user(request.user, customer_id, request=request)
    on = params.on or timezone.localdate()
    buckets = ageing.policy_buckets()
    sums = ageing.ageing_sums(on=on, dimension="customer", buckets=buckets, customer_id=customer.pk)
    amounts = sums.get(customer.pk) or [Decimal(0)] * len(buckets)
    by = None if key is not None else request.user
    record_ageing_view(by=by, request=request, on=on, dimension="customer")
    return {
        "customer_id": customer.pk,
        "on": on,
        "total_amount": sum(amounts, Decimal(0)),
        "overdue_amount": sum(
            (a for b, a in zip(buckets, amounts, strict=True) if b.low is not None), Decimal(0)
        ),
        "buckets": [
            {"code": b.code, "low_days": b.low, "high_days": b.high, "amount": a}
            for b, a in zip(buckets, amounts, strict=True)
        ],
        "entries": ageing.aged_entries(customer_id=customer.pk, on=on, buckets=buckets),
    }


class ReportOut(Schema):
    id: int
    customer_id: int
    trigger_entry_id: int | None
    due_on: date | None
    overdue_amount: Decimal
    days_late: int
    raised_on: date
    assigned_to_id: int | None
    status: ReportStatus
    completed_at: datetime | None


class AnomalyReportOut(ReportOut):
    delay_reason: str
    customer_situation: str
    measures_proposed: str


class ProblemReportOut(ReportOut):
    facts: str
    cause: str
    measures: str
    responsible_id: int | None
    manager_opinion: str
    reviewed_at: datetime | None


class ReportFilters(Schema):
    customer_id: int | None = Field(None, ge=1, le=2**63 - 1)
    status: ReportStatus | None = None


def _reports(request, qs, filters: ReportFilters):
    if filters.customer_id:
        get_customer_for_user(request.user, filters.customer_id, request=request)  # 404, audited
    return selectors.report_list(qs, customer_id=filters.customer_id, status=filters.status)


@router.get("/anomaly-reports", response=list[AnomalyReportOut], summary="Collection-anomaly reports")
@paginate(Pages)
def list_anomaly_reports(request, filters: Query[ReportFilters]):
    require(request, CollectionPermission.VIEW)
    return _reports(request, selectors.visible_anomalies(request.user), filters)


@router.get(
    "/anomaly-reports/{report_id}", response=AnomalyReportOut, summary="One collection-anomaly report"
)
def get_anomaly_report(request, report_id: int):
    require(request, CollectionPermission.VIEW)
    visible = selectors.visible_anomalies(request.user)
    return get_record_for_user(
        request.user, AnomalyReport, report_id, records=lambda _c: visible, request=request
    )


@router.get("/problem-reports", response=list[ProblemReportOut], summary="Problem-account reports")
@paginate(Pages)
def list_problem_reports(request, filters: Query[ReportFilters]):
    require(request, CollectionPermission.VIEW)
    return _reports(request, selectors.visible_problems(request.user), filters)


@router.get("/problem-reports/{report_id}", response=ProblemReportOut, summary="One problem-account report")
def get_problem_report(request, report_id: int):
    require(request, CollectionPermission.VIEW)
    visible = selectors.visible_problems(request.user)
    return get_record_for_user(
        request.user, ProblemAccountReport, report_id, records=lambda _c: visible, request=request
    )
