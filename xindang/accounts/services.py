"""Logging in and out, with throttling of repeated failures; every attempt is in the audit log."""

import hashlib
import secrets
import time
from datetime import timedelta

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from xindang.audit.models import AuditEvent
from xindang.audit.services import client_ip, record_event
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from . import rules
from .backends import access_changed
from .errors import AuthError, ClearanceError
from .models import ApiKey, ListPreference, User
from .permissions import duties_combined, may_grant_roles
from .roles import Role, role_label
from .selectors import otp_device, otp_required, pending_otp_device

LOGIN_FAILED = "auth.login_failed"
LOGIN = "auth.login"


# How a slowed-down attempt waits (tests replace it to record the delay instead).
sleep = time.sleep


def address_delay(failures: int, *, after: int, step: float, longest: float) -> float:
    """Seconds an attempt from an address waits, given its failures in the lockout period: nothing up
    to `after`, then `step` more per failure, at most `longest`. The address is never locked out:
    behind an office NAT one person's typos must not lock everybody else out."""
    if failures < after:
        return 0.0
    return min(longest, step * (failures - after + 1))


def _address_failures(ip: str | None, window: timedelta) -> int:
    if not ip:
        return 0
    since = timezone.now() - window
    return AuditEvent.objects.filter(Q(action=LOGIN_FAILED) & Q(ip=ip) & Q(at__gte=since)).count()


def _is_throttled(username: str, max_failures: int, window: timedelta) -> bool:
    """Failures of this user name since the window opened (and since its last success) reach the
    limit: the name is locked, even for the right password, until the window has passed."""
    since = timezone.now() - window
    # "Since the last success" in the chain's order, not by time: a failure in the same clock tick as
    # the success (or before the clock stepped back) must not count against the user.
    last_ok = (
        AuditEvent.objects.filter(action=LOGIN, object_id=username[:64], at__gte=since)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    by_name = AuditEvent.objects.filter(
        action=LOGIN_FAILED, object_id=username[:64], at__gte=since, seq__gt=last_ok or 0
    )
    return by_name.count() >= max_failures


def log_in(*, request, username: str, password: str) -> User:
    """Authenticate and start a session. Raises DomainError THROTTLED / INVALID_CREDENTIALS."""
    core = current_policy().core
    username = (username or "").strip()[:150]
    ip = client_ip(request)
    window = timedelta(minutes=core.login_lockout_minutes)
    delay = address_delay(
        _address_failures(ip, window),
        after=core.login_ip_slowdown_after,
        step=core.login_ip_delay_step_seconds,
        longest=core.login_ip_max_delay_seconds,
    )
    if delay:
        sleep(delay)
    if _is_throttled(username, core.login_max_failures, window):
        record_event(
            "auth.login_throttled",
            request=request,
            object_type="accounts.user",
            object_id=username,
            object_repr=username,
        )
        raise DomainError(AuthError.THROTTLED, minutes=core.login_lockout_minutes)
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_event(
            LOGIN_FAILED,
            request=request,
            object_type="accounts.user",
            object_id=username,
            object_repr=username,
        )
        raise DomainError(AuthError.INVALID_CREDENTIALS)
    with transaction.atomic():
        login(request, user)
        record_event(
            LOGIN,
            actor=user,
            request=request,
            object_type="accounts.user",
            object_id=username,
            object_repr=str(user),
        )
    return user


def log_out(*, request) -> None:
    if request.user.is_authenticated:
        record_event("auth.logout", request=request, obj=request.user)
    logout(request)


@transaction.atomic
def set_language(*, user: User, language: str, request=None) -> None:
    if language not in User.Language.values:
        raise ValueError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


PAGE_SIZES = (25, 50, 100, 200)


@transaction.atomic
def save_list_preference(*, user: User, list_key: str, columns: list[str], page_size: int | None) -> None:
    """Remember the columns and page size `user` chose for a list. A personal display setting like
    the language: not audited. The list validates the column keys; the page size is one of PAGE_SIZES."""
    if page_size is not None and page_size not in PAGE_SIZES:
        raise ValueError(page_size)
    ListPreference.objects.update_or_create(
        user=user, list_key=list_key, defaults={"columns": list(columns), "page_size": page_size}
    )


# --- API keys: one per integration, stored as a SHA-256, scoped ----------------
SCOPES = [code for code, _label in ApiKey.SCOPES]
KEY_PREFIX = "xd"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last use is written at most once a minute per key


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def generate_raw_key() -> tuple[str, str]:
    """A new raw key and its prefix: xd_<8 hex>_<43 chars of a 32-byte token>."""
    prefix = secrets.token_hex(4)
    return f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


@transaction.atomic
def create_api_key(*, name: str, scopes, by, request=None) -> tuple[ApiKey, str]:
    """Make a key; returns (key, raw key). The raw key is shown once and never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes: {unknown}")
    raw, prefix = generate_raw_key()
    key = ApiKey.objects.create(
        name=name.strip()[:100],
        prefix=prefix,
        key_hash=hash_key(raw),
        scopes=sorted(set(scopes)),
        created_by=by,
    )
    record_event(
        "api_key.create", actor=by, request=request, obj=key, data={"scopes": key.scopes, "prefix": prefix}
    )
    return key, raw


@transaction.atomic
def revoke_api_key(*, key: ApiKey, by, request=None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by = by
        key.save(update_fields=["revoked_at", "revoked_by"])
        record_event("api_key.revoke", actor=by, request=request, obj=key, data={"prefix": key.prefix})
    forget_api_keys()
    return key


# Keys in use, remembered by this process for a few seconds: an integration calling many times a
# second then costs one key lookup per KEY_CACHE_SECONDS, not one per request. A revoked key is
# refused at once by the process that revoked it (revoke_api_key forgets them) and by every other
# process at most KEY_CACHE_SECONDS later. Only keys found active are remembered.
KEY_CACHE_SECONDS = 5.0
_keys_in_use: dict[str, tuple[float, ApiKey]] = {}


def forget_api_keys() -> None:
    """Look every key up again on its next use (after a revocation; the tests between cases)."""
    _keys_in_use.clear()


def use_api_key(raw: str | None) -> ApiKey | None:
    """The active key whose hash matches `raw`, or None; records its last use (at most once a minute)."""
    if not raw or len(raw) > 200:
        return None
    digest = hash_key(raw.strip())
    remembered = _keys_in_use.get(digest)
    if remembered is not None and remembered[0] > time.monotonic():
        return remembered[1]
    key = ApiKey.objects.filter(key_hash=digest, revoked_at__isnull=True).first()
    if key is None:
        _keys_in_use.pop(digest, None)
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    _keys_in_use[digest] = (time.monotonic() + KEY_CACHE_SECONDS, key)
    return key


# --- Second factor (TOTP, django-otp): optional, or required for the policy's roles ------------------
OTP_SETUP = "auth.otp_setup"
OTP_REMOVED = "auth.otp_removed"
OTP_PASSED = "auth.otp_passed"
OTP_FAILED = "auth.otp_failed"


def _user_event(action: str, *, user, request, data=None) -> None:
    record_event(
        action,
        actor=user,
        request=request,
        object_type="accounts.user",
        object_id=user.username,
        object_repr=str(user),
        data=data or {},
    )


def _check_code(*, device_pk: int, token: str, user, request, purpose: str):
    """Check `token` against the device under a row lock (django-otp's throttling: after each wrong
    code the next attempt must wait twice as long). A wrong or throttled code is audited and raises;
    its audit event and the throttle count are committed before the error propagates."""

    token = "".join((token or "").split())[:16]
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device_pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until = (info or {}).get("locked_until")
            seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
            _user_event(OTP_FAILED, user=user, request=request, data={"purpose": purpose, "throttled": True})
            error = DomainError(AuthError.OTP_THROTTLED, seconds=seconds)
        elif not device.verify_token(token):  # counts the failure (throttling) itself
            _user_event(OTP_FAILED, user=user, request=request, data={"purpose": purpose})
            error = DomainError(AuthError.OTP_INVALID)
        else:
            return device
    raise error


def start_otp_setup(*, user, request=None):
    """A new (unconfirmed) TOTP device for `user`, or the one already being set up. Not audited: it
    does nothing until confirmed with a code (confirm_otp_setup)."""

    if otp_device(user) is not None:
        raise DomainError(AuthError.OTP_ALREADY)
    return pending_otp_device(user) or TOTPDevice.objects.create(user=user, name="default", confirmed=False)


def confirm_otp_setup(*, request, token: str):
    """The user proves the authenticator app has the secret: the device is confirmed and this session
    counts as verified. Raises OTP_NO_DEVICE / OTP_ALREADY / OTP_INVALID / OTP_THROTTLED."""

    user = request.user
    if otp_device(user) is not None:
        raise DomainError(AuthError.OTP_ALREADY)
    pending = pending_otp_device(user)
    if pending is None:
        raise DomainError(AuthError.OTP_NO_DEVICE)
    device = _check_code(device_pk=pending.pk, token=token, user=user, request=request, purpose="setup")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        type(device).objects.filter(user=user).exclude(pk=device.pk).delete()
        access_changed()  # the user's next requests ask for the code
        otp_login(request, device)
        _user_event(OTP_SETUP, user=user, request=request)
    return device


def verify_otp(*, request, token: str):
    """The second step of a login: the code of the user's confirmed device. On success the session is
    fully logged in (django-otp records the device in the session; user.is_verified())."""

    user = request.user
    device = otp_device(user)
    if device is None:
        raise DomainError(AuthError.OTP_NO_DEVICE)
    device = _check_code(device_pk=device.pk, token=token, user=user, request=request, purpose="login")
    with transaction.atomic():
        otp_login(request, device)
        _user_event(OTP_PASSED, user=user, request=request)
    return device


def remove_otp(*, request, token: str) -> None:
    """Remove the user's second factor, confirmed with a current code. Refused (OTP_REQUIRED) when the
    policy requires it for one of the user's roles."""

    user = request.user
    if otp_required(user):
        raise DomainError(AuthError.OTP_REQUIRED)
    device = otp_device(user)
    if device is None:
        raise DomainError(AuthError.OTP_NO_DEVICE)
    device = _check_code(device_pk=device.pk, token=token, user=user, request=request, purpose="remove")
    with transaction.atomic():
        type(device).objects.filter(user=user).delete()
        access_changed()
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        request.user.otp_device = None
        _user_event(OTP_REMOVED, user=user, request=request)


# --- Clearances (roles) under the separation of duties (三员分立, GB/T 39784) ------------------------
ROLE_GRANTED = "clearance.grant"
ROLE_REVOKED = "clearance.revoke"

_PROBLEMS = {
    "self": "SELF",
    "unknown_role": "UNKNOWN_ROLE",
    "already_held": "ALREADY_HELD",
    "not_held": "NOT_HELD",
    "no_reason": "NO_REASON",
    "inactive": "INACTIVE",
    "duty_conflict": "DUTY_CONFLICT",
}


def _change_role(*, user: User, role: str, by, reason: str, request, granting: bool) -> User:
    if not may_grant_roles(by):
        raise DomainError(ClearanceError.FORBIDDEN)
    with transaction.atomic():
        target = User.objects.select_for_update().get(pk=user.pk)
        held = set(target.groups.values_list("name", flat=True))
        problem = rules.grant_problem(
            actor_id=by.pk,
            target_id=target.pk,
            target_active=target.is_active,
            role=str(role or ""),
            known_roles=Role.values,
            held=held,
            reason=reason,
            granting=granting,
            combined_duties=duties_combined(),
        )
        if problem:
            raise DomainError(getattr(ClearanceError, _PROBLEMS[problem]), field="role")
        group, _created = Group.objects.get_or_create(name=role)
        if granting:
            target.groups.add(group)
        else:
            target.groups.remove(group)
        access_changed()  # the next request of `target` has (or lacks) the role's permissions
        record_event(
            ROLE_GRANTED if granting else ROLE_REVOKED,
            actor=by,
            request=request,
            object_type="accounts.user",
            object_id=str(target.pk),
            object_repr=str(target),
            data={"role": role, "role_label": str(role_label(role)), "reason": reason.strip()[:500]},
        )
    target = User.objects.get(pk=target.pk)  # fresh: no cached roles or permissions
    return target


def grant_role(*, user: User, role: str, by, reason: str, request=None) -> User:
    """The security officer gives `user` a role (a clearance), with the reason; audited. Raises
    DomainError(ClearanceError.*): see rules.grant_problem."""
    return _change_role(user=user, role=role, by=by, reason=reason, request=request, granting=True)


def revoke_role(*, user: User, role: str, by, reason: str, request=None) -> User:
    """The security officer takes a role from `user`, with the reason; audited."""
    return _change_role(user=user, role=role, by=by, reason=reason, request=request, granting=False)
