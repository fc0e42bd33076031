"""What a credit check decides on and how it reads it, shared by the check (checking.py) and the
over-limit requests (over_limit.py): the policy section in force, the validated question, and the one
statement that reads the customer's facts (deps.locked_facts)."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.utils import timezone

from xindang.core.errors import DomainError
from xindang.policy.models import PolicyVersion
from xindang.policy.selectors import policy_from_version

from .. import deps, rules
from ..errors import ControlError
from ..sections import CreditControlSection

CENT = Decimal("0.01")

_DEFAULT_SECTION = CreditControlSection()
_DEFAULT = (_DEFAULT_SECTION, _DEFAULT_SECTION.control_policy(), 0)
# "id|number|in force from" of a policy version → (section, its ControlPolicy, version number). A
# version in force never changes, so each is built once per process; the key comes with the check's
# one statement (deps.locked_facts), so a new version applies to the very next check.
_SECTIONS: dict = {}


def _section_for(policy_key: str | None):
    """(credit_control section, its ControlPolicy, version number) of the version with this key."""
    if policy_key is None:  # no version stored yet: the seed's defaults
        return _DEFAULT
    cached = _SECTIONS.get(policy_key)
    if cached is None:
        policy = policy_from_version(PolicyVersion.objects.get(pk=int(policy_key.split("|", 1)[0])))
        section = policy.credit_control
        cached = _SECTIONS[policy_key] = (section, section.control_policy(), policy.version)
    return cached


def _section():
    """(the credit_control section in force now, its version number), for callers outside a check."""

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + deps._version_sql(connection.vendor), [now, now])
        (key,) = cursor.fetchone()
    section, _policy, version = _section_for(str(key) if key is not None else None)
    return section, version


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise DomainError(ControlError.BAD_AMOUNT, field="amount")
    return amount


def _validate(kind: str, control_point: str) -> None:
    if kind not in rules.CHECK_KINDS:
        raise DomainError(ControlError.BAD_KIND, field="kind", kind=kind)
    if control_point not in rules.CONTROL_POINTS:
        raise DomainError(ControlError.BAD_CONTROL_POINT, field="control_point", point=control_point)


def _exposure_figures(exposure: dict) -> dict:
    """Category → amount (rules.CATEGORIES, and the credit balance) from the Exposure figures."""
    return {c: exposure[f"{c}_amount"] for c in rules.CATEGORIES} | {
        "credit_balance": exposure["credit_balance_amount"]
    }


def _overdue(item, on) -> tuple[rules.OverdueInput | None, dict | None]:
    """The oldest overdue item (deps.OverdueRow) as the rule's input and as the answer shows it."""
    if item is None:
        return None, None
    shown = {
        "entry_id": item.entry_id,
        "kind": item.kind,
        "entry_on": item.entry_on,
        "due_on": item.due_on,
        "amount": item.amount,
        "open_amount": item.open_amount,
        "days_overdue": (on - item.due_on).days,
    }
    return rules.OverdueInput(item.due_on, item.open_amount, item.entry_id, item.entry_on), shown


def previous_input(item) -> rules.OverdueInput | None:
    """The oldest open debit of a previous month (deps.OverdueRow) as the rule's input."""
    if item is None:
        return None
    return rules.OverdueInput(item.due_on, item.open_amount, item.entry_id, item.entry_on)


def _grant_input(facts, customer, on) -> rules.GrantInput | None:
    if facts.grant_limit_amount is not None:
        return rules.GrantInput(facts.grant_limit_amount, facts.grant_valid_until, facts.grant_kind or "")
    lapsed = deps.latest_grant(customer)  # none in force: the one that ran out, for "grant expired"
    if lapsed is None:
        return None
    return rules.GrantInput(lapsed.limit_amount, lapsed.valid_until or on - timedelta(days=1), lapsed.kind)


def _read_locked(customer, *, on, now, lock=True, create=True, next_check_id=False):
    """Lock the customer's exposure row (when the check will write against the limit) and read
    everything the check decides on (one statement; expired reservations released first).

    create=False is the read of a check that only answers: it writes nothing, so it returns None
    when something must be written first (no exposure row yet, expired holds to release) and the
    caller takes the locking path."""
    facts = deps.locked_facts(
        customer.pk, on=on, now=now, lock=lock, create=create, next_check_id=next_check_id
    )
    if facts is None:
        return None
    if facts.expired_reservations:
        if not create:
            return None
        deps.release_expired(customer)
        facts = deps.locked_facts(customer.pk, on=on, now=now, lock=lock)
    overdue_input, overdue_shown = _overdue(facts.oldest_overdue, on)
    return facts, _grant_input(facts, customer, on), overdue_input, overdue_shown


def _actor_name(by, api_key) -> str:
    return str(getattr(api_key, "name", "") or "")[:100] if api_key is not None else ""


def check_inputs(read, *, amount, kind, control_point, on, approval_available=False) -> rules.CheckInputs:
    """The rule's inputs from what _read_locked read."""
    facts, grant, overdue, _shown = read
    return rules.CheckInputs(
        grade=facts.grade,
        grant=grant,
        exposure=_exposure_figures(facts.exposure),
        amount=amount,
        kind=kind,
        control_point=control_point,
        on=on,
        oldest_overdue=overdue,
        trade_suspended=facts.trade_suspended,
        shipments_stopped=facts.shipments_stopped,
        previous_month_debt=previous_input(facts.previous_month_debt),
        approval_available=approval_available,
        card_pending=facts.card_pending,
    )
