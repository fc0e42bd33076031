from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class HandoverError(models.TextChoices):
    FORBIDDEN = "handovers.forbidden", _("You may not do this: only the personnel administrator may.")
    NO_LEAVER = "handovers.no_leaver", _("Choose the person who leaves or changes job.")
    NO_SUCCESSOR = "handovers.no_successor", _("Name a successor: nothing is handed over to nobody.")
    SUCCESSOR_INACTIVE = (
        "handovers.successor_inactive",
        _("%(user)s is not an active user and cannot take over anything."),
    )
    SELF_HANDOVER = "handovers.self_handover", _("%(user)s cannot hand over to themself.")
    CUSTOMER_REFUSED = (
        "handovers.customer_refused",
        _(
            "%(user)s cannot take over %(customer)s (%(file_no)s): a file goes to an active salesperson "
            "of its department (%(department)s)."
        ),
    )
    APPROVAL_ORPHANED = (
        "handovers.approval_orphaned",
        _(
            "Request “%(title)s” waits for a %(role)s and nobody else holds that role: give the "
            "successor the role first."
        ),
    )
    APPROVAL_SUCCESSOR_CANNOT_SIGN = (
        "handovers.approval_successor_cannot_sign",
        _(
            "Request “%(title)s” waits for the leaver's signature (%(role)s) and %(user)s cannot sign "
            "it (they asked for it or signed an earlier step), nor can anyone else: name another successor."
        ),
    )
    NO_MANAGER = "handovers.no_manager", _("Name the manager who signs the handover list.")
    MANAGER_IS_PARTY = (
        "handovers.manager_is_party",
        _("The manager who signs cannot be the leaver or a successor."),
    )
    NOT_A_PARTY = (
        "handovers.not_a_party",
        _("You cannot sign this line: each party signs for themself."),
    )
    ALREADY_SIGNED = "handovers.already_signed", _("This line is signed already.")
    INVALID_LINE = "handovers.invalid_line", _("Unknown signature line.")


register_statuses(
    {
        HandoverError.FORBIDDEN: 403,
        HandoverError.NOT_A_PARTY: 403,
        HandoverError.ALREADY_SIGNED: 409,
    }
)
