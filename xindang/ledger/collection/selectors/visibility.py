"""Who sees which collection work: visible iff the customer file is (customers.selectors
.visible_customers is the one rule), for holders of the collection capability; one record for a user
or 404."""

from django.db.models import QuerySet
from django.http import Http404

from xindang.customers.selectors import visible_customers

from ..models import (
    AnomalyReport,
    CollectionRecord,
    DangerReport,
    PaymentPromise,
    ProblemAccountReport,
    TradeSuspension,
)
from ..permissions import CollectionPermission


def _visible(model, user) -> QuerySet:
    qs = model.objects.all()
    if not user or not user.is_authenticated or not user.has_perm(CollectionPermission.VIEW):
        return qs.none()
    customers = visible_customers(user)
    if customers.query.is_empty():
        return qs.none()
    if not customers.query.has_filters():
        return qs
    return qs.filter(customer__in=customers.values("pk"))


def visible_records(user):
    return _visible(CollectionRecord, user)


def visible_promises(user):
    return _visible(PaymentPromise, user)


def visible_anomalies(user):
    return _visible(AnomalyReport, user)


def visible_problems(user):
    return _visible(ProblemAccountReport, user)


def visible_dangers(user):
    return _visible(DangerReport, user)


def visible_suspensions(user):
    return _visible(TradeSuspension, user)


def _get(qs, pk):
    try:
        return qs.select_related("customer").get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_anomaly_for_user(user, pk) -> AnomalyReport:
    return _get(visible_anomalies(user), pk)


def get_problem_for_user(user, pk) -> ProblemAccountReport:
    return _get(visible_problems(user), pk)


def get_danger_for_user(user, pk) -> DangerReport:
    return _get(visible_dangers(user), pk)


def get_record_for_user(user, pk) -> CollectionRecord:
    return _get(visible_records(user), pk)


def get_promise_for_user(user, pk) -> PaymentPromise:
    return _get(visible_promises(user), pk)


def report_list(qs: QuerySet, *, customer_id: int | None = None, status: str | None = None) -> QuerySet:
    """Collection reports (anomaly or problem-account, already narrowed to what the user sees) of one
    file and one status when given, the latest raised first."""
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_on", "-id")
