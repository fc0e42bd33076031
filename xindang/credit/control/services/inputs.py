"""What a credit check decides on and how it reads it, shared by the check (checking.py) and the
over-limit requests (over_limit.py): the policy section in force, and the customer's facts read in
one statement (fastpath.read_facts) as the rules' inputs."""

from datetime import timedelta

from django.utils import timezone

from xindang.credit.grants import selectors as grant_selectors
from xindang.ledger import services as ledger_services
from xindang.policy.models import PolicyVersion
from xindang.policy.selectors import policy_from_version

from .. import fastpath, rules
from ..sections import CreditControlSection

_DEFAULT_SECTION = CreditControlSection()
_DEFAULT = (_DEFAULT_SECTION, _DEFAULT_SECTION.control_policy(), 0)
# "id|number|in force from" of a policy version → (section, its ControlPolicy, version number). A
# version in force never changes, so each is built once per process; the key comes with the check's
# one statement (fastpath.read_facts), so a new version applies to the very next check.
_SECTIONS: dict = {}


def section_for(policy_key: str | None):
    """(credit_control section, its ControlPolicy, version number) of the version with this key."""
    if policy_key is None:  # no version stored yet: the seed's defaults
        return _DEFAULT
    cached = _SECTIONS.get(policy_key)
    if cached is None:
        policy = policy_from_version(PolicyVersion.objects.get(pk=int(policy_key.split("|", 1)[0])))
        section = policy.credit_control
        cached = _SECTIONS[policy_key] = (section, section.control_policy(), policy.version)
    return cached


def section_in_force():
    """(the credit_control section in force now, its version number), for callers outside a check."""
    section, _policy, version = section_for(fastpath.policy_key(timezone.now()))
    return section, version


def _exposure_figures(exposure: dict) -> dict:
    """Category → amount (rules.CATEGORIES, and the credit balance) from the Exposure figures."""
    return {c: exposure[f"{c}_amount"] for c in rules.CATEGORIES} | {
        "credit_balance": exposure["credit_balance_amount"]
    }


def _overdue(item, on) -> tuple[rules.OverdueInput | None, dict | None]:
    """The oldest overdue item (fastpath.OverdueRow) as the rule's input and as the answer shows it."""
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
    """The oldest open debit of a previous month (fastpath.OverdueRow) as the rule's input."""
    if item is None:
        return None
    return rules.OverdueInput(item.due_on, item.open_amount, item.entry_id, item.entry_on)


def _grant_input(facts, customer, on) -> rules.GrantInput | None:
    if facts.grant_limit_amount is not None:
        return rules.GrantInput(facts.grant_limit_amount, facts.grant_valid_until, facts.grant_kind or "")
    lapsed = grant_selectors.latest_grant(
        customer
    )  # none in force: the one that ran out, for "grant expired"
    if lapsed is None:
        return None
    return rules.GrantInput(lapsed.limit_amount, lapsed.valid_until or on - timedelta(days=1), lapsed.kind)


def read_for_check(customer, *, on, now, lock=True, create=True, next_check_id=False):
    """Lock the customer's exposure row (when the check will write against the limit) and read
    everything the check decides on (one statement; expired reservations released first).

    create=False is the read of a check that only answers: it writes nothing, so it returns None
    when something must be written first (no exposure row yet, expired holds to release) and the
    caller takes the locking path."""
    facts = fastpath.read_facts(
        customer.pk, on=on, now=now, lock=lock, create=create, next_check_id=next_check_id
    )
    if facts is None:
        return None
    if facts.expired_reservations:
        if not create:
            return None
        ledger_services.release_expired(customer)
        facts = fastpath.read_facts(customer.pk, on=on, now=now, lock=lock)
    overdue_input, overdue_shown = _overdue(facts.oldest_overdue, on)
    return facts, _grant_input(facts, customer, on), overdue_input, overdue_shown


def check_inputs(read, *, amount, kind, control_point, on, approval_available=False) -> rules.CheckInputs:
    """The rule's inputs from what read_for_check read."""
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
