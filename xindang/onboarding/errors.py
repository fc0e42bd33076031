"""The onboarding app's error codes: value = stable code, label = the message (one enum)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class OnboardingError(models.TextChoices):
    PERMISSION_DENIED = (
        "onboarding.permission_denied",
        _("You do not have the permission for this operation."),
    )
    CARD_INCOMPLETE = (
        "onboarding.card_incomplete",
        _("Every field of the transaction card must be filled, no blanks (still empty: %(fields)s)."),
    )
    CARD_NOT_EDITABLE = (
        "onboarding.card_not_editable",
        _("The transaction card is %(status)s and cannot be changed now."),
    )
    CARD_MISSING = "onboarding.card_missing", _("This customer has no transaction card yet.")
    CARD_NOT_APPROVED = (
        "onboarding.card_not_approved",
        _(
            "The customer's transaction card is not approved yet: no credit sale or prepayment before "
            "the approval (004 客户信息管理制度 第十条1(8))."
        ),
    )
    INVALID = "onboarding.invalid", _("Please correct the errors below.")
    UNKNOWN_CONDITION = "onboarding.unknown_condition", _("Unknown condition: %(condition)s.")
    CONDITIONS_NOT_OPEN = (
        "onboarding.conditions_not_open",
        _("Conditions are attached to a submitted or approved transaction card."),
    )
    ALREADY_CONTACT = "onboarding.already_contact", _("%(user)s is already a contact for this customer.")
    NOT_STAFF = "onboarding.not_staff", _("Choose an active member of staff.")
    NOT_YOUR_CONTACT = (
        "onboarding.not_your_contact",
        _("Only the member of staff who keeps the contact files its contact reports."),
    )
    SUMMARY_REQUIRED = "onboarding.summary_required", _("Say what the contact was about.")


register_statuses(
    {
        OnboardingError.PERMISSION_DENIED: 403,
        OnboardingError.CARD_NOT_EDITABLE: 409,
        OnboardingError.CARD_MISSING: 404,
        OnboardingError.CARD_NOT_APPROVED: 409,
        OnboardingError.ALREADY_CONTACT: 409,
        OnboardingError.NOT_YOUR_CONTACT: 403,
    }
)
