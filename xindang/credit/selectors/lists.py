"""The credit list: visible customers with their grade in force and their investigation's validity."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers

from ..models import OPEN_RATING_STATUSES, InvestigationStatus, Rating, RatingStatus
from .records import EXPIRED, MISSING, VALID

# --- The credit list -------------------------------------------------------------------------------
SORTS = {
    "name": "name",
    "-name": "-name",
    "grade": F("grade").asc(nulls_last=True),
    "-grade": F("grade").desc(nulls_last=True),
    "rated": F("rated_at").asc(nulls_first=True),
    "-rated": F("rated_at").desc(nulls_last=True),
    "valid": F("valid_until").asc(nulls_first=True),
    "-valid": F("valid_until").desc(nulls_last=True),
}
DEFAULT_SORT = "valid"


def credit_list(user, params, *, on: date | None = None) -> QuerySet[Customer]:
    """Visible customers with their grade in force, when it took effect, and how long the latest
    reviewed investigation is valid. Filters: grade, inv (missing/expired/valid), department, q."""
    on = on or timezone.localdate()
    approved = Rating.objects.filter(customer=OuterRef("pk"), status=RatingStatus.APPROVED).order_by(
        "-effective_at", "-id"
    )
    qs = (
        visible_customers(user)
        .select_related("department", "owner")
        .annotate(
            grade=Subquery(approved.values("grade")[:1]),
            rated_at=Subquery(approved.values("effective_at")[:1]),
            valid_until=Max(
                "investigations__valid_until", filter=Q(investigations__status=InvestigationStatus.REVIEWED)
            ),
            has_open=Exists(Rating.objects.filter(customer=OuterRef("pk"), status__in=OPEN_RATING_STATUSES)),
        )
    )
    grade = params.get("grade")
    if grade == "none":
        qs = qs.filter(grade__isnull=True)
    elif grade:
        qs = qs.filter(grade=grade)
    state = params.get("inv")
    if state == MISSING:
        qs = qs.filter(valid_until__isnull=True)
    elif state == EXPIRED:
        qs = qs.filter(valid_until__lt=on)
    elif state == VALID:
        qs = qs.filter(valid_until__gte=on)
    if params.get("department", "").isdigit():
        qs = qs.filter(department_id=int(params["department"]))
    if params.get("open") == "1":
        qs = qs.filter(has_open=True)
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(file_no__icontains=q) | Q(code__icontains=q))
    sort = SORTS.get(params.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    return qs.order_by(sort, "pk")
