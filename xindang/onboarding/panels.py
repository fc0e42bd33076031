"""The transaction card on its approval page: every field the approvers sign for, the blanks (none
on a submitted card), and the conditions an approver attaches."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .forms import ConditionsForm
from .models import TransactionCard
from .permissions import OnboardingPermission, has
from .selectors import card_rows


def card_approval_panel(approval, request) -> str:
    try:
        pk = int(approval.object_id)
    except (TypeError, ValueError):
        return ""
    card = TransactionCard.objects.select_related("customer").filter(pk=pk).first()
    if card is None:
        return ""
    can_set = has(request.user, OnboardingPermission.SET_CONDITIONS) and card.status in (
        "submitted",
        "approved",
    )
    return mark_safe(
        render_to_string(
            "onboarding/_approval_panel.html",
            {
                "card": card,
                "customer": card.customer,
                "rows": card_rows(card),
                "conditions_form": ConditionsForm.for_card(card) if can_set else None,
                "next": request.get_full_path(),
            },
            request=request,
        )
    )
