from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


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
    NOTHING_SELECTED = "customer.nothing_selected", _("Select at least one customer file first.")
    SELECTION_NOT_VISIBLE = (
        "customer.selection_not_visible",
        _("Some of the selected files do not exist or are not yours to change."),
    )
    OWNER_NOT_SALESPERSON = (
        "customer.owner_not_salesperson",
        _("%(user)s is not an active salesperson of %(department)s, the department of file %(file_no)s."),
    )
    TAG_REQUIRED = "customer.tag_required", _("Enter a tag of at most 30 characters.")
    OWNER_NOT_A_SALESPERSON = (
        "customer.owner_not_a_salesperson",
        _("The salesperson of a file must be an active salesperson of the file's department."),
    )
    PERMISSION_DENIED = "customer.permission_denied", _("You do not have the permission for this operation.")
    NOTICE_REQUIRED = (
        "customer.notice_required",
        _("Say how and when the customer was told that trade stops."),
    )
    NOT_RELATED_SELF = "customer.not_related_self", _("A file is always related to itself.")
    NOT_RELATED_NOTHING = (
        "customer.not_related_nothing",
        _("Choose the other customer or the shared key that links nothing."),
    )
    NOT_RELATED_NO_REASON = "customer.not_related_no_reason", _("Give the reason why they are not related.")
    NOT_RELATED_ALREADY = "customer.not_related_already", _("This is already marked as not related.")
    NOT_RELATED_UNKNOWN_KEY = (
        "customer.not_related_unknown_key",
        _("This file has no such key: only a key the file shares can be marked."),
    )
    NOT_RELATED_REVOKED = "customer.not_related_revoked", _("This finding is already revoked.")
    NO_SHARING_CONSENT = (
        "customer.no_sharing_consent",
        _(
            "Refused: %(count)s customer(s) in this export have no consent in force to share with "
            "“%(recipient)s” and no signed agreement (004 客户信息保护管理制度 第十条). Record the consents "
            "in the files' privacy section first, or narrow the export."
        ),
    )
    NOT_ONBOARDED = (
        "customer.not_onboarded",
        _("The customer code comes with the approval of the transaction card."),
    )


register_statuses(
    {
        CustomerError.DUPLICATE_CREDIT_CODE: 409,
        CustomerError.SIMILAR_NAME: 409,
        CustomerError.STALE: 409,
    }
)
