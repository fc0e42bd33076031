from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerError(models.TextChoices):
    DUPLICATE_CREDIT_CODE = (
        "customer.duplicate_credit_code",
        _("A customer file with this unified social credit code already exists: %(file_no)s %(name)s."),
    )
    SIMILAR_NAME = (
        "customer.similar_name",
        _(
            "A customer with a very similar name already exists. Check the list below and confirm if this is "
            "really a different customer."
        ),
    )
    STALE = (
        "customer.stale",
        _(
            "This file was changed by %(user)s at %(at)s after you opened it. "
            "Reload it and apply your changes again."
        ),
    )
    INVALID = "customer.invalid", _("Please correct the errors below.")
    BAD_TRANSITION = "customer.bad_transition", _("A file cannot go from “%(from)s” to “%(to)s”.")
    REASON_REQUIRED = "customer.reason_required", _("Give a reason for the change of status.")
    NO_DEPARTMENT = "customer.no_department", _("Choose a department for the file.")
    OWNER_NOT_ALLOWED = "customer.owner_not_allowed", _("You may only assign files to yourself.")
    PERMISSION_DENIED = "customer.permission_denied", _("You do not have the permission for this operation.")
