"""The credit check (授信执行) and over-limit approval (超额审批): the writes of credit control.

A check that writes against the limit (a reservation, the use of an approval) reads everything it
decides on under the customer's exposure row lock — the same lock every posting takes
(xindang.ledger.services.lock_exposure) — so a reservation made here and a shipment posted there can
never both pass a limit that only one of them fits. A check that only answers is one read (facts,
policy version in force and, on PostgreSQL, its record's id, in one prepared statement), the rules,
and its record (recorder.py).
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t

from xindang.audit.services import record_event
from xindang.core.db import fetchone
from xindang.core.errors import DomainError

from .. import deps, rules
from ..models import CreditCheck, OverLimitRequest, OverLimitStatus
from ..recorder import COLUMNS, recorder
from ..sections import CreditControlSection
from ..texts import reasons_out

OVER_LIMIT_KIND = "credit.over_limit"
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
        from xindang.policy.models import PolicyVersion
        from xindang.policy.selectors import policy_from_version

        policy = policy_from_version(PolicyVersion.objects.get(pk=int(policy_key.split("|", 1)[0])))
        section = policy.credit_control
        cached = _SECTIONS[policy_key] = (section, section.control_policy(), policy.version)
    return cached


def _section():
    """(the credit_control section in force now, its version number), for callers outside a check."""
    from django.db import connection

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + deps._version_sql(connection.vendor), [now, now])
        (key,) = cursor.fetchone()
    section, _policy, version = _section_for(str(key) if key is not None else None)
    return section, version


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
    extra: dict = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        return self.outcome in (rules.ALLOW, rules.WARN)

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "reasons": [{k: r[k] for k in ("code", "article", "message")} for r in self.reasons],
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
            "approvable": self.approvable,
            "check_id": self.check_id,
            "policy_version": self.policy_version,
        }


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(
            "credit_check.bad_amount", _t("The amount is not a number."), field="amount"
        ) from None
    if amount <= 0:
        raise DomainError("credit_check.bad_amount", _t("The amount must be more than zero."), field="amount")
    return amount


def _validate(kind: str, control_point: str) -> None:
    if kind not in rules.CHECK_KINDS:
        raise DomainError(
            "credit_check.bad_kind", _t("Unknown kind: %(kind)s.") % {"kind": kind}, field="kind"
        )
    if control_point not in rules.CONTROL_POINTS:
        raise DomainError(
            "credit_check.bad_control_point",
            _t("Unknown control point: %(point)s.") % {"point": control_point},
            field="control_point",
        )


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
    return rules.OverdueInput(item.due_on, item.open_amount, item.entry_id), shown


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


def _locked_over_limit(over_limit_id, *, customer, amount, kind, now) -> OverLimitRequest:
    olr = OverLimitRequest.objects.select_for_update().filter(pk=over_limit_id).first()
    if olr is None or olr.customer_id != customer.pk:
        raise DomainError("over_limit.not_found", _t("No such over-limit request for this customer."))
    if olr.status == OverLimitStatus.USED:
        raise DomainError("over_limit.used", _t("This over-limit approval has already been used."))
    if olr.status != OverLimitStatus.APPROVED:
        raise DomainError("over_limit.not_approved", _t("This over-limit request is not approved."))
    if olr.valid_until is not None and olr.valid_until < now:
        raise DomainError("over_limit.expired", _t("This over-limit approval has run out."))
    if olr.amount != amount or olr.kind != kind:
        raise DomainError(
            "over_limit.amount_mismatch",
            _t("The over-limit approval is for %(amount)s (%(kind)s) exactly.")
            % {"amount": olr.amount, "kind": olr.get_kind_display()},
        )
    return olr


def _actor_name(by, api_key) -> str:
    return str(getattr(api_key, "name", "") or "")[:100] if api_key is not None else ""


@dataclass
class _Ask:
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
    三十五条; 004 第九条3).

    A check that writes against the limit — reserve=True (a passing outcome holds the amount in the
    ledger, a Reservation, until the shipment is posted or the policy's time-to-live runs out) or
    over_limit_id (an approved over-limit request for exactly this amount lets it through once and is
    marked used) — decides and writes in one transaction under the customer's exposure row lock, the
    lock every posting takes. A check that only answers reads the committed figures in one statement
    without a transaction or a lock, and records its answer. route_to_approval in the matrix with a
    user (or an API key's creator) asking opens the over-limit request at once (approval_id in the
    answer). Every check is recorded (CreditCheck); uses of an approval are audited.
    """
    ask = _Ask(
        customer=customer,
        amount=_amount(amount),
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
    _validate(kind, control_point)
    if not ask.durable:
        answered = _answer_only(ask)
        if answered is not None:
            return answered
    with transaction.atomic():
        return _check_locked(ask)


def _answer_only(ask: _Ask) -> CreditDecision | None:
    """The hot path: one read, the rules, one write (the record). None when the read finds that
    something must be written first; the caller then takes the locking path."""
    on = timezone.localdate(ask.now)
    behind = ask.record and _record_behind()
    read = _read_locked(ask.customer, on=on, now=ask.now, lock=False, create=False, next_check_id=behind)
    if read is None:
        return None
    decision, result, section = _decide(ask, read, on=on)
    if decision.outcome == rules.APPROVAL_REQUIRED and _requester(ask) is not None:
        with transaction.atomic():
            _route(ask, decision, result, section)
            _record(ask, decision, result, read)
        return result
    _record(ask, decision, result, read, check_id=read[0].next_check_id)
    return result


def _record_behind() -> bool:
    """Whether an answer's record goes to the recorder thread (recorder.py): PostgreSQL, outside a
    caller's transaction, CREDIT_CHECK_RECORD_BEHIND on."""
    from django.db import connection

    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and getattr(settings, "CREDIT_CHECK_RECORD_BEHIND", True)
    )


def _check_locked(ask: _Ask) -> CreditDecision:
    """A check inside a transaction, under the exposure row lock when it writes against the limit."""
    on = timezone.localdate(ask.now)
    read = _read_locked(ask.customer, on=on, now=ask.now, lock=ask.durable)
    olr = None
    if ask.over_limit_id is not None:
        olr = _locked_over_limit(
            ask.over_limit_id, customer=ask.customer, amount=ask.amount, kind=ask.kind, now=ask.now
        )
    decision, result, section = _decide(ask, read, on=on, olr=olr)
    if ask.reserve and rules.reserve_allowed(decision, ask.kind):
        reservation = deps.reserve(
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
    if decision.outcome == rules.APPROVAL_REQUIRED and _requester(ask) is not None:
        _route(ask, decision, result, section)
    _record(ask, decision, result, read)
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
                "api_key": _actor_name(ask.by, ask.api_key),
                "over_limit": result.over_limit_id,
            },
        )
    return result


def _decide(ask: _Ask, read, *, on, olr=None):
    """The rules applied to what was read: (rules.Decision, the CreditDecision answered, section)."""
    facts, grant, overdue, overdue_shown = read
    section, policy, policy_version = _section_for(facts.policy_key)
    figures = _exposure_figures(facts.exposure)
    inputs = rules.CheckInputs(
        grade=facts.grade,
        grant=grant,
        exposure=figures,
        amount=ask.amount,
        kind=ask.kind,
        control_point=ask.control_point,
        on=on,
        oldest_overdue=overdue,
        trade_suspended=facts.trade_suspended,
        approval_available=olr is not None,
    )
    decision = rules.decide(inputs, policy)
    result = CreditDecision(
        outcome=decision.outcome,
        reasons=reasons_out(decision.reasons),
        customer_id=ask.customer.pk,
        amount=ask.amount,
        kind=ask.kind,
        control_point=ask.control_point,
        grade=facts.grade,
        limit_amount=grant.limit_amount if grant else None,
        valid_until=grant.valid_until if grant else None,
        exposure=figures,
        exposure_amount=decision.exposure_amount,
        oldest_overdue=overdue_shown,
        overage_amount=decision.overage_amount,
        approvable=decision.approvable,
        policy_version=policy_version,
    )
    return decision, result, section


def _requester(ask: _Ask):
    return ask.user or getattr(ask.api_key, "created_by", None)  # a key asks in its creator's name


def _route(ask: _Ask, decision, result: CreditDecision, section) -> None:
    """route_to_approval: open the over-limit request at once (inside the caller's transaction)."""
    routed = _submit_over_limit(
        customer=ask.customer,
        amount=ask.amount,
        kind=ask.kind,
        control_point=ask.control_point,
        reference=ask.reference,
        reason=_t("Routed by the control matrix."),
        decision=decision,
        grade=result.grade,
        section=section,
        policy_version=result.policy_version,
        by=_requester(ask),
        api_key=ask.api_key,
        request=ask.request,
    )
    result.over_limit_id, result.approval_id = routed.pk, routed.approval_id


def _record(ask: _Ask, decision, result: CreditDecision, read, check_id: int | None = None) -> None:
    """The CreditCheck row: what was asked, what the system knew and what it answered — written
    now, or (check_id drawn in the read) handed to the recorder thread."""
    if not ask.record:
        return
    facts, grant, _overdue_input, overdue_shown = read
    user = ask.user
    values = {
        "customer_id": ask.customer.pk,
        "amount": ask.amount,
        "kind": ask.kind,
        "control_point": ask.control_point,
        "reference": ask.reference,
        "outcome": decision.outcome,
        "reasons": [{"code": r.code, "article": r.article, "params": r.params} for r in decision.reasons],
        "inputs": {
            "exposure": {k: str(v) for k, v in result.exposure.items()},
            "valid_until": grant.valid_until.isoformat() if grant and grant.valid_until else None,
            "oldest_overdue": {k: str(v) for k, v in overdue_shown.items()} if overdue_shown else None,
            "trade_suspended": facts.trade_suspended,
            "strength": decision.strength,
            "reserve": ask.reserve,
        },
        "limit_amount": result.limit_amount,
        "exposure_amount": decision.exposure_amount,
        "grade": result.grade or "",
        "reservation_ref": result.reservation_id,
        "over_limit_id": result.over_limit_id,
        "checked_by_id": user.pk if user is not None else None,
        "api_key_name": _actor_name(ask.by, ask.api_key),
        "checked_at": ask.now,
        "policy_version": result.policy_version or 0,
    }
    if check_id is not None:
        recorder.put((check_id, *_params(values, wrap=json.dumps)))
        result.check_id = check_id
    else:
        result.check_id = _insert_check(values)


_INSERT_SQL: dict[bool, str] = {}


def _params(values: dict, wrap=None) -> list:
    """The record's values in recorder.COLUMNS order, as psycopg parameters (the JSON fields
    wrapped by `wrap`: psycopg's Jsonb by default; json.dumps gives text, for COPY)."""
    if wrap is None:
        from psycopg.types.json import Jsonb as wrap

    meta = CreditCheck._meta
    return [
        wrap(values[c]) if c in ("reasons", "inputs") else values[meta.get_field(c).attname] for c in COLUMNS
    ]


def _insert_check(values: dict) -> int:
    """INSERT the record. On PostgreSQL one hand-written statement (planned once per connection);
    outside a transaction it also commits without waiting for the WAL flush (synchronous_commit off
    for this one-statement transaction, CREDIT_CHECK_ASYNC_COMMIT): a server crash in the next
    fraction of a second can lose the record of an answer, never make the data inconsistent. Inside
    a caller's transaction (routing to approval, reserving, tests) the caller's commit decides."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return CreditCheck.objects.create(**values).pk
    relaxed = not connection.in_atomic_block and getattr(settings, "CREDIT_CHECK_ASYNC_COMMIT", True)
    sql = _INSERT_SQL.get(relaxed)
    if sql is None:
        meta, quote = CreditCheck._meta, connection.ops.quote_name
        cols = ", ".join(quote(meta.get_field(c).column) for c in COLUMNS)
        marks = ", ".join(["%s"] * len(COLUMNS))
        # set_config(…, true) lasts to the end of the statement's own transaction: its commit.
        returning = "id, set_config('synchronous_commit', 'off', true)" if relaxed else "id"
        sql = _INSERT_SQL[relaxed] = (
            f"INSERT INTO {quote(meta.db_table)} ({cols}) VALUES ({marks}) RETURNING {returning}"  # noqa: S608
        )
    return fetchone(sql, _params(values))[0]


def _submit_over_limit(
    *,
    customer,
    amount,
    kind,
    control_point,
    reference,
    reason,
    decision,
    grade,
    section,
    policy_version,
    by,
    api_key=None,
    request=None,
) -> OverLimitRequest:
    from xindang.approvals.services import submit_request

    chain = section.approval_chain(overage=decision.overage_amount, grade=grade)
    reasons = [{"code": r.code, "article": r.article, "params": r.params} for r in decision.reasons]
    olr = OverLimitRequest.objects.create(
        customer=customer,
        amount=amount,
        kind=kind,
        control_point=control_point,
        reference=reference,
        reason=reason,
        limit_amount=decision.limit_amount,
        exposure_amount=decision.exposure_amount,
        overage_amount=decision.overage_amount,
        grade=grade or "",
        reasons=reasons,
        chain=chain,
        requested_by=by,
        api_key_name=_actor_name(by, api_key),
        policy_version=policy_version or 0,
    )
    summary = "\n".join(r["message"] for r in reasons_out(reasons))
    if reason:
        summary = f"{reason}\n{summary}"
    approval = submit_request(
        kind=OVER_LIMIT_KIND,
        obj=olr,
        chain=chain,
        requested_by=by,
        title=_t("Over-limit %(kind)s for %(customer)s: %(amount)s")
        % {"kind": olr.get_kind_display(), "customer": customer.name, "amount": amount},
        summary=summary,
        amount=amount,
        data={
            "limit": str(decision.limit_amount) if decision.limit_amount is not None else None,
            "exposure": str(decision.exposure_amount),
            "overage": str(decision.overage_amount),
            "grade": grade or "",
            "reference": reference,
            "codes": decision.codes,
        },
        customer=customer,
        request=request,
    )
    olr.approval = approval
    olr.save(update_fields=["approval"])
    record_event(
        "over_limit.request",
        actor=by,
        request=request,
        obj=olr,
        data={
            "amount": str(amount),
            "overage": str(decision.overage_amount),
            "chain": chain,
            "approval": approval.pk,
        },
    )
    return olr
