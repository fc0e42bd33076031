"""Reads of credit control: the reduction list, checks and over-limit requests a user may see, the
workbench items."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.money import format_yuan
from xindang.core.together import Part
from xindang.core.workbench import WorkItem
from xindang.credit import selectors as credit_selectors
from xindang.credit.grants.known import KnownCredit
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.grants.selectors import limit_in_force_expression
from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers
from xindang.ledger.models import Exposure

from .models import CreditCheck, OverLimitRequest, OverLimitStatus, ShipmentStop, ShipmentStopStatus
from .permissions import ControlPermission

ZERO = Decimal("0")
OVER_LIMIT, NO_LIMIT = "over_limit", "no_limit"


def _restricted(qs, user, perm):
    if not user or not user.is_authenticated or not user.has_perm(perm):
        return qs.none()
    customers = visible_customers(user)
    if customers.query.is_empty():
        return qs.none()
    if not customers.query.has_filters():
        return qs
    return qs.filter(customer__in=customers.values("pk"))


def visible_checks(user) -> QuerySet[CreditCheck]:
    return _restricted(CreditCheck.objects.all(), user, ControlPermission.VIEW_CHECKS)


def visible_over_limit(user) -> QuerySet[OverLimitRequest]:
    return _restricted(OverLimitRequest.objects.all(), user, ControlPermission.VIEW_OVER_LIMIT)


def get_over_limit(pk) -> OverLimitRequest:
    """Any over-limit request by id (for an integration's key, which serves the whole company); 404."""
    olr = OverLimitRequest.objects.filter(pk=pk).first() if 0 < int(pk) < 2**63 else None
    if olr is None:
        raise Http404
    return olr


def over_limit_usable(olr: OverLimitRequest, now=None) -> bool:
    now = now or timezone.now()
    return olr.status == OverLimitStatus.APPROVED and (olr.valid_until is None or olr.valid_until >= now)


def usable_over_limit(customer, now=None) -> QuerySet[OverLimitRequest]:
    """The customer's approved over-limit requests not yet used nor run out (the check form's list)."""
    now = now or timezone.now()
    return (
        OverLimitRequest.objects.filter(customer=customer, status=OverLimitStatus.APPROVED)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=now))
        .order_by("valid_until", "pk")
    )


def open_shipment_stop(customer) -> ShipmentStop | None:
    """The emergency stop of shipments in force for the customer (004 客户信息管理制度 第十一条1(3)), if
    any."""
    return (
        ShipmentStop.objects.filter(customer=customer, lifted_at__isnull=True)
        .select_related("stopped_by", "confirmed_by")
        .first()
    )


def shipment_stops(customer) -> QuerySet[ShipmentStop]:
    return ShipmentStop.objects.filter(customer=customer).select_related(
        "stopped_by", "confirmed_by", "lifted_by"
    )


def stops_of(customer, past: int = 5) -> tuple[ShipmentStop | None, list[ShipmentStop]]:
    """The stop in force (as open_shipment_stop) and the first `past` lifted ones (as
    shipment_stops(customer).filter(lifted_at__isnull=False)[:past]), in one query: a customer's
    emergency stops are few."""
    return stops_among(list(shipment_stops(customer).order_by("pk")), past)


def stops_among(stops: list[ShipmentStop], past: int = 5) -> tuple[ShipmentStop | None, list[ShipmentStop]]:
    """stops_of from the customer's stops read already (in the order of their ids)."""
    open_stop = next((s for s in stops if s.lifted_at is None), None)
    return open_stop, [s for s in stops if s.lifted_at is not None][:past]


def file_parts(user, *, checks: int = 20, decisions: int = 50) -> dict[str, Part]:
    """The credit-control page's own lists of a file `user` sees, as parts of the page's credit
    statement (core.together, built from {"customer": id}): the emergency stops (stops_among), and the
    latest over-limit decisions and credit checks when the user may view them. A file seen is seen with
    its checks and decisions (visible_checks and visible_over_limit restrict by the files seen), so they
    are not restricted again here."""
    parts = {"control_stops": Part(lambda a: shipment_stops(a["customer"]).order_by("pk"))}
    if user.has_perm(ControlPermission.VIEW_OVER_LIMIT):
        parts["control_decisions"] = Part(
            lambda a: OverLimitRequest.objects.filter(customer_id=a["customer"]).select_related(
                "requested_by"
            )[:decisions],
            key=decisions,
        )
    if user.has_perm(ControlPermission.VIEW_CHECKS):
        parts["control_checks"] = Part(
            lambda a: CreditCheck.objects.filter(customer_id=a["customer"]).select_related("checked_by")[
                :checks
            ],
            key=checks,
        )
    return parts


# --- The reduction list (第三十三–三十四条) ---------------------------------------------------------


@dataclass
class ReductionRow:
    customer: Customer
    reason: str  # over_limit | no_limit
    limit_amount: Decimal | None
    exposure_amount: Decimal
    reduce_by_amount: Decimal
    grade: str | None
    figures: dict

    @property
    def ratio(self) -> Decimal | None:
        if not self.limit_amount:
            return None
        return (self.exposure_amount * 100 / self.limit_amount).quantize(Decimal("0.1"))


def reduction_queryset(user, *, department=None, owner=None, q: str = "", reason: str = ""):
    """The ledger's totals rows (Exposure) of the customers on the reduction list that `user` may
    see — over their limit (第三十三条: bring back under it soon) or without a limit but with
    exposure (第三十四条: it may only go down) — annotated with committed, limit and reduce_by,
    largest first. One SQL query; pages slice it, nothing reads the ledger itself."""

    if not user or not user.is_authenticated or not user.has_perm(ControlPermission.VIEW_REDUCTION):
        return Exposure.objects.none()
    customers = visible_customers(user)
    if department:
        customers = customers.filter(department_id=department)
    if owner:
        customers = customers.filter(owner_id=owner)
    if q:
        customers = customers.filter(name__icontains=q.strip())
    on = timezone.localdate()
    money = DecimalField(max_digits=18, decimal_places=2)
    limit = Subquery(
        CreditGrant.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            customer_id=OuterRef("customer_id"),
            status=GrantStatus.ACTIVE,
        )
        .order_by("-valid_from", "-pk")
        .annotate(in_force=limit_in_force_expression(on))  # the reduction schedule's step
        .values("in_force")[:1],
        output_field=money,
    )
    committed = (
        F("open_shipments_amount")
        + F("open_invoices_amount")
        + F("prepayments_amount")
        + F("notes_amount")
        + F("reservations_amount")
    )
    exposures = Exposure.objects.annotate(committed=committed).filter(committed__gt=0)
    if customers.query.has_filters() or customers.query.is_empty():
        exposures = exposures.filter(customer__in=customers.values("pk"))
    exposures = exposures.annotate(limit=limit)
    wanted = Q(limit__isnull=True) | Q(committed__gt=F("limit"))
    if reason == NO_LIMIT:
        wanted = Q(limit__isnull=True)
    elif reason == OVER_LIMIT:
        wanted = Q(committed__gt=F("limit"))
    return (
        exposures.filter(wanted)
        .annotate(reduce_by=F("committed") - Coalesce(F("limit"), Value(ZERO), output_field=money))
        .order_by("-reduce_by", "customer_id")
    )


def reduction_rows(exposures) -> list[ReductionRow]:
    """ReductionRows for annotated Exposure rows (a page of reduction_queryset): customers, owners,
    departments and grades in three queries."""
    exposures = list(exposures)
    if not exposures:
        return []
    by_id = Customer.objects.select_related("owner", "department").in_bulk([e.customer_id for e in exposures])
    grades = credit_selectors.current_grades(list(by_id.keys()))
    return [
        ReductionRow(
            customer=by_id[e.customer_id],
            reason=NO_LIMIT if e.limit is None else OVER_LIMIT,
            limit_amount=e.limit,
            exposure_amount=e.committed_amount,
            reduce_by_amount=e.committed_amount - (e.limit or ZERO),
            grade=grades.get(e.customer_id),
            figures=e.figures(),
        )
        for e in exposures
        if e.customer_id in by_id
    ]


def reduction_list(user, *, department=None, owner=None, q: str = "", reason: str = "") -> list[ReductionRow]:
    """The whole reduction list as rows (tests, export); screens page reduction_queryset instead."""
    return reduction_rows(reduction_queryset(user, department=department, owner=owner, q=q, reason=reason))


def on_reduction_list(customer, known: KnownCredit | None = None) -> ReductionRow | None:
    """The one customer's reduction-list row, or None (for its pages). `known`: the page's reads of
    the customer's credit (exposure, grant in force, rating), asked once per page."""
    on = timezone.localdate()
    known = known if known is not None and known.on == on else KnownCredit(customer, on)
    exposure = known.exposure
    total = exposure.committed_amount
    if total <= 0:
        return None
    grant = known.in_force
    limit = known.limit_of_day
    if limit is not None and total <= limit:
        return None
    return ReductionRow(
        customer=customer,
        reason=NO_LIMIT if grant is None else OVER_LIMIT,
        limit_amount=limit,
        exposure_amount=total,
        reduce_by_amount=total - (limit or ZERO),
        grade=getattr(known.rating, "grade", None),
        figures=exposure.figures(),
    )


# --- Workbench ------------------------------------------------------------------------------------

EXPIRING_SOON = timedelta(days=2)
MAX_CUSTOMER_ITEMS = 20


def workbench_items(user) -> list[WorkItem]:
    """Over-limit approvals granted but unused (expiring first) for whoever asked; customers on the
    reduction list for their owner, and a count for managers and the credit manager."""

    if not user or not user.is_authenticated:
        return []
    now = timezone.now()
    items = []
    approved = OverLimitRequest.objects.filter(
        requested_by=user, status=OverLimitStatus.APPROVED, valid_until__gte=now
    ).select_related("customer")
    for olr in approved.order_by("valid_until")[:MAX_CUSTOMER_ITEMS]:
        items.append(
            WorkItem(
                kind="credit_control.over_limit_unused",
                label=_("Over-limit approval not yet used"),
                title=f"{olr.customer.name} · {format_yuan(olr.amount)}",
                due=timezone.localdate(olr.valid_until),
                url=reverse("credit_control:over_limit_detail", args=[olr.pk]),
                overdue=olr.valid_until - now <= EXPIRING_SOON,
                customer_id=olr.customer_id,
                customer_name=olr.customer.name,
            )
        )
    if user.has_perm(ControlPermission.DECIDE_STOP) and user.department_id:
        # 004 客户信息管理制度 第十一条1(3): the manager hears of a salesperson's emergency stop at once.
        stops = ShipmentStop.objects.filter(
            customer__department_id=user.department_id, status=ShipmentStopStatus.STOPPED
        ).select_related("customer", "stopped_by")
        for stop in stops.order_by("stopped_at")[:MAX_CUSTOMER_ITEMS]:
            items.append(
                WorkItem(
                    kind="credit_control.shipment_stop",
                    label=_("Emergency shipment stop: confirm or lift"),
                    title=_("%(customer)s · stopped by %(who)s")
                    % {
                        "customer": stop.customer.name,
                        "who": stop.stopped_by.display_name or stop.stopped_by.username,
                    },
                    due=timezone.localdate(stop.stopped_at),
                    url=reverse("credit_control:customer", args=[stop.customer_id]) + "#shipment-stop",
                    overdue=True,
                    customer_id=stop.customer_id,
                    customer_name=stop.customer.name,
                )
            )
    if not user.has_perm(ControlPermission.VIEW_REDUCTION):
        return items
    mine = reduction_rows(reduction_queryset(user, owner=user.pk)[:MAX_CUSTOMER_ITEMS])
    for row in mine:
        items.append(
            WorkItem(
                kind="credit_control.reduce_over_limit"
                if row.reason == OVER_LIMIT
                else "credit_control.reduce_no_limit",
                label=_("Reduce exposure (over the limit)")
                if row.reason == OVER_LIMIT
                else _("Reduce exposure (no limit)"),
                title=f"{row.customer.name} · {format_yuan(row.reduce_by_amount)}",
                url=reverse("credit_control:customer", args=[row.customer.pk]),
                customer_id=row.customer.pk,
                customer_name=row.customer.name,
            )
        )
    if user.has_perm(ControlPermission.EXPORT_REDUCTION):  # those who supervise: one line with the count
        count = _reduction_count(user)
        if count > len(mine):
            items.append(
                WorkItem(
                    kind="credit_control.reduction_list",
                    label=_("Reduction list"),
                    title=_("%(count)s customers over their limit or without one") % {"count": count},
                    url=reverse("credit_control:reduction"),
                )
            )
    return items


COUNT_CACHE_SECONDS = 600


def _reduction_count(user) -> int:
    """How many customers on the user's reduction list — counted at most every ten minutes per user
    (the home page shows it; counting evaluates every customer's limit)."""

    key = f"credit_control:reduction_count:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = reduction_queryset(user).count()
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count
