from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractError(models.TextChoices):
    INVALID = "contract.invalid", _("Please correct the errors below.")
    STALE = (
        "contract.stale",
        _(
            "This contract was changed by %(user)s at %(at)s after you opened it. "
            "Reload it and apply your changes again."
        ),
    )
    BAD_TRANSITION = "contract.bad_transition", _("A contract cannot go from “%(from)s” to “%(to)s”.")
    REASON_REQUIRED = "contract.reason_required", _("Give a reason for the change or termination.")
    CLOSED = (
        "contract.closed",
        _("This contract is completed or terminated; its data can no longer be changed."),
    )
    NEGATIVE_AMOUNT = "contract.negative_amount", _("An amount cannot be negative.")
    AMOUNT_REQUIRED = "contract.amount_required", _("Enter the contract amount (0 if it has none).")
    UNKNOWN_CURRENCY = (
        "contract.unknown_currency",
        _("“%(currency)s” is not one of the currencies allowed by company policy: %(allowed)s."),
    )
    ENDS_BEFORE_START = "contract.ends_before_start", _("The contract cannot end before it starts.")
    SIGNED_IN_FUTURE = "contract.signed_in_future", _("The signing date cannot be in the future.")
    EVENT_IN_FUTURE = "contract.event_in_future", _("The date of the procedure cannot be in the future.")
    EVENT_BEFORE_SIGNING = (
        "contract.event_before_signing",
        _("The date of the procedure cannot be before the contract was signed."),
    )
    HANDLER_INACTIVE = "contract.handler_inactive", _("The handler must be an active user.")
    HANDLER_CANNOT_SEE = (
        "contract.handler_cannot_see",
        _("%(user)s may not see this customer file and so cannot handle its contracts."),
    )
    DEPARTMENT_INACTIVE = "contract.department_inactive", _("Choose an active department.")
    DEPARTMENT_NOT_ALLOWED = (
        "contract.department_not_allowed",
        _("Number the contract in your own department or in the customer file's department."),
    )
    NOT_HANDLER = (
        "contract.not_handler",
        _("Only the handler of the contract, %(user)s, hands its file to the credit manager."),
    )
    HANDOVER_NOT_PENDING = "contract.handover_not_pending", _("This file has already been handed over.")
    HANDOVER_NOT_HANDED = (
        "contract.handover_not_handed",
        _("This file has not been handed over yet, or has already been received."),
    )
    SAME_PERSON = (
        "contract.same_person",
        _("You handed this file over yourself; someone else must receive it."),
    )
    DOCUMENT_CATEGORY = (
        "contract.document_category",
        _("Choose a category of the contract file (SPEC §2 item 7)."),
    )
