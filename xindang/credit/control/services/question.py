"""A credit check's question: who asks what (Ask), the amount and the kind checked before anything
is read, and the name a check or request is recorded under when an API key asks."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from xindang.core.errors import DomainError

from .. import rules
from ..errors import ControlError

CENT = Decimal("0.01")


@dataclass
class Ask:
    """One credit check's question and who asks it."""

    customer: object
    amount: Decimal
    kind: str
    control_point: str
    reference: str
    reserve: bool
    over_limit_id: int | None
    by: object
    api_key: object
    request: object
    record: bool
    now: object = field(default_factory=timezone.now)

    @property
    def durable(self) -> bool:
        """Whether the check writes against the limit (a reservation, the use of an approval)."""
        return self.reserve or self.over_limit_id is not None

    @property
    def user(self):
        return self.by if getattr(self.by, "is_authenticated", False) else None

    @property
    def requester(self):
        """Who an over-limit request is opened for: the user, or an API key's creator."""
        return self.user or getattr(self.api_key, "created_by", None)


def checked_amount(value) -> Decimal:
    """The amount asked about, to the cent; a positive finite number or BAD_AMOUNT."""
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise DomainError(ControlError.BAD_AMOUNT, field="amount")
    return amount


def validate_question(kind: str, control_point: str) -> None:
    if kind not in rules.CHECK_KINDS:
        raise DomainError(ControlError.BAD_KIND, field="kind", kind=kind)
    if control_point not in rules.CONTROL_POINTS:
        raise DomainError(ControlError.BAD_CONTROL_POINT, field="control_point", point=control_point)


def actor_name(api_key) -> str:
    """The API key's name a check or request is recorded under ("" when a user asks)."""
    return str(getattr(api_key, "name", "") or "")[:100] if api_key is not None else ""
