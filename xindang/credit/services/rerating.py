"""Rerate: recompute every customer's grade and propose where it changed (manage.py rerate); idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from .. import rules, selectors
from ..models import (
    OPEN_RATING_STATUSES,
    Grade,
    Investigation,
    InvestigationStatus,
    Rating,
    RatingStatus,
)
from .ratings import (
    new_rating,
)


# --- Rerate ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RateChange:
    customer_id: int
    customer_name: str
    old_grade: str | None
    new_grade: str
    reasons: tuple
    rating_id: int | None


def rerate(
    *, department: str | None = None, dry_run: bool = False, by=None, on: date | None = None
) -> list[RateChange]:
    """Recompute every customer with a valid reviewed investigation (or one department's) and propose
    a rating where the computed grade differs from the grade in force and no open proposal with that
    grade exists. Idempotent: a second run finds the proposals and reports nothing."""
    on = on or timezone.localdate()
    policy = current_policy()
    qs = Investigation.objects.filter(
        status=InvestigationStatus.REVIEWED, investigated_on__lte=on, valid_until__gte=on
    )
    if department:
        qs = qs.filter(customer__department__code=department)
    ids = sorted(set(qs.values_list("customer_id", flat=True)))
    facts = selectors.rating_facts_bulk(ids, on=on, policy=policy)
    grades = selectors.current_grades(ids)
    open_grades: dict[int, set] = {}
    for cid, g in Rating.objects.filter(customer_id__in=ids, status__in=OPEN_RATING_STATUSES).values_list(
        "customer_id", "computed_grade"
    ):
        open_grades.setdefault(cid, set()).add(g)
    names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    changes = []
    for cid in ids:
        result = rules.rate_with(policy.credit.scheme, facts[cid], policy.credit)
        if grades.get(cid) == result.grade or result.grade in open_grades.get(cid, set()):
            continue
        rating_id = None
        if not dry_run:
            rating_id = _propose_computed(cid, result, policy=policy, on=on, by=by)
        changes.append(
            RateChange(cid, names.get(cid, ""), grades.get(cid), result.grade, result.reasons, rating_id)
        )
    return changes


@transaction.atomic
def _propose_computed(customer_id: int, result, *, policy, on, by) -> int:
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if Rating.objects.filter(
        customer=customer, status__in=OPEN_RATING_STATUSES, computed_grade=result.grade
    ).exists():
        return 0
    Rating.objects.filter(customer=customer, status=RatingStatus.PROPOSED).update(
        status=RatingStatus.WITHDRAWN
    )
    inv = selectors.latest_valid_investigation(customer, on)
    rating = new_rating(
        customer, result, policy=policy, inv=inv, by=by, grade=result.grade, override_reason="", note="rerate"
    )
    rating.save()
    record_event(
        "credit.rating.propose",
        actor=by,
        obj=rating,
        data={
            "customer": customer_id,
            "grade": rating.grade,
            "source": "rerate",
            "policy_version": policy.version,
        },
    )
    return rating.pk


GRADE_VALUES = Grade.values
