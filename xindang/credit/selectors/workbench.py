"""The credit work on the workbench: ratings to propose (quarterly, 002 第十二条), opinions to give."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, F, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core import dates
from xindang.core.workbench import WorkItem
from xindang.customers.choices import Status as CustomerStatus
from xindang.customers.permissions import CustomerPermission
from xindang.customers.selectors import visible_customers

from ..models import OPEN_RATING_STATUSES, Investigation, InvestigationStatus, Rating, RatingStatus
from ..permissions import CreditPermission
from .records import EXPIRED, credit_policy


# --- Workbench -------------------------------------------------------------------------------------
def quarter_end(day: date) -> date:
    return dates.add_months(quarter_start(day), 3) - timedelta(days=1)


def quarter_start(day: date) -> date:
    return date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)


def rating_customers(user) -> Q:
    """customers.register_visibility: the marketing manager rates the customers with the salesperson
    and the finance credit controller (002 第十九条) and reviews their investigations — the files with a
    rating proposed or awaiting approval, or an investigation signed and awaiting review, are files he
    is responsible for (custody's rule of standing access, 001 客户档案管理制度及操作细则 六 2)."""
    if "marketing_manager" not in set(getattr(user, "role_codes", set())):
        return Q(pk__in=[])
    return Q(pk__in=Rating.objects.filter(status__in=OPEN_RATING_STATUSES).values("customer_id")) | Q(
        pk__in=Investigation.objects.filter(status=InvestigationStatus.SIGNED).values("customer_id")
    )


def _proposal_items(user) -> list[WorkItem]:
    """Rating proposals not yet sent for approval (e.g. made by manage.py rerate)."""

    count = (
        Rating.objects.filter(status=RatingStatus.PROPOSED, customer__in=visible_customers(user))
        .values("customer_id")
        .distinct()
        .count()
    )
    if not count:
        return []
    return [
        WorkItem(
            kind="credit.rating_proposals",
            label=_("Rating proposals to send for approval"),
            title=_("%(count)s customers") % {"count": count},
            url=reverse("credit:list") + "?open=1",
        )
    ]


def _opinion_items(user) -> list[WorkItem]:
    """Proposals waiting for the opinion of their salesperson in charge (002 第十九条)."""

    rows = Rating.objects.filter(
        status=RatingStatus.PROPOSED, salesperson=user, salesperson_signed_at__isnull=True
    ).select_related("customer")[:50]
    return [
        WorkItem(
            kind="credit.rating_opinion",
            label=_("Rating awaiting your opinion (002 第十九条)"),
            title=f"{r.customer.file_no} · {r.customer.name} · {r.get_grade_display()}",
            url=reverse("credit:rating", args=[r.pk]),
            customer_id=r.customer_id,
            customer_name=r.customer.name,
        )
        for r in rows
    ]


def workbench_items(user) -> list[WorkItem]:
    """For whoever reviews investigations with the credit manager's view of all files: trading
    customers whose investigation is missing or expired, and the quarterly full refresh (第十二条)."""

    opinions = _opinion_items(user)
    if not user.has_perm(CustomerPermission.VIEW_ALL):
        return opinions
    items = opinions + (_proposal_items(user) if user.has_perm(CreditPermission.PROPOSE) else [])
    if not (user.has_perm(CreditPermission.REVIEW) and user.has_perm(CreditPermission.ADD)):
        return items
    today = timezone.localdate()
    section = credit_policy()
    base = visible_customers(user).filter(status=CustomerStatus.ACTIVE)
    annotated = base.annotate(
        valid_until=Max(
            "investigations__valid_until", filter=Q(investigations__status=InvestigationStatus.REVIEWED)
        )
    )
    due_rows = annotated.filter(Q(valid_until__isnull=True) | Q(valid_until__lt=today)).order_by(
        F("valid_until").asc(nulls_first=True), "pk"
    )[:100]
    for c in due_rows:
        missing = c.valid_until is None
        items.append(
            WorkItem(
                kind="credit.investigation_missing" if missing else "credit.investigation_expired",
                label=_("Investigation missing") if missing else _("Investigation expired"),
                title=f"{c.file_no} · {c.name}",
                due=c.valid_until,
                url=reverse("credit:investigation_create", args=[c.pk]),
                overdue=not missing,
                customer_id=c.pk,
                customer_name=c.name,
            )
        )
    if section.quarterly_refresh:
        q_start = quarter_start(today)
        not_refreshed = annotated.exclude(
            Exists(
                Investigation.objects.filter(
                    customer=OuterRef("pk"), status=InvestigationStatus.REVIEWED, investigated_on__gte=q_start
                )
            )
        ).count()
        if not_refreshed:
            items.append(
                WorkItem(
                    kind="credit.quarterly_refresh",
                    label=_("Quarterly full refresh of investigations (002 第十二条)"),
                    title=_("%(count)s trading customers not yet investigated this quarter")
                    % {"count": not_refreshed},
                    due=quarter_end(today),
                    url=reverse("credit:list") + f"?inv={EXPIRED}",
                )
            )
    return items
