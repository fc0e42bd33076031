from django.db import models
from django.utils.translation import gettext_lazy as _


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
