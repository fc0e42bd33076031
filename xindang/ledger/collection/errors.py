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
