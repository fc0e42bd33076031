"""Reading investigations and ratings: the rating in force, the history, the latest valid investigation
and its state (missing / expired / valid)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from xindang.policy.selectors import current_policy

from ..models import OPEN_RATING_STATUSES, Investigation, InvestigationStatus, Rating, RatingStatus

MISSING, EXPIRED, VALID = "missing", "expired", "valid"


def credit_policy(policy=None):
    if policy is None:
        policy = current_policy()
    return policy.credit


# --- Ratings ---------------------------------------------------------------------------------------
def approved_ratings(customer) -> QuerySet[Rating]:
    """The customer's approved ratings, the one in force (latest effective) first."""
    cid = getattr(customer, "pk", customer)
    return Rating.objects.filter(customer_id=cid, status=RatingStatus.APPROVED).order_by(
        "-effective_at", "-id"
    )


def current_rating(customer) -> Rating | None:
    """The rating in force: approved, latest effective."""
    return approved_ratings(customer).first()


def current_grades(customer_ids) -> dict[int, str]:
    """customer id → grade in force, for those that have one (one query)."""
    ids = list(customer_ids)
    out: dict[int, str] = {}
    rows = (
        Rating.objects.filter(customer_id__in=ids, status=RatingStatus.APPROVED)
        .order_by("customer_id", "-effective_at", "-id")
        .values_list("customer_id", "grade")
    )
    for cid, grade in rows:
        out.setdefault(cid, grade)
    return out


def ratings_of(customer) -> QuerySet[Rating]:
    return (
        Rating.objects.filter(customer=customer)
        .select_related("proposed_by", "investigation")
        .order_by("-proposed_at", "-id")
    )


def open_proposals(customer) -> QuerySet[Rating]:
    return Rating.objects.filter(customer=customer, status__in=OPEN_RATING_STATUSES)


# --- Investigations --------------------------------------------------------------------------------
def investigations_of(customer) -> QuerySet[Investigation]:
    return Investigation.objects.filter(customer=customer).select_related(
        "created_by", "signed_by", "reviewed_by"
    )


def latest_valid_investigation(customer, on: date | None = None) -> Investigation | None:
    """The latest reviewed investigation still valid on `on` (002 第十一条; validity from the policy)."""
    on = on or timezone.localdate()
    cid = getattr(customer, "pk", customer)
    return (
        Investigation.objects.filter(
            customer_id=cid, status=InvestigationStatus.REVIEWED, investigated_on__lte=on, valid_until__gte=on
        )
        .select_related("signed_by", "created_by")
        .prefetch_related("years")
        .order_by("-investigated_on", "-id")
        .first()
    )


def reviewed_investigations(customer, on: date) -> QuerySet[Investigation]:
    """The reviewed investigations made by `on`, the one investigation_status judges first."""
    cid = getattr(customer, "pk", customer)
    return Investigation.objects.filter(
        customer_id=cid, status=InvestigationStatus.REVIEWED, investigated_on__lte=on
    ).order_by("-valid_until", "-id")


def investigation_status(customer, on: date | None = None) -> dict:
    """{"state": missing|expired|valid, "due": date|None, "investigation": latest reviewed or None}."""
    on = on or timezone.localdate()
    return investigation_state(reviewed_investigations(customer, on).first(), on)


def investigation_state(latest: Investigation | None, on: date) -> dict:
    """investigation_status from the first of reviewed_investigations(customer, on), read already."""
    if latest is None:
        return {"state": MISSING, "due": None, "investigation": None}
    state = VALID if latest.valid_until and latest.valid_until >= on else EXPIRED
    return {"state": state, "due": latest.valid_until, "investigation": latest}
