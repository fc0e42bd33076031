"""The approval engine's error codes with their messages (raised as core.errors.DomainError). The pure
rules (approvals.rules) name problems by these codes as strings; `ApprovalError(code)` is the member."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class ApprovalError(models.TextChoices):
    UNKNOWN_KIND = "approval.unknown_kind", _("Unknown kind of approval.")
    EMPTY_CHAIN = "approval.empty_chain", _("The approval chain has no steps.")
    CHAIN_TOO_LONG = "approval.chain_too_long", _("An approval chain has at most 10 steps.")
    UNKNOWN_ROLE = "approval.unknown_role", _("The approval chain names an unknown role.")
    SELF_APPROVAL = "approval.self_approval", _("Nobody may decide on their own request.")
    WRONG_ROLE = "approval.wrong_role", _("You do not hold the role this step needs.")
    NOT_ASSIGNEE = (
        "approval.not_assignee",
        _("This step is assigned to another person by name; only they sign it."),
    )
    SAME_PERSON = (
        "approval.same_person",
        _("You already signed an earlier step of this request; another person must sign this one."),
    )
    TITLE_REQUIRED = "approval.title_required", _("An approval needs a title.")
    ALREADY_PENDING = (
        "approval.already_pending",
        _("An approval of this kind is already pending for this object."),
    )
    # one code, two messages (a variant after #: see core.errors)
    ALREADY_DECIDED = "approval.already_decided", _("This request has already been decided (%(status)s).")
    STEP_TAKEN = (
        "approval.already_decided#step",
        _("This step has already been decided by someone else. Reload the page."),
    )
    REASON_REQUIRED = "approval.reason_required", _("Please give a reason.")
    WARNINGS_NOT_ACKNOWLEDGED = (
        "approval.warnings_not_acknowledged",
        _("Please read and acknowledge the warnings before approving."),
    )
    NOT_REQUESTER = "approval.not_requester", _("Only the requester may do this.")
    NOT_RETURNED = "approval.not_returned", _("Only a request returned for changes can be resubmitted.")
    NOT_VISIBLE = "approval.not_visible", _("You may not see this request.")
    CLOSED = "approval.closed", _("Comments and attachments are closed once a request is decided.")
    COMMENT_REQUIRED = "approval.comment_required", _("Please write a comment.")
    ATTACHMENT_MISSING = "approval.attachment_empty", _("Please choose a file.")
    ATTACHMENT_EMPTY = "approval.attachment_empty#empty", _("The file is empty.")
    ATTACHMENT_TOO_LARGE = "approval.attachment_too_large", _("The file is larger than %(mb)s MB.")
    ATTACHMENT_TYPE = "approval.attachment_type", _("This type of file is not accepted.")
    SUCCESSOR_INACTIVE = "approval.successor_inactive", _("The successor must be an active user.")
    SUCCESSOR_CANNOT_SIGN = (
        "approval.successor_cannot_sign",
        _("%(user)s cannot sign the waiting step of “%(title)s” (four eyes)."),
    )
    SUCCESSOR_SIGNED = (
        "approval.successor_signed",
        _("%(user)s signed a step of “%(title)s” and cannot become its requester."),
    )


register_statuses(
    {
        ApprovalError.ALREADY_DECIDED: 409,
        ApprovalError.ALREADY_PENDING: 409,
        ApprovalError.SELF_APPROVAL: 403,
        ApprovalError.WRONG_ROLE: 403,
        ApprovalError.SAME_PERSON: 403,
        ApprovalError.NOT_ASSIGNEE: 403,
        ApprovalError.NOT_REQUESTER: 403,
        ApprovalError.NOT_VISIBLE: 404,
    }
)
