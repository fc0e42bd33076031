from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class RetentionError(models.TextChoices):
    NOT_ALLOWED = "retention.not_allowed", _("You may not do this with the archive's holds and disposals.")
    REASON_REQUIRED = "retention.reason_required", _("Give a reason.")
    UNTIL_PAST = "retention.until_past", _("A hold cannot end in the past (%(until)s).")
    DOCUMENT_NOT_IN_FILE = (
        "retention.document_not_in_file",
        _("“%(title)s” is not a document of this customer's file."),
    )
    HOLD_LIFTED = "retention.hold_lifted", _("This hold was already lifted.")
    ON_HOLD = "retention.on_hold", _("“%(title)s” is on hold and cannot be destroyed: %(holds)s.")
    RETENTION_NOT_PASSED = (
        "retention.not_passed",
        _("The retention of “%(title)s” has not passed (%(when)s); it cannot be appraised yet."),
    )
    KEEP_UNTIL_REQUIRED = (
        "retention.keep_until_required",
        _("A document kept on needs a new date, after today, until which it is kept."),
    )
    ALREADY_DESTROYED = "retention.already_destroyed", _("The content of “%(title)s” is already destroyed.")
    IN_OPEN_DISPOSAL = (
        "retention.in_open_disposal",
        _("“%(title)s” is already in disposal %(number)s."),
    )
    NOT_APPRAISED = (
        "retention.not_appraised",
        _("“%(title)s” has no appraisal that decides to destroy it."),
    )
    NOTHING_TO_DISPOSE = "retention.nothing_to_dispose", _("Choose at least one document to destroy.")
    NOT_APPROVED = (
        "retention.not_approved",
        _("Disposal %(number)s has not been approved by the general manager; nothing was destroyed."),
    )
    WITNESSES_MISSING = (
        "retention.witnesses_missing",
        _("Disposal %(number)s needs %(required)s witnesses; %(count)s signed. Nothing was destroyed."),
    )
    WITNESS_IS_REQUESTER = (
        "retention.witness_is_requester",
        _("The person who asked for the destruction cannot also witness it."),
    )
    ALREADY_WITNESSED = "retention.already_witnessed", _("You have already witnessed this destruction.")
    WRONG_STATE = "retention.wrong_state", _("Disposal %(number)s is %(status)s; this cannot be done now.")


register_statuses(
    {
        RetentionError.NOT_ALLOWED: 403,
        RetentionError.ON_HOLD: 409,
        RetentionError.HOLD_LIFTED: 409,
        RetentionError.ALREADY_DESTROYED: 409,
        RetentionError.IN_OPEN_DISPOSAL: 409,
        RetentionError.NOT_APPROVED: 409,
        RetentionError.WITNESSES_MISSING: 409,
        RetentionError.ALREADY_WITNESSED: 409,
        RetentionError.WRONG_STATE: 409,
    }
)
