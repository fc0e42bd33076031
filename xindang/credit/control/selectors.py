"""Reads of credit control: the reduction list, checks and over-limit requests a user may see, the
workbench items."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers

from . import deps
from .models import CreditCheck, OverLimitRequest, OverLimitStatus
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


def get_over_limit_for_user(user, pk, *, request=None) -> OverLimitRequest:
    olr = (
        visible_over_limit(user).select_related("customer", "requested_by", "approval").filter(pk=pk).first()
    )
    if olr is None:
        if user is not None and user.is_authenticated:
            record_event(
                "over_limit.access_denied",
                actor=user,
                request=request,
                object_type="credit_control.overlimitrequest",
                object_id=str(pk),
            )
        raise Http404
    return olr


def over_limit_usable(olr: OverLimitRequest, now=None) -> bool:
    now = now or timezone.now()
    return olr.status == OverLimitStatus.APPROVED and (olr.valid_until is None or olr.valid_until >= now)


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


def reduction_list(user, *, department=None, owner=None, q: str = "", reason: str = "") -> list[ReductionRow]:
    """Customers over their limit (第三十三条: bring back under it soon) or without a limit but with
    exposure (第三十四条: it may only go down), with the amount to reduce, largest first.

    Reads the ledger's totals table (one row per customer with any exposure), not the ledger."""
    from django.db.models import DecimalField, F, OuterRef, Q, Subquery

    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.ledger.models import Exposure

    if not user or not user.is_authenticated or not user.has_perm(ControlPermission.VIEW_REDUCTION):
        return []
    customers = visible_customers(user)
    if department:
        customers = customers.filter(department_id=department)
    if owner:
        customers = customers.filter(owner_id=owner)
    if q:
        customers = customers.filter(name__icontains=q.strip())
    on = timezone.localdate()
    limit = Subquery(
        CreditGrant.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            customer_id=OuterRef("customer_id"),
            status=GrantStatus.ACTIVE,
        )
        .order_by("-valid_from", "-pk")
        .values("limit_amount")[:1],
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )
    committed = (
        F("open_shipments_amount")
        + F("open_invoices_amount")
        + F("prepayments_amount")
        + F("notes_amount")
        + F("reservations_amount")
    )
    exposures = Exposure.objects.annotate(committed=committed, limit=limit).filter(committed__gt=0)
    if customers.query.has_filters() or customers.query.is_empty():
        exposures = exposures.filter(customer__in=customers.values("pk"))
    wanted = Q(limit__isnull=True) | Q(committed__gt=F("limit"))
    if reason == NO_LIMIT:
        wanted = Q(limit__isnull=True)
    elif reason == OVER_LIMIT:
        wanted = Q(committed__gt=F("limit"))
    out = []
    for e in exposures.filter(wanted).order_by("customer_id"):
        total = e.committed_amount
        if e.limit is None:
            out.append((e, NO_LIMIT, None, total))
        elif total > e.limit:
            out.append((e, OVER_LIMIT, e.limit, total - e.limit))
    if not out:
        return []
    by_id = Customer.objects.select_related("owner", "department").in_bulk([e.customer_id for e, *_ in out])
    grades = deps.current_grades(by_id.keys())
    result = [
        ReductionRow(
            customer=by_id[e.customer_id],
            reason=why,
            limit_amount=limit,
            exposure_amount=e.committed_amount,
            reduce_by_amount=reduce_by,
            grade=grades.get(e.customer_id),
            figures=e.figures(),
        )
        for e, why, limit, reduce_by in out
        if e.customer_id in by_id
    ]
    result.sort(key=lambda r: (-r.reduce_by_amount, r.customer.pk))
    return result


def on_reduction_list(customer) -> ReductionRow | None:
    """The one customer's reduction-list row, or None (for its pages)."""
    exposure = deps.exposure_of(customer)
    total = exposure.committed_amount
    if total <= 0:
        return None
    grant = deps.active_grant(customer, timezone.localdate())
    if grant is not None and total <= grant.limit_amount:
        return None
    limit = grant.limit_amount if grant is not None else None
    return ReductionRow(
        customer=customer,
        reason=NO_LIMIT if grant is None else OVER_LIMIT,
        limit_amount=limit,
        exposure_amount=total,
        reduce_by_amount=total - (limit or ZERO),
        grade=deps.current_grade(customer),
        figures=exposure.figures(),
    )


# --- Workbench ------------------------------------------------------------------------------------

EXPIRING_SOON = timedelta(days=2)
MAX_CUSTOMER_ITEMS = 20


def workbench_items(user) -> list[dict]:
    """Over-limit approvals granted but unused (expiring first) for whoever asked; customers on the
    reduction list for their owner, and a count for managers and the credit manager."""
    from django.utils.translation import gettext as _

    if not user or not user.is_authenticated:
        return []
    now = timezone.now()
    items = []
    approved = OverLimitRequest.objects.filter(
        requested_by=user, status=OverLimitStatus.APPROVED, valid_until__gte=now
    ).select_related("customer")
    for olr in approved.order_by("valid_until")[:MAX_CUSTOMER_ITEMS]:
        items.append(
            {
                "kind": _("Over-limit approval not yet used"),
                "title": f"{olr.customer.name} · {olr.amount}",
                "due": timezone.localdate(olr.valid_until),
                "url": reverse("credit_control:over_limit_detail", args=[olr.pk]),
                "overdue": olr.valid_until - now <= EXPIRING_SOON,
            }
        )
    if not user.has_perm(ControlPermission.VIEW_REDUCTION):
        return items
    rows = reduction_list(user)
    mine = [r for r in rows if r.customer.owner_id == user.pk]
    for row in mine[:MAX_CUSTOMER_ITEMS]:
        items.append(
            {
                "kind": _("Reduce exposure (over the limit)")
                if row.reason == OVER_LIMIT
                else _("Reduce exposure (no limit)"),
                "title": f"{row.customer.name} · {row.reduce_by_amount}",
                "due": None,
                "url": reverse("credit_control:customer", args=[row.customer.pk]),
                "overdue": False,
            }
        )
    others = len(rows) - len(mine)
    if others > 0:
        items.append(
            {
                "kind": _("Reduction list"),
                "title": _("%(count)s customers over their limit or without one") % {"count": len(rows)},
                "due": None,
                "url": reverse("credit_control:reduction"),
                "overdue": False,
            }
        )
    return items
