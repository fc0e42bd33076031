"""The credit panel of a customer file (资信调查与评级): current grade, investigation state, history."""

from django.shortcuts import render

from xindang.customers.permissions import get_customer_for_user

from .. import selectors
from ..permissions import CreditPermission
from ..texts import reason_rows
from .display import STATE_CLASSES, grade_label, state_labels


def customer_section(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    user = request.user
    allowed = user.has_perm(CreditPermission.VIEW)
    ctx = {"customer": customer, "allowed": allowed}
    if allowed:
        current = selectors.current_rating(customer)
        status = selectors.investigation_status(customer)
        ratings = (
            list(selectors.ratings_of(customer)[:50]) if user.has_perm(CreditPermission.VIEW_RATING) else []
        )
        for r in ratings:
            r.grade_info = grade_label(r.grade)
            r.reason_rows = reason_rows(r.reasons)
        ctx.update(
            {
                "current": current,
                "current_grade": grade_label(current.grade) if current else None,
                "current_reasons": reason_rows(current.reasons) if current else [],
                "status": status,
                "state_label": state_labels()[status["state"]],
                "state_class": STATE_CLASSES[status["state"]],
                "investigations": list(selectors.investigations_of(customer)[:30]),
                "ratings": ratings,
                "can_add": user.has_perm(CreditPermission.ADD),
                "can_propose": user.has_perm(CreditPermission.PROPOSE) and status["state"] == selectors.VALID,
            }
        )
    return render(request, "credit/_customer_section.html", ctx)
