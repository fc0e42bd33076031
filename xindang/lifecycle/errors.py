from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class LifecycleError(models.TextChoices):
    FORBIDDEN = "lifecycle.forbidden", _("You may not do this: only the archivist or the credit office may.")
    INVALID = "lifecycle.invalid", _("Please correct the errors below.")
    NOTHING_TO_LEND = (
        "lifecycle.nothing_to_lend",
        _("Choose the documents to lend, or lend the whole customer file."),
    )
    DOCUMENT_NOT_IN_FILE = (
        "lifecycle.document_not_in_file",
        _("“%(title)s” is not a document of this customer file."),
    )
    NO_ORIGINAL = (
        "lifecycle.no_original",
        _("“%(title)s” is kept electronically only: there is no paper original to lend."),
    )
    ALREADY_LENT = (
        "lifecycle.already_lent",
        _("“%(what)s” is lent already (slip %(loan)s) and has not come back yet."),
    )
    DUE_BEFORE_LENT = "lifecycle.due_before_lent", _("The due date cannot be before the day of lending.")
    LENT_IN_FUTURE = "lifecycle.lent_in_future", _("The day of lending cannot be in the future.")
    RETURN_BEFORE_LENT = (
        "lifecycle.return_before_lent",
        _("The return date cannot be before the day of lending (%(lent_on)s)."),
    )
    RETURN_IN_FUTURE = "lifecycle.return_in_future", _("The return date cannot be in the future.")
    ALREADY_RETURNED = "lifecycle.already_returned", _("This loan has been returned already.")
    BORROWER_INACTIVE = "lifecycle.borrower_inactive", _("The borrower must be an active user.")
    SLIP_SIGNATURE_REQUIRED = (
        "lifecycle.slip_signature_required",
        _("This file is in the archive room: the borrowing slip must be signed by the office director."),
    )
    SIGNER_NOT_DIRECTOR = (
        "lifecycle.signer_not_director",
        _("%(user)s does not hold a role that signs borrowing slips (%(roles)s)."),
    )
    SIGNER_IS_BORROWER = (
        "lifecycle.signer_is_borrower",
        _("The borrower cannot sign their own borrowing slip; another person must."),
    )
    REPORT_DOCUMENT_NOT_LENT = (
        "lifecycle.report_document_not_lent",
        _("The report must concern a document of this loan."),
    )
    DESCRIPTION_REQUIRED = "lifecycle.description_required", _("Describe what happened.")
    NOT_ON_LIST = (
        "lifecycle.not_on_list",
        _("%(customer)s is not on the transfer list of %(year)s."),
    )
    WRONG_STAGE = (
        "lifecycle.wrong_stage",
        _("%(customer)s cannot be recorded as “%(stage)s” now: it is at “%(current)s”."),
    )
    MISSING_DOCUMENT_NOT_IN_FILE = (
        "lifecycle.missing_document_not_in_file",
        _("A document named missing is not a document of this customer file."),
    )
    ACT_IN_FUTURE = "lifecycle.act_in_future", _("The date of the transfer cannot be in the future.")


register_statuses(
    {
        LifecycleError.FORBIDDEN: 403,
        LifecycleError.ALREADY_LENT: 409,
        LifecycleError.ALREADY_RETURNED: 409,
        LifecycleError.WRONG_STAGE: 409,
    }
)
