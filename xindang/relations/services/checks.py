"""Checks every relations service makes: capability, required text, no future date, a state transition."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from xindang.core.errors import DomainError

from .. import rules
from ..errors import RelationsError


def require(user, perm) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def stripped(value) -> str:
    return (value or "").strip()


def required_text(value, field: str) -> str:
    text = stripped(value)
    if not text:
        raise DomainError(RelationsError.REQUIRED, field=field)
    return text


def not_future(value: date, field: str) -> date:
    if value > timezone.localdate():
        raise DomainError(RelationsError.IN_FUTURE, field=field)
    return value


def move(obj, target: str, *, can_move=rules.can_move) -> None:
    if not can_move(obj.status, target):
        raise DomainError(RelationsError.BAD_TRANSITION, status=obj.get_status_display())
    obj.status = target
