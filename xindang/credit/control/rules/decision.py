"""The credit check's decision (授信执行) as pure functions: no Django, no queries, no I/O.

The seed text (002 客户信用管理制度, 第二十八、三十一至三十五条; 004 客户信息管理制度 第七条, 第九条3):
  第二十八条 对于评为C级的客户,不予授信,不给予任何预付款和赊销。
  第三十一条 营销部应严格执行客户信用管理制度,按照授权批准的授信范围和额度区分ABC类客户进行预付和赊销……
  第三十二条 ……对于超出信用额度的预付款和发货,必须在得到上级相关部门的正式批准文书之后,方可办理。
  第三十三条 对于原预付款、赊销欠款金额大于所给予信用额度的客户,……在较短的期间内压缩至信用额度之内。
  第三十四条 对于原来已有预付款、赊销欠款的不享有信用额度的客户,……确保预付款、欠款额只能减少不能增加……
  第三十五条 对于预付、赊销客户必须定期对帐、清帐,上次欠款未结清前,原则上不再进行新的预付款、赊销。
  004 客户信息管理制度 第七条 (危险客户) 2(4): 减少或停止发货 — trade suspension by a manager's instruction.
  004 客户信息管理制度 第九条3 (2) 赊销款与未结算票据余额合计额接近……规定的额度时,应事先向主管上司汇报;
              (3) 如超出信用限度额,营销主管须向总经理汇报,确定处理办法。
  004 客户信息管理制度 第十一条1(3) 作为应急措施,营销人员有权暂时停止贷货。

decide() answers one question — may this amount of this kind pass this control point for this
customer now? — from plain inputs the service gathers under the customer's exposure lock. It
returns an outcome and the reasons (code, article, params); the service translates the reasons.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

# --- Outcomes, control points, strengths ----------------------------------------------------------
ALLOW, WARN, BLOCK, APPROVAL_REQUIRED = "allow", "warn", "block", "approval_required"
OUTCOMES = (ALLOW, WARN, BLOCK, APPROVAL_REQUIRED)

ORDER, SHIPMENT, PREPAYMENT, INVOICE = "order", "shipment", "prepayment", "invoice"
CONTROL_POINTS = (ORDER, SHIPMENT, PREPAYMENT, INVOICE)

IGNORE, STRENGTH_WARN, STRENGTH_BLOCK, ROUTE = "ignore", "warn", "block", "route_to_approval"
STRENGTHS = (IGNORE, STRENGTH_WARN, STRENGTH_BLOCK, ROUTE)

GRADES = ("A", "B", "C", "甲", "乙", "丙")
NO_CREDIT_GRADES = frozenset({"C"})  # 第二十八条: C customers get no credit at all

# Entry kinds (the ledger's EntryKind values). Only these raise the exposure; every other kind
# (payment, credit note, goods received, note settled, write-off…) lowers it or leaves it alone.
RAISING_KINDS = frozenset({"shipment", "prepayment", "invoice"})
RESERVABLE_KINDS = frozenset({"shipment", "prepayment"})  # what the ledger can hold and consume
CASH_SALE = "cash_sale"  # 现款现货: goods against cash on delivery — no credit, the exposure does not grow
CHECK_KINDS = (
    "shipment",
    CASH_SALE,
    "prepayment",
    "invoice",
    "payment",
    "goods_received",
    "note_received",
    "note_settled",
    "credit_note",
    "write_off",
)

# Exposure categories (the ledger's Exposure columns, without "_amount"); all count (004 客户信息管理制度
# 第八条 3: credit sales + unsettled notes; prepayments by 002 第二十二条; SPEC §6: unpaid credit sales +
# unsettled prepayments + unsettled notes; held reservations too).
CATEGORIES = ("open_shipments", "open_invoices", "prepayments", "notes", "reservations")

# --- Reason codes --------------------------------------------------------------------------------
GRADE_C = "grade_c"
NO_GRANT = "no_grant"
GRANT_EXPIRED = "grant_expired"
OVER_LIMIT = "over_limit"
REDUCTION_ONLY = "reduction_only"
OVERDUE_UNPAID = "overdue_unpaid"
PREVIOUS_DEBT = "previous_debt_unsettled"
TRADE_SUSPENDED = "trade_suspended"
SHIPMENTS_STOPPED = "shipments_stopped"
CARD_NOT_APPROVED = "card_not_approved"
COVERED_BY_PREPAYMENT = "covered_by_prepayment"
PAID_IN_CASH = "paid_in_cash"
NO_LIMIT_EXCEPTION = "no_limit_exception"
NEAR_LIMIT = "near_limit"
LOWERS_EXPOSURE = "lowers_exposure"
OVER_LIMIT_APPROVED = "over_limit_approved"
NOT_CONTROLLED = "not_controlled"

ARTICLES = {
    GRADE_C: "002 第二十八条",
    NO_GRANT: "002 第二十八条、第三十四条",
    GRANT_EXPIRED: "002 第三十一条",
    OVER_LIMIT: "002 第三十二条",
    REDUCTION_ONLY: "002 第三十三条、第三十四条",
    OVERDUE_UNPAID: "002 第三十五条",
    PREVIOUS_DEBT: "002 第三十五条",
    TRADE_SUSPENDED: "004 客户信息管理制度 第七条",
    SHIPMENTS_STOPPED: "004 客户信息管理制度 第十一条1(3)",
    CARD_NOT_APPROVED: "004 客户信息管理制度 第十条1(8)",
    COVERED_BY_PREPAYMENT: "002 第三十四条",
    PAID_IN_CASH: "002 第三十四条",
    NO_LIMIT_EXCEPTION: "002 第三十四条",
    NEAR_LIMIT: "004 客户信息管理制度 第九条3(2)",
    LOWERS_EXPOSURE: "002 第三十三条、第三十四条",
    OVER_LIMIT_APPROVED: "002 第三十二条",
    NOT_CONTROLLED: "002 第三十一条",
}

# Violations an over-limit approval (超额审批, 第三十二条 "上级相关部门的正式批准文书") may lift.
# A C customer (第二十八条: 不予授信), a suspended trade (a manager's instruction), an emergency stop
# of shipments (004 客户信息管理制度 第十一条1(3)) may not; nor may it lift "no limit" (第三十四条:
# 只能减少不能增加) unless the policy departs from the text with a GM-only exception (NO_LIMIT_CODES).
APPROVABLE = frozenset({GRANT_EXPIRED, OVER_LIMIT, REDUCTION_ONLY, OVERDUE_UNPAID, PREVIOUS_DEBT})
NO_LIMIT_CODES = frozenset({NO_GRANT})
WARNINGS = frozenset({NEAR_LIMIT})
INFO = frozenset(
    {
        LOWERS_EXPOSURE,
        OVER_LIMIT_APPROVED,
        NOT_CONTROLLED,
        COVERED_BY_PREPAYMENT,
        PAID_IN_CASH,
        NO_LIMIT_EXCEPTION,
    }
)

# 第三十五条's "上次欠款" (the debt of the previous settlement period), as the policy reads it:
PREVIOUS_PERIOD, OVERDUE_ONLY = "previous_period", "overdue_only"  # previous_debt_mode
DEBT_MODES = (PREVIOUS_PERIOD, OVERDUE_ONLY)
MONTH, CONTRACT_TERM = "month", "contract_term"  # settlement_period
SETTLEMENT_PERIODS = (MONTH, CONTRACT_TERM)

ZERO = Decimal("0")


def severity_of(code: str) -> str:
    """info, warning or violation: what a reason of the check's own codes means for the answer."""
    if code in INFO:
        return "info"
    if code in WARNINGS:
        return "warning"
    return "violation"


@dataclass(frozen=True)
class Reason:
    code: str
    article: str
    params: dict = field(default_factory=dict)
    # A step that adds reasons of its own codes (the related-party group) says what they mean; the
    # check's codes take theirs from the tables above. Not part of a reason's identity.
    severity: str = field(default="", compare=False, repr=False)

    def __post_init__(self):
        if not self.severity:
            object.__setattr__(self, "severity", severity_of(self.code))


def reason(code: str, **params) -> Reason:
    return Reason(code, ARTICLES[code], params)


@dataclass(frozen=True)
class GrantInput:
    limit_amount: Decimal
    valid_until: date | None = None
    kind: str = ""


@dataclass(frozen=True)
class OverdueInput:
    due_on: date
    open_amount: Decimal
    entry_id: int | None = None
    entry_on: date | None = None


@dataclass(frozen=True)
class CheckInputs:
    grade: str | None
    grant: GrantInput | None
    exposure: Mapping[str, Decimal]
    amount: Decimal
    kind: str = "shipment"
    control_point: str = SHIPMENT
    on: date = date(2000, 1, 1)
    oldest_overdue: OverdueInput | None = None
    trade_suspended: bool = False
    # An emergency stop of shipments by the salesperson, not yet lifted (004 客户信息管理制度 第十一条1(3)).
    shipments_stopped: bool = False
    # The oldest open debit entered before the current calendar month began (第三十五条, month period).
    previous_month_debt: OverdueInput | None = None
    # An approved, unused, unexpired over-limit approval for exactly this amount (the service checks
    # the amount, the customer and the validity; the rule only needs to know it is there).
    approval_available: bool = False
    # A new customer whose transaction card is not approved yet (004 客户信息管理制度 第十条1(8)).
    card_pending: bool = False


@dataclass(frozen=True)
class ControlPolicy:
    """The part of the credit_control policy section decide() needs (built by sections.py)."""

    warning_threshold_percent: Decimal = Decimal("90")
    # grade -> control point -> strength; a grade not listed uses "default".
    matrix: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    overdue_blocks: bool = True
    overdue_grace_days: int = 0
    # 第三十五条: what "上次欠款" is (previous_period, the text; overdue_only, a departure) and the
    # settlement period (month, or the contract's payment term).
    previous_debt_mode: str = PREVIOUS_PERIOD
    settlement_period: str = MONTH
    # 第三十四条 departure: an over-limit approval by the GM alone may let a no-limit customer's
    # exposure grow. Off by default (the text: 只能减少不能增加).
    no_limit_exception: bool = False

    def strength(self, grade: str | None, control_point: str) -> str:
        row = self.matrix.get(grade or "") or self.matrix.get("default") or {}
        return row.get(control_point, STRENGTH_BLOCK)


@dataclass(frozen=True)
class Decision:
    outcome: str
    reasons: tuple[Reason, ...]
    limit_amount: Decimal | None
    exposure_amount: Decimal
    amount: Decimal
    strength: str
    approval_used: bool = False
    approvable: bool = False  # may an over-limit approval lift this block (第三十二条)?
    exception: bool = False  # only through the policy's GM-only no-limit exception (第三十四条 departure)

    @property
    def exposure_after_amount(self) -> Decimal:
        return self.exposure_amount + self.amount

    @property
    def overage_amount(self) -> Decimal:
        """How far this amount takes the exposure past the limit (the whole exposure after without one)."""
        limit = self.limit_amount or ZERO
        return max(ZERO, self.exposure_after_amount - max(limit, ZERO))

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def violations(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity == "violation"]

    @property
    def passes(self) -> bool:
        return self.outcome in (ALLOW, WARN)


def total_exposure(exposure: Mapping[str, Decimal]) -> Decimal:
    return sum((Decimal(exposure.get(c) or 0) for c in CATEGORIES), ZERO)


def grant_usable(grant: GrantInput | None, on: date) -> bool:
    return grant is not None and (grant.valid_until is None or grant.valid_until >= on)


def headroom(limit: Decimal | None, exposure: Decimal, amount: Decimal, kind: str) -> Decimal | None:
    """What is left of the limit after this amount: limit − exposure − amount (negative: past the
    limit; an entry that lowers the exposure takes nothing). None without a limit."""
    if limit is None:
        return None
    return limit - exposure - (amount if kind in RAISING_KINDS else ZERO)


def covered_by_prepayment(inputs: CheckInputs) -> bool:
    """第三十四条: a shipment the customer has already paid for (its credit balance, 预收) does not
    raise the exposure — the ledger settles it against the balance when it is posted."""
    balance = Decimal(inputs.exposure.get("credit_balance") or 0)
    return inputs.kind == "shipment" and balance > 0 and inputs.amount <= balance


def previous_debt(inputs: CheckInputs, policy: ControlPolicy) -> OverdueInput | None:
    """第三十五条 上次欠款未结清: the unsettled debt of the previous settlement period, as the policy
    reads it — month: an open debit entered before this calendar month began (定期对帐 monthly);
    contract_term: an open debit whose agreed payment term (the contract's period) has ended."""
    if policy.previous_debt_mode != PREVIOUS_PERIOD or not policy.overdue_blocks:
        return None
    item = inputs.previous_month_debt if policy.settlement_period == MONTH else inputs.oldest_overdue
    if item is None or item.open_amount <= 0:
        return None
    if policy.settlement_period == CONTRACT_TERM and not item.due_on < inputs.on:
        return None
    return item


def violations(inputs: CheckInputs, policy: ControlPolicy) -> list[Reason]:
    """Every rule the amount breaks, strongest first (each cites its article)."""
    out: list[Reason] = []
    exposure = total_exposure(inputs.exposure)
    after = exposure + inputs.amount
    if inputs.card_pending:  # 004 客户信息管理制度 第十条1(8): 得到认可后…方可进行与新客户的交易
        out.append(reason(CARD_NOT_APPROVED))
    if inputs.trade_suspended:  # 004 客户信息管理制度 第七条: a manager's instruction stops trade
        out.append(reason(TRADE_SUSPENDED))
    if inputs.shipments_stopped:  # 004 客户信息管理制度 第十一条1(3): the salesperson's emergency stop
        out.append(reason(SHIPMENTS_STOPPED))
    if inputs.grade in NO_CREDIT_GRADES:  # 第二十八条
        out.append(reason(GRADE_C, grade=inputs.grade))
    if inputs.grant is None:  # 第二十八条 / 第三十四条: no limit, so nothing may be added
        if inputs.grade not in NO_CREDIT_GRADES:
            out.append(reason(NO_GRANT))
        if exposure > 0:
            out.append(reason(REDUCTION_ONLY, exposure=str(exposure), limit=None))
    elif not grant_usable(inputs.grant, inputs.on):
        out.append(reason(GRANT_EXPIRED, valid_until=inputs.grant.valid_until.isoformat()))
    else:
        limit = inputs.grant.limit_amount
        if exposure > limit:  # 第三十三条: already over; only reductions until back under
            out.append(reason(REDUCTION_ONLY, exposure=str(exposure), limit=str(limit)))
        if after > limit:  # 第三十二条
            out.append(
                reason(
                    OVER_LIMIT,
                    limit=str(limit),
                    exposure=str(exposure),
                    amount=str(inputs.amount),
                    overage=str(after - limit),
                )
            )
    previous = previous_debt(inputs, policy)
    if previous is not None:  # 第三十五条: 上次欠款未结清前,原则上不再进行新的预付款、赊销
        out.append(
            reason(
                PREVIOUS_DEBT,
                entry_id=previous.entry_id,
                entry_on=previous.entry_on.isoformat() if previous.entry_on else "",
                due_on=previous.due_on.isoformat() if previous.due_on else "",
                open_amount=str(previous.open_amount),
                period=policy.settlement_period,
            )
        )
    overdue = inputs.oldest_overdue
    if (
        policy.previous_debt_mode == OVERDUE_ONLY
        and policy.overdue_blocks
        and overdue is not None
        and overdue.open_amount > 0
        and overdue.due_on + timedelta(days=policy.overdue_grace_days) < inputs.on
    ):  # departure from 第三十五条: only debt past its due date (and the grace days) blocks
        out.append(
            reason(
                OVERDUE_UNPAID,
                entry_id=overdue.entry_id,
                due_on=overdue.due_on.isoformat(),
                open_amount=str(overdue.open_amount),
                days=(inputs.on - overdue.due_on).days,
            )
        )
    return out


def can_lift(found: Sequence[Reason], policy: ControlPolicy) -> tuple[bool, bool]:
    """(may an over-limit approval lift every violation, only through the GM-only no-limit exception).
    第三十四条: a customer without a limit may not add exposure — no approval route, unless the policy
    departs from the text with its GM-only exception (no_limit_exception)."""
    if not found:
        return False, False
    codes = {r.code for r in found}
    if codes & NO_LIMIT_CODES:
        if not policy.no_limit_exception:
            return False, False
        return all(c in APPROVABLE or c in NO_LIMIT_CODES for c in codes), True
    return all(c in APPROVABLE for c in codes), False


def near_limit(inputs: CheckInputs, policy: ControlPolicy) -> Reason | None:
    """004 客户信息管理制度 第九条3(2): warn once the new exposure reaches the threshold share of the
    limit."""
    grant = inputs.grant
    if not grant_usable(grant, inputs.on) or grant.limit_amount <= 0:
        return None
    after = total_exposure(inputs.exposure) + inputs.amount
    used = after * 100 / grant.limit_amount
    if after <= grant.limit_amount and used >= policy.warning_threshold_percent:
        return reason(
            NEAR_LIMIT,
            percent=str(used.quantize(Decimal("0.1"))),
            threshold=str(policy.warning_threshold_percent),
        )
    return None


def decide(inputs: CheckInputs, policy: ControlPolicy) -> Decision:
    """The credit check (授信执行, 002 第三十一–三十五条; 004 客户信息管理制度 第九条3).

    - Entries that lower the exposure always pass (第三十三/三十四条 ask for exactly that); so do a
      cash sale (现款现货) and a shipment of a customer without a limit that its advance payment
      covers (第三十四条: the exposure does not grow) — but not while trade or shipments are stopped.
    - A new customer whose transaction card is not approved (004 客户信息管理制度 第十条1(8)) gets no
      credit sale or prepayment at any control point; no approval lifts it (a cash sale still passes).
    - A customer without a limit (第三十四条 只能减少不能增加) is blocked with no approval route,
      unless the policy's GM-only exception (a departure) is on.
    - Otherwise the violations are collected; the control matrix says what they mean at this control
      point for this grade: ignore → allow, warn → warn, block → block, route_to_approval →
      approval_required (when an approval may lift them; otherwise block).
    - An available over-limit approval (第三十二条) lets the amount pass when it may lift every violation.
    - Without violations, passing the warning threshold (004 客户信息管理制度 第九条3(2)) warns.
    """
    limit = inputs.grant.limit_amount if inputs.grant is not None else None
    exposure = total_exposure(inputs.exposure)
    strength = policy.strength(inputs.grade, inputs.control_point)

    def make(outcome, reasons, used=False, lift=(False, False)):
        return Decision(
            outcome, tuple(reasons), limit, exposure, inputs.amount, strength, used, lift[0], lift[1]
        )

    if inputs.kind == CASH_SALE:  # 第三十四条: paid in cash, so no credit — unless trade is stopped
        stopped = [r for r in violations(inputs, policy) if r.code in (TRADE_SUSPENDED, SHIPMENTS_STOPPED)]
        if stopped and strength != IGNORE:
            return make(BLOCK, stopped)
        return make(ALLOW, [reason(PAID_IN_CASH, amount=str(inputs.amount))])
    if inputs.kind not in RAISING_KINDS:
        return make(ALLOW, [reason(LOWERS_EXPOSURE, kind=inputs.kind)])
    found = violations(inputs, policy)
    if inputs.card_pending:  # no credit before the card's approval: no matrix, no approval lifts it
        return make(BLOCK, found)
    if (
        found
        and covered_by_prepayment(inputs)
        and {r.code for r in found} <= NO_LIMIT_CODES | {REDUCTION_ONLY}
    ):  # 第三十四条: paid in advance, so the exposure does not grow
        return make(ALLOW, [reason(COVERED_BY_PREPAYMENT, amount=str(inputs.amount))])
    warning = near_limit(inputs, policy)
    if strength == IGNORE:
        return make(ALLOW, [*found, *([warning] if warning else []), reason(NOT_CONTROLLED)])
    if not found:
        return make(WARN if warning else ALLOW, [warning] if warning else [])
    lift = can_lift(found, policy)
    approvable, exception = lift
    if approvable and inputs.approval_available:
        extra = [reason(NO_LIMIT_EXCEPTION)] if exception else []
        return make(ALLOW, [*found, *extra, reason(OVER_LIMIT_APPROVED)], used=True, lift=lift)
    if strength == STRENGTH_WARN:
        return make(WARN, found, lift=lift)
    if strength == ROUTE and approvable:
        return make(APPROVAL_REQUIRED, found, lift=lift)
    return make(BLOCK, found, lift=lift)


def reserve_allowed(decision: Decision, kind: str) -> bool:
    """Only a passing check of an amount that raises the exposure holds a reservation (第三十二条:
    what passed is held against the limit until the shipment is posted)."""
    return decision.passes and decision.amount > 0 and kind in RESERVABLE_KINDS
