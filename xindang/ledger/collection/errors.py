"""Error codes of collection work (new code raises these; see core.errors.DomainError)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectionError(models.TextChoices):
    SIGN_LINE_UNKNOWN = "collection.sign_line_unknown", _("This report has no such signature line.")
    SIGN_NOT_COMPLETED = (
        "collection.sign_not_completed",
        _("The report is signed once the salesperson has completed it."),
    )
    SIGN_ALREADY = "collection.sign_already", _("This line is already signed.")
    SIGN_OUT_OF_ORDER = (
        "collection.sign_out_of_order",
        _("The lines are signed in order: salesperson, department manager, credit manager."),
    )
    SIGN_TWICE = "collection.sign_twice", _("You have already signed another line of this report.")
    SIGN_NOT_YOURS = "collection.sign_not_yours", _("This line is for %(who)s.")
    STATEMENT_FUTURE = "collection.statement_future", _("A statement can only be of today or an earlier day.")
    STATEMENT_EXISTS = (
        "collection.statement_exists",
        _("A statement of this customer for %(day)s already exists."),
    )
    STATEMENT_REPLIED = (
        "collection.statement_replied",
        _("The customer's answer to this statement is already recorded (%(status)s)."),
    )
    STATEMENT_NOT_DISPUTED = (
        "collection.statement_not_disputed",
        _("Only a disputed statement is resolved."),
    )
    STATED_REQUIRED = "collection.stated_required", _("Enter the balance the customer states.")
    STATED_NOT_A_NUMBER = (
        "collection.stated_not_a_number",
        _("The stated balance must be an amount in yuan, such as 12500.00."),
    )
    STATED_NEGATIVE = (
        "collection.stated_negative",
        _("The stated balance cannot be negative: enter 0 and say in the note what the customer holds."),
    )
    RESOLUTION_REQUIRED = "collection.resolution_required", _("Say how the difference was resolved.")
    STATEMENT_NOT_ALLOWED = (
        "collection.statement_not_allowed",
        _("You may not do this with balance statements."),
    )
