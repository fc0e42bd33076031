"""The yearly evaluation of a selected supplier (002 篇五): scores by criterion, weighted, graded."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import SupplierError
from ..models import SelectionStatus, SupplierEvaluation
from ..permissions import SupplierPermission
from .selection import require, selection_for_update

# --- Yearly evaluation ------------------------------------------------------------------------------


@transaction.atomic
def evaluate(
    *, by, customer_id: int, year: int, scores: dict, notes: str = "", request=None
) -> SupplierEvaluation:
    """The yearly evaluation of a selected supplier: each criterion scored on the policy's scale,
    weighted, graded by the policy's bands. One evaluation a supplier a year."""
    require(by, SupplierPermission.EVALUATE)
    customer = get_customer_for_user(by, customer_id, request=request)
    if not rules.is_supplier(customer.relationship):
        raise DomainError(SupplierError.NOT_A_SUPPLIER, name=customer.name)
    selection = selection_for_update(customer)
    if selection is None or selection.status != SelectionStatus.APPROVED:
        raise DomainError(SupplierError.NOT_SELECTED)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(SupplierError.YEAR_INVALID, field="year") from None
    if year > timezone.localdate().year or year < 2000:
        raise DomainError(SupplierError.YEAR_INVALID, field="year")
    policy = current_policy().suppliers
    labels = criterion_labels()
    for criterion in rules.CRITERIA:
        if not rules.score_in_scale(scores.get(criterion), policy.score_max):
            raise DomainError(
                SupplierError.SCORE_OUT_OF_SCALE,
                field=criterion,
                criterion=labels[criterion],
                max=policy.score_max,
            )
    clean = {c: int(Decimal(str(scores[c]))) for c in rules.CRITERIA}
    if SupplierEvaluation.objects.filter(customer=customer, year=year).exists():
        raise DomainError(SupplierError.ALREADY_EVALUATED, field="year", name=customer.name, year=year)
    score = rules.weighted_score(clean, policy.weights, policy.score_max)
    grade = rules.grade_for(score, policy.grade_bands.items())
    try:
        with transaction.atomic():
            evaluation = SupplierEvaluation.objects.create(
                customer=customer,
                year=year,
                **clean,
                score=score,
                grade=grade,
                weights=dict(policy.weights),
                scale_max=policy.score_max,
                notes=(notes or "").strip(),
                evaluated_by=by,
            )
    except IntegrityError:  # a concurrent evaluation of the same year won
        raise DomainError(
            SupplierError.ALREADY_EVALUATED, field="year", name=customer.name, year=year
        ) from None
    record_event(
        "suppliers.evaluate",
        actor=by,
        request=request,
        obj=evaluation,
        data={"year": year, **clean, "score": str(score), "grade": grade},
    )
    return evaluation


def criterion_labels() -> dict:
    return {
        rules.QUALITY: gettext_lazy("Quality"),
        rules.DELIVERY: gettext_lazy("Delivery"),
        rules.PRICE: gettext_lazy("Price"),
        rules.SERVICE: gettext_lazy("Service"),
    }
