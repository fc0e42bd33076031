"""The credit check (授信执行): check_credit and its two paths.

A check that writes against the limit (a reservation, the use of an approval) reads everything it
decides on under the customer's exposure row lock — the same lock every posting takes
(xindang.ledger.services.lock_exposure) — so a reservation made here and a shipment posted there can
never both pass a limit that only one of them fits. A check that only answers is one read (facts,
policy version in force and, on PostgreSQL, its record's id, in one prepared statement), the rules,
and its record (recording.py, recorder.py).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.money import format_yuan
from xindang.ledger import services as ledger_services
from xindang.onboarding.models import Condition

from .. import rules
from ..errors import ControlError
from ..models import OverLimitRequest, OverLimitStatus
from ..texts import reasons_out
from .group import apply_group_step
from .inputs import check_inputs, read_for_check, section_for
from .over_limit import submit_over_limit
from .question import Ask, actor_name, checked_amount, validate_question
from .recording import record_behind, record_check


@dataclass
class CreditDecision:
    """What check_credit answers: the outcome, why, and everything it decided on."""

    outcome: str
    reasons: list[dict]
    customer_id: int
    amount: Decimal
    kind: str
    control_point: str
    grade: str | None
    limit_amount: Decimal | None
    valid_until: object
    exposure: dict
    exposure_amount: Decimal
    oldest_overdue: dict | None
    check_id: int | None = None
    reservation_id: int | None = None
    reservation_expires_at: object = None
    approval_id: int | None = None
    over_limit_id: int | None = None
    over_limit_used: bool = False
    overage_amount: Decimal = Decimal("0")
    approvable: bool = False
    policy_version: int = 0
    headroom_amount: Decimal | None = None
    previous_debt: dict | None = None
    # Conditions attached to the customer's trade at its card's approval (004 客户信息管理制度 第十条2),
    # shown with every answer: [{"code", "label"}].
    conditions: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        return self.outcome in (rules.ALLOW, rules.WARN)

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "reasons": [{k: r[k] for k in ("code", "article", "params", "message")} for r in self.reasons],
            "customer_id": self.customer_id,
            "amount": self.amount,
            "kind": self.kind,
            "control_point": self.control_point,
            "grade": self.grade,
            "limit": self.limit_amount,
            "valid_until": self.valid_until,
            "exposure": {**self.exposure, "total": self.exposure_amount},
            "exposure_after": self.exposure_amount + (self.amount if self.kind in rules.RAISING_KINDS else 0),
            "oldest_overdue": self.oldest_overdue,
            "reservation": (
                {"id": self.reservation_id, "expires_at": self.reservation_expires_at}
                if self.reservation_id
                else None
            ),
            "approval_id": self.approval_id,
            "over_limit_id": self.over_limit_id,
            "overage": self.overage_amount,
            "headroom": self.headroom_amount,
            "previous_debt": self.previous_debt,
            "conditions": self.conditions,
            "approvable": self.approvable,
            "check_id": self.check_id,
            "policy_version": self.policy_version,
        }


def _locked_over_limit(over_limit_id, *, customer, amount, kind, now) -> OverLimitRequest:
    olr = OverLimitRequest.objects.select_for_update().filter(pk=over_limit_id).first()
    if olr is None or olr.customer_id != customer.pk:
        raise DomainError(ControlError.OVER_LIMIT_NOT_FOUND, field="over_limit_id")
    if olr.status == OverLimitStatus.USED:
        raise DomainError(ControlError.OVER_LIMIT_USED, field="over_limit_id")
    if olr.status != OverLimitStatus.APPROVED:
        raise DomainError(ControlError.OVER_LIMIT_NOT_APPROVED, field="over_limit_id")
    if olr.valid_until is not None and olr.valid_until < now:
        raise DomainError(ControlError.OVER_LIMIT_EXPIRED, field="over_limit_id")
    if olr.amount != amount or olr.kind != kind:
        raise DomainError(
            ControlError.OVER_LIMIT_MISMATCH,
            field="over_limit_id",
            amount=format_yuan(olr.amount),
            kind=olr.get_kind_display(),
        )
    return olr


def check_credit(
    *,
    customer,
    amount,
    kind: str = "shipment",
    control_point: str = rules.SHIPMENT,
    reserve: bool = False,
    reference: str = "",
    over_limit_id: int | None = None,
    by=None,
    api_key=None,
    request=None,
    record: bool = True,
) -> CreditDecision:
    """Decide whether `amount` of `kind` may pass `control_point` for `customer` now (002 第三十一–
    三十五条; 004 客户信息管理制度 第九条3).

    A check that writes against the limit — reserve=True (a passing outcome holds the amount in the
    ledger, a Reservation, until the shipment is posted or the policy's time-to-live runs out) or
    over_limit_id (an approved over-limit request for exactly this amount lets it through once and is
    marked used) — decides and writes in one transaction under the customer's exposure row lock, the
    lock every posting takes. A check that only answers reads the committed figures in one statement
    without a transaction or a lock, and records its answer. route_to_approval in the matrix with a
    user (or an API key's creator) asking opens the over-limit request at once (approval_id in the
    answer). Every check is recorded (CreditCheck); uses of an approval are audited.
    """
    ask = Ask(
        customer=customer,
        amount=checked_amount(amount),
        kind=kind,
        control_point=control_point,
        reference=(reference or "")[:100],
        reserve=bool(reserve),
        over_limit_id=over_limit_id,
        by=by,
        api_key=api_key,
        request=request,
        record=record,
    )
    validate_question(kind, control_point)
    if not ask.durable:
        answered = _answer_only(ask)
        if answered is not None:
            return answered
    with transaction.atomic():
        return _check_locked(ask)


def _answer_only(ask: Ask) -> CreditDecision | None:
    """The hot path: one read, the rules, one write (the record). None when the read finds that
    something must be written first; the caller then takes the locking path."""
    on = timezone.localdate(ask.now)
    behind = ask.record and record_behind()
    read = read_for_check(ask.customer, on=on, now=ask.now, lock=False, create=False, next_check_id=behind)
    if read is None:
        return None
    decision, result, section = _decide(ask, read, on=on)
    if decision.outcome == rules.APPROVAL_REQUIRED and ask.requester is not None:
        with transaction.atomic():
            _route(ask, decision, result, section)
            record_check(ask, decision, result, read)
        return result
    record_check(ask, decision, result, read, check_id=read[0].next_check_id)
    return result


def _check_locked(ask: Ask) -> CreditDecision:
    """A check inside a transaction, under the exposure row lock when it writes against the limit."""
    on = timezone.localdate(ask.now)
    read = read_for_check(ask.customer, on=on, now=ask.now, lock=ask.durable)
    olr = None
    if ask.over_limit_id is not None:
        olr = _locked_over_limit(
            ask.over_limit_id, customer=ask.customer, amount=ask.amount, kind=ask.kind, now=ask.now
        )
    decision, result, section = _decide(ask, read, on=on, olr=olr)
    if ask.reserve and rules.reserve_allowed(decision, ask.kind):
        reservation = ledger_services.reserve(
            customer=ask.customer,
            amount=ask.amount,
            kind=ask.kind,
            expires_at=ask.now + timedelta(minutes=section.reservation_ttl_minutes),
            reference=ask.reference,
            by=ask.user,
        )
        result.reservation_id, result.reservation_expires_at = reservation.pk, reservation.expires_at
    if olr is not None and decision.approval_used:
        olr.status, olr.used_at = OverLimitStatus.USED, ask.now
        olr.save(update_fields=["status", "used_at"])
        result.over_limit_id, result.over_limit_used = olr.pk, True
    if decision.outcome == rules.APPROVAL_REQUIRED and ask.requester is not None:
        _route(ask, decision, result, section)
    record_check(ask, decision, result, read)
    if result.over_limit_used:
        # A refused or routed answer changes nothing: its CreditCheck row is the documented decision
        # (the customer's credit-control page, the monthly evaluation's "blocked checks"). Only the use
        # of an over-limit approval changes something and goes into the hash-chained audit log — so
        # blocked checks across the company do not queue on the audit chain's lock.
        record_event(
            "credit_check.over_limit_used",
            actor=ask.user,
            request=ask.request,
            obj=ask.customer,
            data={
                "check": result.check_id,
                "amount": str(ask.amount),
                "kind": ask.kind,
                "control_point": ask.control_point,
                "outcome": decision.outcome,
                "codes": decision.codes,
                "api_key": actor_name(ask.api_key),
                "over_limit": result.over_limit_id,
            },
        )
    return result


def _decide(ask: Ask, read, *, on, olr=None):
    """The rules applied to what was read: (rules.Decision, the CreditDecision answered, section)."""
    facts, grant, _overdue, overdue_shown = read
    section, policy, policy_version = section_for(facts.policy_key)
    inputs = check_inputs(
        read,
        amount=ask.amount,
        kind=ask.kind,
        control_point=ask.control_point,
        on=on,
        approval_available=olr is not None,
    )
    figures = dict(inputs.exposure)
    decision = rules.decide(inputs, policy)
    limit = grant.limit_amount if grant else None
    result = CreditDecision(
        outcome=decision.outcome,
        reasons=reasons_out(decision.reasons),
        customer_id=ask.customer.pk,
        amount=ask.amount,
        kind=ask.kind,
        control_point=ask.control_point,
        grade=facts.grade,
        limit_amount=limit,
        valid_until=grant.valid_until if grant else None,
        exposure=figures,
        exposure_amount=decision.exposure_amount,
        oldest_overdue=overdue_shown,
        overage_amount=decision.overage_amount,
        approvable=decision.approvable,
        policy_version=policy_version,
        headroom_amount=rules.headroom(limit, decision.exposure_amount, ask.amount, ask.kind),
        previous_debt=_previous_shown(decision),
        conditions=_conditions_shown(facts.conditions),
    )
    if section.group_check != rules.GROUP_OFF:  # related parties, beyond the regulation: off, no read
        decision, result = apply_group_step(ask, decision, result, section, on=on)
    return decision, result, section


def _conditions_shown(codes) -> list[dict]:
    return [{"code": c, "label": str(Condition(c).label)} for c in codes if c in Condition.values]


def _previous_shown(decision) -> dict | None:
    """第三十五条: the unsettled previous debt the answer names (entry, date, open amount)."""
    for r in decision.reasons:
        if r.code in (rules.PREVIOUS_DEBT, rules.OVERDUE_UNPAID):
            return dict(r.params, code=r.code)
    return None


def _route(ask: Ask, decision, result: CreditDecision, section) -> None:
    """route_to_approval: open the over-limit request at once (inside the caller's transaction)."""
    routed = submit_over_limit(
        customer=ask.customer,
        amount=ask.amount,
        kind=ask.kind,
        control_point=ask.control_point,
        reference=ask.reference,
        reason="",  # routed by the control matrix: the stored reasons say why
        decision=decision,
        grade=result.grade,
        section=section,
        policy_version=result.policy_version,
        by=ask.requester,  # a key asks in its creator's name
        api_key=ask.api_key,
        request=ask.request,
    )
    result.over_limit_id, result.approval_id = routed.pk, routed.approval_id
