from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class AuthError(models.TextChoices):
    INVALID_CREDENTIALS = "auth.invalid_credentials", _("Wrong user name or password.")
    THROTTLED = "auth.throttled", _("Too many failed logins. Try again in %(minutes)s minutes.")
    INACTIVE = "auth.inactive", _("This account is disabled.")
    OTP_INVALID = (
        "auth.otp_invalid",
        _("Wrong or expired code. Enter the code your authenticator app shows now."),
    )
    OTP_THROTTLED = "auth.otp_throttled", _("Too many wrong codes. Wait %(seconds)s seconds and try again.")
    OTP_NO_DEVICE = "auth.otp_no_device", _("Two-factor authentication is not set up for this account.")
    OTP_ALREADY = "auth.otp_already", _("Two-factor authentication is already set up for this account.")
    OTP_REQUIRED = (
        "auth.otp_required",
        _("Your role must use two-factor authentication: it cannot be removed."),
    )


class ClearanceError(models.TextChoices):
    """Granting and revoking roles (clearances) under the separation of duties (rules.grant_problem)."""

    FORBIDDEN = "clearance.forbidden", _("Only the security officer grants clearances.")
    SELF = "clearance.self", _("Nobody changes their own clearances: ask another security officer.")
    UNKNOWN_ROLE = "clearance.unknown_role", _("There is no such role.")
    ALREADY_HELD = "clearance.already_held", _("The user already holds this role.")
    NOT_HELD = "clearance.not_held", _("The user does not hold this role.")
    NO_REASON = "clearance.no_reason", _("Give the reason for the change.")
    INACTIVE = "clearance.inactive", _("This account is disabled: it is given no role.")
    DUTY_CONFLICT = (
        "clearance.duty_conflict",
        _(
            "One person may not be system administrator, security officer and auditor at once "
            "unless the policy combines these duties."
        ),
    )


register_statuses({ClearanceError.FORBIDDEN: 403, ClearanceError.ALREADY_HELD: 409})
