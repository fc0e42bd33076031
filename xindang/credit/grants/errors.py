from django.db import models
from django.utils.translation import gettext_lazy as _


class GrantError(models.TextChoices):
    INVALID = "grant.invalid", _("Please correct the errors below.")
    NO_RATING = (
        "grant.no_rating",
        _(
            "This customer has no approved credit rating; "
            "rate it before requesting a grant (002 第十三–二十条)."
        ),
    )
    NO_CREDIT_FOR_C = "grant.no_credit_for_c", _("A C customer gets no credit at all (002 第二十八条).")
    NOT_ALLOWED = (
        "grant.not_allowed",
        _("The rules allow no grant of this kind for this customer: %(reasons)s"),
    )
    OVER_CEILING = (
        "grant.over_ceiling",
        _(
            "The limit %(limit)s is above the ceiling %(ceiling)s "
            "the rules allow for this customer: %(reasons)s"
        ),
    )
    TERM_TOO_LONG = (
        "grant.term_too_long",
        _("The term of %(term)s days is longer than the %(max)s days the rules allow."),
    )
    NEGATIVE = "grant.negative", _("The limit cannot be negative.")
    TERM_REQUIRED = "grant.term_required", _("The term must be at least one day.")
    REASON_REQUIRED = (
        "grant.reason_required",
        _("An increase over the current limit needs a reason (002 第四十二条)."),
    )
    PENDING_EXISTS = (
        "grant.pending_exists",
        _("A grant request for this customer is already waiting for approval."),
    )
    BAD_REPLACES = "grant.bad_replaces", _("Only the customer's grant in force can be replaced.")
    DOCUMENT_OTHER_CUSTOMER = (
        "grant.document_other_customer",
        _("Collateral and guarantee documents must belong to this customer's file."),
    )
    COMPANY_CAP = (
        "grant.company_cap",
        _(
            "Company-wide cap (002 第二十四条2①): the active limits would total %(total)s, above the "
            "receivables balance of %(cap)s on %(on)s by %(excess)s. The grant was not activated."
        ),
    )
    NOT_PENDING = "grant.not_pending", _("This grant is no longer waiting for approval.")
    AMOUNT_CHANGED_ON_RESUBMIT = (
        "grant.amount_changed_on_resubmit",
        _("The limit of a grant cannot be changed on resubmission: withdraw it and request a new grant."),
    )
