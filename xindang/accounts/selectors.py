"""Reading accounts data."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from xindang.policy.selectors import current_policy

from .models import Department, ListPreference


def list_preference(user, list_key: str) -> ListPreference | None:
    """The user's remembered choice for a list (columns, page size), None until they choose."""
    if not user or not user.is_authenticated:
        return None
    return ListPreference.objects.filter(user=user, list_key=list_key).first()


# --- Second factor (TOTP, django-otp) ---------------------------------------------------------------
OTP_VERIFY = "verify"  # the user has a confirmed device: the session waits for its code
OTP_SETUP = "setup"  # the user's role requires a device and there is none: set one up first


def otp_device(user):
    """The user's confirmed TOTP device, or None."""

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_otp_device(user):
    """The device being set up (not confirmed yet), or None."""

    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def otp_required(user) -> bool:
    """The policy (core.otp_required_roles) makes a second factor compulsory for one of the user's roles."""

    roles = set(current_policy().core.otp_required_roles)
    return bool(roles & user.role_codes)


def has_confirmed_otp_device(user) -> bool:
    """As read with the request's user (backends.AccountBackend), or asked now."""
    known = getattr(user, "has_confirmed_device", None)
    if known is not None:
        return known
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_step(user) -> str | None:
    """What a logged-in user's session still owes before it counts as logged in: OTP_VERIFY (enter a
    code), OTP_SETUP (set up a device first), or None (nothing: verified, or no second factor)."""
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None

    if has_confirmed_otp_device(user):
        return OTP_VERIFY
    if otp_required(user):
        return OTP_SETUP
    return None


def get_user_or_none(pk):
    """The user with this id, or None."""
    return get_user_model().objects.filter(pk=pk).first() if 0 < int(pk) < 2**63 else None


def get_department_by_code(code: str):
    """The department with this code; 404 if none."""
    found = Department.objects.filter(code=code).first()
    if found is None:
        raise Http404
    return found


def get_user_by_username(username: str):
    """The user with this user name; 404 if none."""
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise Http404
    return found
