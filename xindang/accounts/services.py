"""Logging in and out, with throttling of repeated failures; every attempt is in the audit log."""

from datetime import timedelta

from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.audit.services import client_ip, record_event
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .errors import AuthError
from .models import User

LOGIN_FAILED = "auth.login_failed"
LOGIN = "auth.login"


def _is_throttled(username: str, ip: str | None, max_failures: int, window: timedelta) -> bool:
    """Failures since the window opened (and since the user's last success) reach the limit —
    counted per user name and, separately, per IP address."""
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
    if by_name.count() >= max_failures:
        return True
    if ip:
        # An address trying many names is throttled too (a wider budget: shared office NAT).
        by_ip = AuditEvent.objects.filter(Q(action=LOGIN_FAILED) & Q(ip=ip) & Q(at__gte=since))
        return by_ip.count() >= max_failures * 4
    return False


def log_in(*, request, username: str, password: str) -> User:
    """Authenticate and start a session. Raises DomainError THROTTLED / INVALID_CREDENTIALS."""
    core = current_policy().core
    username = (username or "").strip()[:150]
    ip = client_ip(request)
    if _is_throttled(username, ip, core.login_max_failures, timedelta(minutes=core.login_lockout_minutes)):
        record_event(
            "auth.login_throttled",
            request=request,
            object_type="accounts.user",
            object_id=username,
            object_repr=username,
        )
        raise DomainError(
            AuthError.THROTTLED, AuthError.THROTTLED.label % {"minutes": core.login_lockout_minutes}
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_event(
            LOGIN_FAILED,
            request=request,
            object_type="accounts.user",
            object_id=username,
            object_repr=username,
        )
        raise DomainError(AuthError.INVALID_CREDENTIALS, AuthError.INVALID_CREDENTIALS.label)
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
