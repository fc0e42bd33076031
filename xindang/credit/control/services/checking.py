"""The credit check (授信执行) and over-limit approval (超额审批): the writes of credit control.

check_credit() reads everything it decides on under the customer's exposure row lock — the same
lock every posting takes (xindang.ledger.services.lock_exposure) — so a reservation made here and a
shipment posted there can never both pass a limit that only one of them fits.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from .. import deps, rules
from ..models import CreditCheck, OverLimitRequest, OverLimitStatus
from ..sections import CreditControlSection
from ..texts import reasons_out

OVER_LIMIT_KIND = "credit.over_limit"
CENT = Decimal("0.01")

_VERSION_SQL: str | None = None
_DEFAULT_SECTION = CreditControlSection()
_SECTIONS: dict = {}  # (version id, number, from) → (section, number); versions in force never change


def _section():
    """(the credit_control section in force, its version number) — on the hot path of every check.

    Same question as policy.selectors.version_in_force, but asking only for the version's id and
    number and building the (immutable) section once per version instead of every section of the
    whole policy at every call."""
    from django.db import connection

    from xindang.policy.models import PolicyVersion
    from xindang.policy.selectors import policy_from_version

    global _VERSION_SQL
    if _VERSION_SQL is None:
        t, col = PolicyVersion._meta.db_table, lambda n: PolicyVersion._meta.get_field(n).column
        skip = ", ".join(f"'{s}'" for s in (PolicyVersion.Status.DRAFT, PolicyVersion.Status.DISCARDED))
        _VERSION_SQL = (
            f"SELECT id, {col('number')}, {col('effective_from')} FROM {t} "  # noqa: S608
            f"WHERE {col('effective_from')} <= %s "
            f"AND ({col('effective_to')} IS NULL OR {col('effective_to')} > %s) "
            f"AND {col('status')} NOT IN ({skip}) ORDER BY {col('effective_from')} DESC LIMIT 1"
        )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL, [now, now])
        row = cursor.fetchone()
    if row is None:  # no version stored yet: the seed's defaults
        return _DEFAULT_SECTION, 0
    key = tuple(str(v) for v in row)  # id, number, in force from: a rolled-back id reused is another key
    cached = _SECTIONS.get(key)
    if cached is None:
        policy = policy_from_version(PolicyVersion.objects.get(pk=row[0]))
        cached = _SECTIONS[key] = (policy.credit_control, policy.version)
    return cached


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


def _exposure_figures(exposure) -> dict:
    return {c: getattr(exposure, f"{c}_amount") or Decimal("0") for c in rules.CATEGORIES} | {
        "credit_balance": getattr(exposure, "credit_balance_amount", Decimal("0")) or Decimal("0")
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


def _read_locked(customer, *, on, now, lock=True):
    """Lock the customer's exposure row (when the check will write against the limit) and read
    everything the check decides on (one statement; expired reservations released first)."""
    facts = deps.locked_facts(customer.pk, on=on, now=now, lock=lock)
    if facts.expired_reservations:
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


@transaction.atomic
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
    三十五条; 004 第九条3). A reserving check (or one using an approval) decides and writes under
    the customer's exposure row lock; a check that only answers reads without locking.

    reserve=True and a passing outcome hold the amount in the ledger (a Reservation) until the
    shipment is posted or the policy's time-to-live runs out. over_limit_id names an approved
    over-limit request for exactly this amount: it lets the amount through once and is marked used
    in the same transaction. route_to_approval in the matrix with a user asking opens the over-limit
    request at once (approval_id in the answer). Every check is recorded (CreditCheck); blocks and
    uses of an approval are audited.
    """
    amount = _amount(amount)
    _validate(kind, control_point)
    reference = (reference or "")[:100]
    section, policy_version = _section()
    now = timezone.now()
    on = timezone.localdate(now)

    # The exposure row lock — the one lock point shared with posting (ledger.services.lock_exposure)
    # — when the check writes against the limit: a reservation, or the use of an approval. A check
    # that only answers reads the committed figures without locking.
    durable = bool(reserve) or over_limit_id is not None
    facts, grant, overdue, overdue_shown = _read_locked(customer, on=on, now=now, lock=durable)
    grade, suspended = facts.grade, facts.trade_suspended
    olr = None
    if over_limit_id is not None:
        olr = _locked_over_limit(over_limit_id, customer=customer, amount=amount, kind=kind, now=now)
    figures = _exposure_figures(facts.exposure)
    inputs = rules.CheckInputs(
        grade=grade,
        grant=grant,
        exposure=figures,
        amount=amount,
        kind=kind,
        control_point=control_point,
        on=on,
        oldest_overdue=overdue,
        trade_suspended=suspended,
        approval_available=olr is not None,
    )
    decision = rules.decide(inputs, section.control_policy())
    reasons = [{"code": r.code, "article": r.article, "params": r.params} for r in decision.reasons]
    result = CreditDecision(
        outcome=decision.outcome,
        reasons=reasons_out(reasons),
        customer_id=customer.pk,
        amount=amount,
        kind=kind,
        control_point=control_point,
        grade=grade,
        limit_amount=grant.limit_amount if grant else None,
        valid_until=grant.valid_until if grant else None,
        exposure=dict(figures),
        exposure_amount=decision.exposure_amount,
        oldest_overdue=overdue_shown,
        overage_amount=decision.overage_amount,
        approvable=decision.approvable,
        policy_version=policy_version,
    )
    reservation = None
    if reserve and rules.reserve_allowed(decision, kind):
        reservation = deps.reserve(
            customer=customer,
            amount=amount,
            kind=kind,
            expires_at=now + timedelta(minutes=section.reservation_ttl_minutes),
            reference=reference,
            by=by if getattr(by, "is_authenticated", False) else None,
        )
        result.reservation_id, result.reservation_expires_at = reservation.pk, reservation.expires_at
    if olr is not None and decision.approval_used:
        olr.status, olr.used_at = OverLimitStatus.USED, now
        olr.save(update_fields=["status", "used_at"])
        result.over_limit_id, result.over_limit_used = olr.pk, True
    user = by if getattr(by, "is_authenticated", False) else None
    requester = user or getattr(api_key, "created_by", None)  # a key asks in its creator's name
    if decision.outcome == rules.APPROVAL_REQUIRED and requester is not None:
        routed = _submit_over_limit(
            customer=customer,
            amount=amount,
            kind=kind,
            control_point=control_point,
            reference=reference,
            reason=_t("Routed by the control matrix."),
            decision=decision,
            grade=grade,
            section=section,
            policy_version=policy_version,
            by=requester,
            api_key=api_key,
            request=request,
        )
        result.over_limit_id, result.approval_id = routed.pk, routed.approval_id
    if record:
        check = CreditCheck.objects.create(
            customer=customer,
            amount=amount,
            kind=kind,
            control_point=control_point,
            reference=reference,
            outcome=decision.outcome,
            reasons=reasons,
            inputs={
                "exposure": {k: str(v) for k, v in figures.items()},
                "valid_until": grant.valid_until.isoformat() if grant and grant.valid_until else None,
                "oldest_overdue": {k: str(v) for k, v in overdue_shown.items()} if overdue_shown else None,
                "trade_suspended": suspended,
                "strength": decision.strength,
                "reserve": bool(reserve),
            },
            limit_amount=result.limit_amount,
            exposure_amount=decision.exposure_amount,
            grade=grade or "",
            reservation_ref=result.reservation_id,
            over_limit_id=result.over_limit_id,
            checked_by=user,
            api_key_name=_actor_name(by, api_key),
            policy_version=policy_version or 0,
        )
        result.check_id = check.pk
        # A refused or routed answer changes nothing: its CreditCheck row is the documented decision
        # (the customer's credit-control page, the monthly evaluation's "blocked checks"). Only the use
        # of an over-limit approval changes something and goes into the hash-chained audit log — so
        # blocked checks across the company do not queue on the audit chain's lock.
        if result.over_limit_used:
            record_event(
                "credit_check.over_limit_used",
                actor=user,
                request=request,
                obj=customer,
                data={
                    "check": check.pk,
                    "amount": str(amount),
                    "kind": kind,
                    "control_point": control_point,
                    "outcome": decision.outcome,
                    "codes": decision.codes,
                    "api_key": check.api_key_name,
                    "over_limit": result.over_limit_id,
                },
            )
    if not durable and result.approval_id is None:
        _relax_commit()
    return result


def _relax_commit() -> None:
    """PostgreSQL: commit this check without waiting for the WAL flush (synchronous_commit off for
    this transaction only). Safe for a check that held nothing and used no approval: a server crash
    in the next fraction of a second can lose the record of the answer, never make the data
    inconsistent. Reserving checks and approval uses keep the synchronous commit."""
    from django.db import connection

    if connection.vendor == "postgresql" and getattr(settings, "CREDIT_CHECK_ASYNC_COMMIT", True):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


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
