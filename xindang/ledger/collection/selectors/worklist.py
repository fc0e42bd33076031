"""The collection list: open collection work a user may see, one typed item per piece of work."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import User
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from .. import rules
from ..models import DangerStatus, PromiseStatus, ReportStatus
from .promises import promise_display_state
from .visibility import (
    visible_anomalies,
    visible_dangers,
    visible_problems,
    visible_promises,
    visible_records,
    visible_suspensions,
)

# The kinds of work on the list (its kind filter), with their labels.
KIND_LABELS = {
    "promise": _("Payment promise"),
    "anomaly": _("Collection-anomaly report"),
    "problem": _("Problem account"),
    "danger": _("Dangerous customer"),
    "next_step": _("Collection next step"),
    "suspension": _("Trade suspended"),
}
WORK_KINDS = tuple(KIND_LABELS)


@dataclass(frozen=True, kw_only=True)
class CollectionWork:
    """One piece of open collection work on the collection list and its export."""

    kind: str  # one of WORK_KINDS
    customer: Customer
    due: date | None
    overdue: bool
    summary: str
    url: str  # where the work is done
    obj: object  # the promise, report, collection record or suspension
    owner: User | None = None  # who the work is with (assigned, reported or recorded by)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def sort_key(self) -> tuple:
        """Overdue first, then by due date (undated last), then by customer name."""
        return (not self.overdue, self.due is None, self.due or date.max, self.customer.name)


def _customer_url(customer, anchor="collection") -> str:
    return customer.get_absolute_url() + f"#{anchor}"


def open_work(user, params: dict | None = None, today: date | None = None) -> list[CollectionWork]:
    """Open collection work the user may see: promises due or broken, anomaly reports to complete,
    problem accounts open or awaiting review, dangerous-customer reports awaiting a decision,
    collection next steps due, active suspensions. Filters: kind, department, q (customer name),
    mine (the user's own customers)."""
    params = dict(params or {})
    today = today or timezone.localdate()
    policy = current_policy().collection
    soon = today + timedelta(days=policy.due_soon_days)
    kinds = [params["kind"]] if params.get("kind") in WORK_KINDS else list(WORK_KINDS)
    cust = Q()
    department = str(params.get("department") or "")
    if department.isdigit():
        cust &= Q(customer__department_id=int(department))
    if params.get("q"):
        cust &= Q(customer__name__icontains=params["q"].strip())
    if params.get("mine"):
        cust &= Q(customer__owner=user)
    items: list[CollectionWork] = []

    if "promise" in kinds:
        qs = (
            visible_promises(user)
            .filter(cust)
            .filter(
                Q(status=PromiseStatus.OPEN, promised_on__lte=soon)
                | Q(status=PromiseStatus.BROKEN, settled_on__gte=today - timedelta(days=30))
            )
            .select_related("customer")
        )
        for p in qs[:500]:
            state = promise_display_state(p, today)
            if state == rules.KEPT:
                continue
            items.append(
                CollectionWork(
                    kind="promise",
                    customer=p.customer,
                    due=p.promised_on,
                    overdue=state == rules.BROKEN,
                    summary=f"{p.amount:,.2f}",
                    url=_customer_url(p.customer),
                    obj=p,
                )
            )
    if "anomaly" in kinds:
        for r in (
            visible_anomalies(user)
            .filter(cust, status=ReportStatus.OPEN)
            .select_related("customer", "assigned_to")[:500]
        ):
            items.append(
                CollectionWork(
                    kind="anomaly",
                    customer=r.customer,
                    due=r.raised_on,
                    overdue=rules.report_overdue(r.raised_on, policy.anomaly_report_days, today),
                    summary=f"{r.overdue_amount:,.2f}",
                    url=r.get_absolute_url(),
                    obj=r,
                    owner=r.assigned_to,
                )
            )
    if "problem" in kinds:
        qs = visible_problems(user).filter(cust, status__in=[ReportStatus.OPEN, ReportStatus.SUBMITTED])
        for r in qs.select_related("customer", "assigned_to")[:500]:
            items.append(
                CollectionWork(
                    kind="problem",
                    customer=r.customer,
                    due=r.raised_on,
                    overdue=r.status == ReportStatus.OPEN
                    and rules.report_overdue(r.raised_on, policy.problem_report_days, today),
                    summary=f"{r.overdue_amount:,.2f}",
                    url=r.get_absolute_url(),
                    obj=r,
                    owner=r.assigned_to,
                )
            )
    if "danger" in kinds:
        for r in (
            visible_dangers(user)
            .filter(cust, status=DangerStatus.SUBMITTED)
            .select_related("customer", "reported_by")[:500]
        ):
            items.append(
                CollectionWork(
                    kind="danger",
                    customer=r.customer,
                    due=r.reported_on,
                    overdue=False,
                    summary=r.situation[:80],
                    url=r.get_absolute_url(),
                    obj=r,
                    owner=r.reported_by,
                )
            )
    if "next_step" in kinds:
        qs = visible_records(user).filter(
            cust, next_step_done=False, next_step_on__isnull=False, next_step_on__lte=soon
        )
        for r in qs.select_related("customer", "recorded_by")[:500]:
            items.append(
                CollectionWork(
                    kind="next_step",
                    customer=r.customer,
                    due=r.next_step_on,
                    overdue=r.next_step_on < today,
                    summary=r.next_step,
                    url=_customer_url(r.customer),
                    obj=r,
                    owner=r.recorded_by,
                )
            )
    if "suspension" in kinds:
        for s in (
            visible_suspensions(user)
            .filter(cust, lifted_at__isnull=True)
            .select_related("customer", "suspended_by")[:500]
        ):
            items.append(
                CollectionWork(
                    kind="suspension",
                    customer=s.customer,
                    due=None,
                    overdue=False,
                    summary=s.reason[:80],
                    url=_customer_url(s.customer),
                    obj=s,
                    owner=s.suspended_by,
                )
            )
    items.sort(key=CollectionWork.sort_key)
    return items
