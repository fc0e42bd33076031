"""Reading collection work. Visible iff the customer file is (visible_customers is the one rule)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.models import Department, User
from xindang.core import workbench
from xindang.core.money import format_yuan
from xindang.customers.selectors import visible_customers
from xindang.ledger.facts import COLLECTION_KINDS, MONEY
from xindang.ledger.models import ZERO, EntryKind, TradeEntry
from xindang.policy.selectors import current_policy

from . import rules
from .models import (
    AnomalyReport,
    CollectionRecord,
    DangerReport,
    DangerStatus,
    PaymentPromise,
    ProblemAccountReport,
    PromiseStatus,
    ReportStatus,
    TradeSuspension,
)
from .permissions import CollectionPermission


# --- Trade suspension (read by the credit check) ---------------------------------------------------
def active_suspension(customer) -> TradeSuspension | None:
    """The suspension in force for `customer` (a Customer or its pk), or None."""
    customer_id = getattr(customer, "pk", customer)
    return (
        TradeSuspension.objects.filter(customer_id=customer_id, lifted_at__isnull=True)
        .select_related("suspended_by")
        .order_by("-suspended_at", "-id")
        .first()
    )


def is_trade_suspended(customer) -> bool:
    customer_id = getattr(customer, "pk", customer)
    return TradeSuspension.objects.filter(customer_id=customer_id, lifted_at__isnull=True).exists()


def suspended_customer_ids(customer_ids) -> set[int]:
    return set(
        TradeSuspension.objects.filter(
            customer_id__in=list(customer_ids), lifted_at__isnull=True
        ).values_list("customer_id", flat=True)
    )


# --- Visibility -----------------------------------------------------------------------------------
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


def payments_between(customer_id: int, start: date, end: date) -> Decimal:
    """Payments received (cash and bills) from `start` to `end`, reversals left out."""
    total = TradeEntry.objects.filter(
        customer_id=customer_id,
        kind__in=[EntryKind.PAYMENT, EntryKind.NOTE_RECEIVED],
        entry_on__range=(start, end),
        reversed_by__isnull=True,
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    return total or ZERO


# --- Promise state, evaluated lazily ---------------------------------------------------------------
def promise_display_state(promise: PaymentPromise, today: date | None = None) -> str:
    """The stored status, except that an open promise past its date shows as broken before the daily
    job has flagged it (the job settles it with the payments; until then nothing was paid in full,
    or it would have been kept)."""
    today = today or timezone.localdate()
    if promise.status == PromiseStatus.OPEN and today > promise.promised_on:
        paid = payments_between(promise.customer_id, promise.made_on, promise.promised_on)
        return rules.promise_state(
            amount=promise.amount,
            made_on=promise.made_on,
            promised_on=promise.promised_on,
            paid_by_promise_date=paid,
            today=today,
        )
    return promise.status


# --- The customer section -------------------------------------------------------------------------
@dataclass
class CustomerCollection:
    records: list
    promises: list
    anomalies: list
    problems: list
    dangers: list
    suspension: TradeSuspension | None
    suspensions: list


def customer_collection(customer, today: date | None = None) -> CustomerCollection:
    today = today or timezone.localdate()
    promises = list(customer.payment_promises.select_related("created_by")[:50])
    for p in promises:
        p.display_state = promise_display_state(p, today)
    return CustomerCollection(
        records=list(customer.collection_records.select_related("recorded_by")[:50]),
        promises=promises,
        anomalies=list(customer.anomaly_reports.select_related("assigned_to")[:20]),
        problems=list(customer.problem_reports.select_related("assigned_to", "reviewed_by")[:20]),
        dangers=list(customer.danger_reports.select_related("reported_by", "decided_by")[:20]),
        suspension=active_suspension(customer),
        suspensions=list(customer.trade_suspensions.select_related("suspended_by", "lifted_by")[:20]),
    )


# --- The collection list ------------------------------------------------------------------------
WORK_KINDS = ("promise", "anomaly", "problem", "danger", "next_step", "suspension")


@dataclass
class WorkItem:
    kind: str
    customer: object
    due: date | None
    overdue: bool
    summary: str
    url: str
    obj: object
    owner: object = None


def open_work(user, params: dict | None = None, today: date | None = None) -> list[WorkItem]:
    """Open collection work the user may see: promises due or broken, anomaly reports to complete,
    problem accounts open or awaiting review, dangerous-customer reports awaiting a decision,
    collection next steps due, active suspensions. Filters: kind, department, q (customer name),
    mine (the user's own customers)."""
    params = dict(params or {})
    today = today or timezone.localdate()
    soon = today + timedelta(days=current_policy().collection.due_soon_days)
    kinds = [params["kind"]] if params.get("kind") in WORK_KINDS else list(WORK_KINDS)
    cust = Q()
    department = str(params.get("department") or "")
    if department.isdigit():
        cust &= Q(customer__department_id=int(department))
    if params.get("q"):
        cust &= Q(customer__name__icontains=params["q"].strip())
    if params.get("mine"):
        cust &= Q(customer__owner=user)
    items: list[WorkItem] = []

    def customer_url(c, anchor="collection"):
        return c.get_absolute_url() + f"#{anchor}"

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
                WorkItem(
                    "promise",
                    p.customer,
                    p.promised_on,
                    state == rules.BROKEN,
                    f"{p.amount:,.2f}",
                    customer_url(p.customer),
                    p,
                )
            )
    if "anomaly" in kinds:
        for r in (
            visible_anomalies(user)
            .filter(cust, status=ReportStatus.OPEN)
            .select_related("customer", "assigned_to")[:500]
        ):
            items.append(
                WorkItem(
                    "anomaly",
                    r.customer,
                    r.raised_on,
                    r.raised_on < today - timedelta(days=3),
                    f"{r.overdue_amount:,.2f}",
                    r.get_absolute_url(),
                    r,
                    r.assigned_to,
                )
            )
    if "problem" in kinds:
        qs = visible_problems(user).filter(cust, status__in=[ReportStatus.OPEN, ReportStatus.SUBMITTED])
        for r in qs.select_related("customer", "assigned_to")[:500]:
            items.append(
                WorkItem(
                    "problem",
                    r.customer,
                    r.raised_on,
                    r.status == ReportStatus.OPEN and r.raised_on < today - timedelta(days=7),
                    f"{r.overdue_amount:,.2f}",
                    r.get_absolute_url(),
                    r,
                    r.assigned_to,
                )
            )
    if "danger" in kinds:
        for r in (
            visible_dangers(user)
            .filter(cust, status=DangerStatus.SUBMITTED)
            .select_related("customer", "reported_by")[:500]
        ):
            items.append(
                WorkItem(
                    "danger",
                    r.customer,
                    r.reported_on,
                    False,
                    r.situation[:80],
                    r.get_absolute_url(),
                    r,
                    r.reported_by,
                )
            )
    if "next_step" in kinds:
        qs = visible_records(user).filter(
            cust, next_step_done=False, next_step_on__isnull=False, next_step_on__lte=soon
        )
        for r in qs.select_related("customer", "recorded_by")[:500]:
            items.append(
                WorkItem(
                    "next_step",
                    r.customer,
                    r.next_step_on,
                    r.next_step_on < today,
                    r.next_step,
                    customer_url(r.customer),
                    r,
                    r.recorded_by,
                )
            )
    if "suspension" in kinds:
        for s in (
            visible_suspensions(user)
            .filter(cust, lifted_at__isnull=True)
            .select_related("customer", "suspended_by")[:500]
        ):
            items.append(
                WorkItem(
                    "suspension",
                    s.customer,
                    None,
                    False,
                    s.reason[:80],
                    customer_url(s.customer),
                    s,
                    s.suspended_by,
                )
            )
    items.sort(key=lambda i: (not i.overdue, i.due is None, i.due or date.max, i.customer.name))
    return items


# --- Workbench --------------------------------------------------------------------------------
def workbench_items(user) -> list[workbench.WorkItem]:
    """Promises due today or broken, anomaly reports to complete (the assigned salesperson), problem
    accounts to write (salesperson) or awaiting the manager, collection next steps due."""

    if not user.is_authenticated or not user.has_perm(CollectionPermission.VIEW):
        return []
    today = timezone.localdate()
    soon = today + timedelta(days=current_policy().collection.due_soon_days)
    mine = Q(customer__owner=user)
    items = []
    for p in (
        visible_promises(user)
        .filter(mine, status=PromiseStatus.OPEN, promised_on__lte=soon)
        .select_related("customer")[:50]
    ):
        broken = today > p.promised_on
        items.append(
            workbench.WorkItem(
                kind="collection.promise_broken" if broken else "collection.promise_due",
                label=_("Payment promise broken") if broken else _("Payment promise due"),
                title=f"{p.customer.name} · {format_yuan(p.amount)}",
                due=p.promised_on,
                url=p.customer.get_absolute_url() + "#collection",
                overdue=broken,
                customer_id=p.customer_id,
                customer_name=p.customer.name,
            )
        )
    # For the owner only: the credit manager may complete any report but is not reminded of all.
    anomalies = visible_anomalies(user).filter(status=ReportStatus.OPEN).filter(Q(assigned_to=user) | mine)
    for r in anomalies.select_related("customer")[:50]:
        items.append(
            workbench.WorkItem(
                kind="collection.anomaly_report",
                label=_("Complete collection-anomaly report"),
                title=r.customer.name,
                due=r.raised_on + timedelta(days=3),
                url=r.get_absolute_url(),
                overdue=today > r.raised_on + timedelta(days=3),
                customer_id=r.customer_id,
                customer_name=r.customer.name,
            )
        )
    problems = visible_problems(user).filter(status=ReportStatus.OPEN).filter(Q(assigned_to=user) | mine)
    for r in problems.select_related("customer")[:50]:
        items.append(
            workbench.WorkItem(
                kind="collection.problem_report",
                label=_("Write problem-account report"),
                title=r.customer.name,
                due=r.raised_on + timedelta(days=7),
                url=r.get_absolute_url(),
                overdue=today > r.raised_on + timedelta(days=7),
                customer_id=r.customer_id,
                customer_name=r.customer.name,
            )
        )
    if user.has_perm(CollectionPermission.REVIEW_PROBLEM):
        waiting = visible_problems(user).filter(status=ReportStatus.SUBMITTED).exclude(completed_by=user)
        for r in waiting.select_related("customer")[:50]:
            items.append(
                workbench.WorkItem(
                    kind="collection.problem_opinion",
                    label=_("Problem-account report awaiting your opinion"),
                    title=r.customer.name,
                    url=r.get_absolute_url(),
                    customer_id=r.customer_id,
                    customer_name=r.customer.name,
                )
            )
    if user.has_perm(CollectionPermission.DECIDE_DANGER):
        waiting = visible_dangers(user).filter(status=DangerStatus.SUBMITTED).exclude(reported_by=user)
        for r in waiting.select_related("customer")[:50]:
            items.append(
                workbench.WorkItem(
                    kind="collection.danger_instruction",
                    label=_("Dangerous-customer report awaiting your instruction"),
                    title=r.customer.name,
                    due=r.reported_on,
                    url=r.get_absolute_url(),
                    customer_id=r.customer_id,
                    customer_name=r.customer.name,
                )
            )
    steps = visible_records(user).filter(
        recorded_by=user, next_step_done=False, next_step_on__isnull=False, next_step_on__lte=soon
    )
    for r in steps.select_related("customer")[:50]:
        items.append(
            workbench.WorkItem(
                kind="collection.next_step",
                label=_("Collection next step"),
                title=f"{r.customer.name} · {r.next_step}",
                due=r.next_step_on,
                url=r.customer.get_absolute_url() + "#collection",
                overdue=r.next_step_on < today,
                customer_id=r.customer_id,
                customer_name=r.customer.name,
            )
        )
    return items


def ageing_url(**params) -> str:
    return reverse("collection:ageing") + (
        "?" + urlencode({k: v for k, v in params.items() if v}) if params else ""
    )


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None  # None: the page the reader is on


def ageing_crumbs(
    *, on, department_id=None, salesperson_id=None, customer=None, here: str | None = None
) -> list[Crumb]:
    """The way back up the ageing drill-down: company → department → salesperson → customer. Each
    level links to the list one level down; the page the reader is on (`here`, or the customer's
    entries) is not linked."""

    on = on.isoformat() if hasattr(on, "isoformat") else on
    crumbs = [Crumb(_("Company"), ageing_url(on=on, by="department"))]
    if department_id:
        dept = Department.objects.filter(pk=department_id).only("name").first()
        url = ageing_url(on=on, by="salesperson", department=department_id)
        crumbs.append(Crumb(dept.name if dept else "?", url))
    if salesperson_id:
        user = User.objects.filter(pk=salesperson_id).first()
        url = ageing_url(on=on, by="customer", department=department_id, salesperson=salesperson_id)
        crumbs.append(Crumb((user.get_full_name() or user.username) if user else "?", url))
    crumbs = [Crumb(c.label, None if c.url == here else c.url) for c in crumbs]
    if customer is not None:
        crumbs.append(Crumb(customer.name, None))
    return crumbs


def broken_promises_by_customer(ids, *, since: date, on: date) -> dict[int, int]:
    """Payment promises broken in [since, on) per customer, for the rating facts (ledger.facts): one
    aggregate, plus the open ones past their date whose payments fall short (not yet marked broken)."""
    broken: dict = defaultdict(int)
    promises = PaymentPromise.objects.filter(customer_id__in=ids, promised_on__gte=since, promised_on__lt=on)
    for r in (
        promises.filter(status=PromiseStatus.BROKEN).order_by().values("customer_id").annotate(n=Count("id"))
    ):
        broken[r["customer_id"]] += r["n"]
    if promises.filter(status=PromiseStatus.OPEN).exists():
        paid = Subquery(
            TradeEntry.objects.filter(
                customer_id=OuterRef("customer_id"),
                kind__in=COLLECTION_KINDS,
                entry_on__gte=OuterRef("made_on"),
                entry_on__lte=OuterRef("promised_on"),
                reversed_by__isnull=True,
            )
            .order_by()
            .values("customer_id")
            .annotate(s=Sum("amount"))
            .values("s"),
            output_field=MONEY,
        )
        for r in (
            promises.filter(status=PromiseStatus.OPEN)
            .annotate(paid=Coalesce(paid, Value(ZERO), output_field=MONEY))
            .filter(paid__lt=F("amount"))
            .order_by()
            .values("customer_id")
            .annotate(n=Count("id"))
        ):
            broken[r["customer_id"]] += r["n"]
    return dict(broken)


def report_list(qs: QuerySet, *, customer_id: int | None = None, status: str | None = None) -> QuerySet:
    """Collection reports (anomaly or problem-account, already narrowed to what the user sees) of one
    file and one status when given, the latest raised first."""
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_on", "-id")
