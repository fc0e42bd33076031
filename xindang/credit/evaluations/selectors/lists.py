"""Which evaluations a user sees, the evaluation list, a customer's evaluations and the quarter's summary."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from xindang.accounts.roles import Role
from xindang.customers.selectors import search_customers, visible_customers

from .. import rules
from ..models import EvaluationStatus, GrantEvaluation
from ..permissions import EvaluationPermission

# --- Visibility and lists ---------------------------------------------------------------------------
# The roles that sign every month's evaluation of a granted customer (002 第四十条: the finance
# department — the CFO heads it — fills in the figures; 第四十一条: the marketing manager reviews, the VP
# marketing gives the opinion): the regulation gives them the files they sign for (custody's rule
# of standing access: 001 客户档案管理制度及操作细则 六 2), here the files with an evaluation.
EVALUATION_SIGNERS = (Role.MARKETING_MANAGER, Role.VP_MARKETING, Role.CFO)


def signed_customers(user) -> Q:
    """customers.register_visibility: the files whose grant evaluation `user`'s role signs."""
    roles = set(getattr(user, "role_codes", set()))
    if not roles & set(EVALUATION_SIGNERS):
        return Q(pk__in=[])
    return Q(pk__in=GrantEvaluation.objects.values("customer_id"))


def visible_evaluations(user) -> QuerySet[GrantEvaluation]:
    """Evaluations of the customer files `user` may see, for users who may read evaluations at all."""
    if not user.is_authenticated or not user.has_perm(EvaluationPermission.VIEW):
        return GrantEvaluation.objects.none()
    return GrantEvaluation.objects.filter(customer__in=visible_customers(user))


SORTS = {
    "customer": "customer__name",
    "-customer": "-customer__name",
    "month": "month",
    "-month": "-month",
    "limit": "limit_amount",
    "-limit": "-limit_amount",
    "peak": "peak_exposure_amount",
    "-peak": "-peak_exposure_amount",
    "end": "end_exposure_amount",
    "-end": "-end_exposure_amount",
    "overdue": "overdue_amount",
    "-overdue": "-overdue_amount",
    "over": "days_over_limit",
    "-over": "-days_over_limit",
    "status": "status",
    "-status": "-status",
}
DEFAULT_SORT = "customer"
FILTER_KEYS = ("month", "status", "department", "q", "customer")


def evaluation_list(user, params) -> QuerySet[GrantEvaluation]:
    """The evaluations list with the page's filters: month (YYYY-MM), status, department, customer search."""
    qs = visible_evaluations(user).select_related(
        "customer",
        "customer__department",
        "salesperson",
        "controller_signed_by",
        "reported_by",
        "reviewed_by",
        "vp_signed_by",
    )
    month = params.get("month")
    if month:
        try:
            qs = qs.filter(month=rules.parse_month(month))
        except ValueError:
            qs = qs.none()
    status = params.get("status")
    if status in EvaluationStatus.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.exclude(status=EvaluationStatus.REVIEWED)
    department = params.get("department")
    if department and str(department).isdigit():
        qs = qs.filter(customer__department_id=department)
    customer = params.get("customer")
    if customer and str(customer).isdigit():
        qs = qs.filter(customer_id=customer)
    query = (params.get("q") or "").strip()
    if query:
        qs = qs.filter(customer__in=search_customers(visible_customers(user), query))
    sort = SORTS.get(params.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    return qs.order_by(sort, "-month", "pk")


def latest_month() -> date | None:
    return GrantEvaluation.objects.order_by("-month").values_list("month", flat=True).first()


def customer_evaluations(user, customer) -> QuerySet[GrantEvaluation]:
    return (
        visible_evaluations(user)
        .filter(customer=customer)
        .select_related("grant", "controller_signed_by", "reported_by", "reviewed_by")
        .order_by("-month", "-pk")
    )


@dataclass
class QuarterRow:
    customer: object
    months: list  # one GrantEvaluation (the last of the month) or None per month of the quarter


def quarter_summary(user, year: int, quarter: int, params=None) -> tuple[list[date], list[QuarterRow]]:
    """第三十八条 (quarterly check): per customer, the quarter's three months side by side."""
    months = rules.quarter_months(year, quarter)
    qs = visible_evaluations(user).filter(month__in=months).select_related("customer", "customer__department")
    params = params or {}
    department = params.get("department")
    if department and str(department).isdigit():
        qs = qs.filter(customer__department_id=department)
    query = (params.get("q") or "").strip()
    if query:
        qs = qs.filter(customer__in=search_customers(visible_customers(user), query))
    rows: dict[int, QuarterRow] = {}
    for ev in qs.order_by("customer__name", "customer_id", "month", "pk"):
        row = rows.setdefault(ev.customer_id, QuarterRow(ev.customer, [None, None, None]))
        row.months[months.index(ev.month)] = ev  # the later grant of a month wins
    return months, list(rows.values())
