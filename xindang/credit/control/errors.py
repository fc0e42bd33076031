"""Credit control's error codes with their messages (raised as core.errors.DomainError)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class ControlError(models.TextChoices):
    BAD_AMOUNT = "credit_check.bad_amount", _("The amount must be a number more than zero.")
    # one code, two messages (a variant after #: see core.errors)
    AMOUNT_TOO_LARGE = (
        "credit_check.bad_amount#too_large",
        _("The amount is above the largest amount the ledger holds (%(max)s)."),
    )
    BAD_KIND = "credit_check.bad_kind", _("Unknown kind: %(kind)s.")
    BAD_CONTROL_POINT = "credit_check.bad_control_point", _("Unknown control point: %(point)s.")
    OVER_LIMIT_NOT_FOUND = "over_limit.not_found", _("No such over-limit request for this customer.")
    OVER_LIMIT_USED = "over_limit.used", _("This over-limit approval has already been used.")
    OVER_LIMIT_NOT_APPROVED = "over_limit.not_approved", _("This over-limit request is not approved.")
    OVER_LIMIT_EXPIRED = "over_limit.expired", _("This over-limit approval has run out.")
    OVER_LIMIT_MISMATCH = (
        "over_limit.amount_mismatch",
        _("The over-limit approval is for %(amount)s (%(kind)s) exactly."),
    )
    OVER_LIMIT_NOT_NEEDED = (
        "over_limit.not_needed",
        _("No over-limit approval is needed: only shipments and prepayments the check blocks need one."),
    )
    OVER_LIMIT_NOT_APPROVABLE = (
        "over_limit.not_approvable",
        _("An over-limit approval cannot lift this block: %(why)s"),
    )
    OVER_LIMIT_REQUESTER = (
        "over_limit.requester_required",
        _("An over-limit request needs a person who asks."),
    )
    STOP_FORBIDDEN = (
        "shipment_stop.forbidden",
        _("Only the salesperson in charge of this customer may stop its shipments."),
    )
    STOP_ACTIVE = "shipment_stop.already_stopped", _("Shipments to this customer are already stopped.")
    STOP_NOT_FOUND = "shipment_stop.not_found", _("Shipments to this customer are not stopped.")
    STOP_DECIDE_FORBIDDEN = (
        "shipment_stop.decide_forbidden",
        _("Only the manager of the customer's department may confirm or lift the stop."),
    )
    STOP_ALREADY_CONFIRMED = "shipment_stop.already_confirmed", _("This stop is already confirmed.")
    REASON_REQUIRED = "shipment_stop.reason_required", _("Give a reason.")


register_statuses(
    {
        ControlError.OVER_LIMIT_NOT_FOUND: 404,
        ControlError.OVER_LIMIT_USED: 409,
        ControlError.OVER_LIMIT_EXPIRED: 409,
        ControlError.OVER_LIMIT_NOT_APPROVED: 409,
        ControlError.OVER_LIMIT_MISMATCH: 409,
        ControlError.OVER_LIMIT_NOT_NEEDED: 409,
        ControlError.OVER_LIMIT_NOT_APPROVABLE: 409,
        ControlError.OVER_LIMIT_REQUESTER: 403,
        ControlError.STOP_FORBIDDEN: 403,
        ControlError.STOP_DECIDE_FORBIDDEN: 403,
        ControlError.STOP_ACTIVE: 409,
        ControlError.STOP_NOT_FOUND: 409,
        ControlError.STOP_ALREADY_CONFIRMED: 409,
    }
)
