from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class CustodyError(models.TextChoices):
    NO_PURPOSE = "custody.no_purpose", _("State the purpose of the lookup (查阅用途).")
    NO_PERIOD = "custody.no_period", _("Give the period of the lookup: from and return by.")
    PERIOD_IN_PAST = "custody.period_in_past", _("A lookup cannot start in the past.")
    PERIOD_ORDER = "custody.period_order", _("“Return by” cannot be before “lookup from”.")
    PERIOD_TOO_LONG = "custody.period_too_long", _("A lookup lasts at most %(days)s days.")
    NOTHING_ASKED = "custody.nothing_asked", _("Ask for the whole file or choose at least one document.")
    FOREIGN_DOCUMENT = "custody.foreign_document", _("A chosen document does not belong to this file.")
    NOT_NEEDED = (
        "custody.not_needed",
        _("You already have standing access to this file; no lookup request is needed."),
    )
    NOT_ALLOWED = "custody.not_allowed", _("You may not ask for lookups.")
    NOT_READER = "custody.not_reader", _("Only the reader who asked may withdraw this request.")
    NOT_PENDING = "custody.not_pending", _("This request is no longer awaiting approval.")
    WRONG_MANAGER = (
        "custody.wrong_manager",
        _("The department manager's step must be signed by the manager of the reader's department."),
    )
    NOT_VISIBLE = "custody.not_visible", _("Lookup request not found.")
    NOT_OPEN = "custody.not_open", _("This lookup request is not open to you now.")
    EXPORT_NOT_GRANTED = "custody.export_not_granted", _("This lookup request does not grant exporting.")


register_statuses(
    {
        CustodyError.NOT_NEEDED: 409,
        CustodyError.NOT_PENDING: 409,
        CustodyError.NOT_ALLOWED: 403,
        CustodyError.NOT_READER: 403,
        CustodyError.WRONG_MANAGER: 403,
        CustodyError.NOT_VISIBLE: 404,
        CustodyError.NOT_OPEN: 403,
        CustodyError.EXPORT_NOT_GRANTED: 403,
    }
)
