"""Credit-grant rules (授信) as pure functions: no Django, no queries, no I/O.

Seed 002 (客户管理制度模板 篇二):
  第二十一条 授信是指对客户所规定的信用额度和回款、到货期限。
  第二十四条 2① 授信总额不能超过20xx年1月1日应收帐款的余额数。
  第二十六条 A级客户: 1. 原来没有赊销行为的客户, 不应授信; 非常必要的特殊情况下, 由营销副总、财务总监、
    总经理审批后可以给予临时预付、赊销, 额度最高不超过该客户的平均月回款额, 期限为1个月以内;
    2. 原来已有预付、赊销行为的客户, 可给予长期预付、赊销信用, 额度最高不超过该客户的平均月发货量和回款额。
    如果原有额低于本条款标准的, 信用额度按从低标准执行。期限为1个月以内。
  第二十七条 B级客户: 必须办理完备的财产抵押手续, 由营销部经理上报营销副总、财务总监、总经理审批, 额度
    不超过平均月发货量、回款额, 同时不超过抵押资产额度; 长期回款期限为1个月, 临时为15天。
  第二十八条 C级客户: 不予授信。
  第三十条 客户授信额度由总经理、董事长审批。
  第四十二条 原则上调整后的信用额度应低于原信用额度。
    第二十六条2 / 第二十七条 …按从低标准执行, 并应逐步减少.
Seed 004 客户信息管理制度 第九条3(1): 公司对每一客户的信用限度额以不超过(…)万美元为限 (甲/乙/丙 scheme).

Results carry reason codes with their article and parameters; the service/view translates them.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from xindang.core.dates import add_months

LONG_TERM, TEMPORARY = "long_term", "temporary"
KINDS = (LONG_TERM, TEMPORARY)

ABC, JYB = "abc", "jyb"
A, B, C = "A", "B", "C"
JIA, YI, BING = "甲", "乙", "丙"
# Latin spellings another module may use for the 甲/乙/丙 classes.
JYB_ALIASES = {"jia": JIA, "yi": YI, "bing": BING, JIA: JIA, YI: YI, BING: BING}

ZERO = Decimal("0")

# Reason codes (translated by the views; see sections.REASON_TEXT).
NO_RATING = "no_rating"
C_NO_CREDIT = "c_no_credit"
A_NO_HISTORY_LONG_TERM = "a_no_history_long_term"
A_NO_HISTORY_TEMPORARY = "a_no_history_temporary"
A_WITH_HISTORY = "a_with_history"
EXISTING_LOWER = "existing_lower_limit"
EXISTING_LOWER_WARNS = "existing_lower_limit_warns"
B_NEEDS_COLLATERAL = "b_needs_collateral"
B_CAP = "b_cap"
B_COLLATERAL_CAP = "b_collateral_cap"
JYB_CLASS_CAP = "jyb_class_cap"
JYB_UNKNOWN_CLASS = "jyb_unknown_class"
NO_AVERAGES = "no_averages"
INCREASE = "increase"
COMPANY_CAP = "company_cap"
BELOW_EXPOSURE = "below_exposure"

ART_26_1 = "002 第二十六条1"
ART_26_2 = "002 第二十六条2"
ART_27 = "002 第二十七条"
ART_28 = "002 第二十八条"
ART_30 = "002 第三十条"
ART_24 = "002 第二十四条2①"
ART_42 = "002 第四十二条"
ART_33 = "002 第三十三条"
ART_004_9 = "004 客户信息管理制度 第九条3(1)"
GENERAL_MANAGER, CHAIRMAN = "general_manager", "chairman"  # role codes (accounts.roles.Role)
ART_13 = "002 第十三–二十条"


@dataclass(frozen=True)
class Reason:
    code: str
    article: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "article": self.article, "params": dict(self.params)}


@dataclass(frozen=True)
class Ceiling:
    """The most the rules allow: `amount` (None when nothing is allowed), the longest term in days,
    whether any grant of this kind is allowed, and every reason with its article."""

    amount: Decimal | None
    max_term_days: int | None
    allowed: bool
    reasons: tuple[Reason, ...] = ()

    @property
    def term_days(self) -> int | None:
        return self.max_term_days

    def reasons_json(self) -> list[dict]:
        return [r.as_dict() for r in self.reasons]

    def problems(self, limit_amount: Decimal, term_days: int) -> list[str]:
        """What is wrong with a request of `limit_amount` for `term_days` under this ceiling."""
        if not self.allowed:
            return ["not_allowed"]
        out = []
        if self.amount is not None and Decimal(limit_amount) > self.amount:
            out.append("over_ceiling")
        if self.max_term_days is not None and term_days > self.max_term_days:
            out.append("term_too_long")
        return out


def _money(value) -> Decimal:
    return ZERO if value is None else max(Decimal(value), ZERO)


def _refused(*reasons: Reason) -> Ceiling:
    return Ceiling(amount=None, max_term_days=None, allowed=False, reasons=tuple(reasons))


def normalize_grade(grade: str | None, scheme: str) -> str | None:
    if grade is None or grade == "":
        return None
    if scheme == JYB:
        return JYB_ALIASES.get(str(grade).strip().lower(), JYB_ALIASES.get(str(grade).strip()))
    return str(grade).strip().upper()


def _with_existing(amount: Decimal, existing_limit, reasons: list[Reason], article: str, section) -> Decimal:
    """第二十六条2 / 第二十七条: 如果原有预付、赊销额低于本条款标准的, 信用额度按从低标准执行 — unless the
    policy lets an adjustment go above the existing limit (then 第四十二条 makes it a warning)."""
    if existing_limit is not None and Decimal(existing_limit) < amount:
        if not getattr(section, "existing_limit_is_ceiling", False):
            # Shown, not binding: an increase above it is the 第四十二条 warning the approvers acknowledge.
            reasons.append(Reason(EXISTING_LOWER_WARNS, article, {"existing": str(Decimal(existing_limit))}))
            return amount
        reasons.append(Reason(EXISTING_LOWER, article, {"existing": str(Decimal(existing_limit))}))
        return Decimal(existing_limit)
    return amount


def grant_ceiling(
    grade: str | None,
    scheme: str,
    kind: str,
    has_credit_history: bool,
    avg_monthly_shipments,
    avg_monthly_collections,
    collateral_value,
    existing_limit,
    section,
) -> Ceiling:
    """The ceiling a grant of `kind` may have for a customer rated `grade` (002 第二十六–二十八条;
    004 客户信息管理制度 第九条3(1) under the 甲/乙/丙 scheme). `existing_limit` is the customer's active
    limit (None
    when it has none); a lower existing limit stays the ceiling (第二十六条2, 第二十七条)."""
    grade = normalize_grade(grade, scheme)
    shipments = _money(avg_monthly_shipments)
    collections = _money(avg_monthly_collections)
    collateral = _money(collateral_value)
    if grade is None:
        return _refused(Reason(NO_RATING, ART_13))

    if scheme == JYB:
        caps = {JYB_ALIASES.get(k, k): v for k, v in section.jyb_class_caps.items()}
        if grade not in caps:
            return _refused(Reason(JYB_UNKNOWN_CLASS, ART_004_9, {"grade": grade}))
        reasons = [Reason(JYB_CLASS_CAP, ART_004_9, {"grade": grade, "cap": str(Decimal(caps[grade]))})]
        amount = _with_existing(Decimal(caps[grade]), existing_limit, reasons, ART_004_9, section)
        term = section.jyb_term_days if kind == LONG_TERM else section.jyb_temporary_term_days
        return Ceiling(amount=amount, max_term_days=term, allowed=True, reasons=tuple(reasons))

    if grade == C:
        return _refused(Reason(C_NO_CREDIT, ART_28))

    if grade == A:
        if not has_credit_history:
            if kind != TEMPORARY:
                return _refused(Reason(A_NO_HISTORY_LONG_TERM, ART_26_1))
            reasons = [Reason(A_NO_HISTORY_TEMPORARY, ART_26_1, {"collections": str(collections)})]
            term = section.a_temporary_max_term_days
            return Ceiling(amount=collections, max_term_days=term, allowed=True, reasons=tuple(reasons))
        amount = min(shipments, collections)
        reasons = [
            Reason(A_WITH_HISTORY, ART_26_2, {"shipments": str(shipments), "collections": str(collections)})
        ]
        amount = _with_existing(amount, existing_limit, reasons, ART_26_2, section)
        term = section.a_long_term_max_term_days if kind == LONG_TERM else section.a_temporary_max_term_days
        return Ceiling(amount=amount, max_term_days=term, allowed=True, reasons=tuple(reasons))

    if grade == B:
        if section.b_requires_collateral and collateral <= ZERO:
            return _refused(Reason(B_NEEDS_COLLATERAL, ART_27))
        amount = min(shipments, collections)
        reasons = [Reason(B_CAP, ART_27, {"shipments": str(shipments), "collections": str(collections)})]
        if section.b_requires_collateral and collateral < amount:
            reasons.append(Reason(B_COLLATERAL_CAP, ART_27, {"collateral": str(collateral)}))
            amount = collateral
        amount = _with_existing(amount, existing_limit, reasons, ART_27, section)
        term = section.b_long_term_term_days if kind == LONG_TERM else section.b_temporary_term_days
        return Ceiling(amount=amount, max_term_days=term, allowed=True, reasons=tuple(reasons))

    return _refused(Reason(NO_RATING, ART_13, {"grade": grade}))


@dataclass(frozen=True)
class CapCheck:
    ok: bool
    total_after: Decimal
    cap: Decimal
    excess: Decimal
    reason: Reason | None = None


def company_cap_check(total_active_limits, new_limit, replaced_limit, receivables_balance) -> CapCheck:
    """第二十四条2①: the total of all active limits, including the new one and without the one it
    replaces, may not exceed the receivables balance at the policy's reference date."""
    total = Decimal(total_active_limits) + Decimal(new_limit) - Decimal(replaced_limit or 0)
    cap = Decimal(receivables_balance or 0)
    excess = max(total - cap, ZERO)
    if total <= cap:
        return CapCheck(ok=True, total_after=total, cap=cap, excess=ZERO)
    reason = Reason(COMPANY_CAP, ART_24, {"total": str(total), "cap": str(cap), "excess": str(excess)})
    return CapCheck(ok=False, total_after=total, cap=cap, excess=excess, reason=reason)


def adjustment_warnings(old_limit, new_limit) -> list[Reason]:
    """第四十二条: 原则上调整后的信用额度应低于原信用额度 — an increase over the grant it replaces is a
    warning the approver must acknowledge (and the service asks for a reason)."""
    if old_limit is None or Decimal(new_limit) <= Decimal(old_limit):
        return []
    return [Reason(INCREASE, ART_42, {"old": str(Decimal(old_limit)), "new": str(Decimal(new_limit))})]


def limit_below_exposure(limit, exposure) -> bool:
    """A limit below what the customer already owes (incl. amounts held by credit checks)."""
    return Decimal(limit) < Decimal(exposure)


def below_exposure_warnings(limit, exposure) -> list[Reason]:
    """第三十三条: 赊销欠款金额大于所给予信用额度的客户 … 压缩至信用额度之内 — a limit below the current
    exposure puts the customer on the reduction list the day it takes effect; the approvers are told
    (a warning each acknowledges), the request is not refused (lowering a limit is allowed)."""
    if not limit_below_exposure(limit, exposure):
        return []
    excess = Decimal(exposure) - Decimal(limit)
    return [
        Reason(
            BELOW_EXPOSURE,
            ART_33,
            {"new": str(Decimal(limit)), "exposure": str(Decimal(exposure)), "excess": str(excess)},
        )
    ]


def grant_chain(grade: str | None, kind: str, amount, section, scheme: str = ABC) -> list[str]:
    """The approvers of a grant (role codes): the policy's chain for the grade and kind
    (第二十六条: VP marketing, CFO, GM; 第二十七条: marketing manager first), ending with the general
    manager and the chairman (第三十条 客户授信额度由总经理、董事长审批). The chairman is left out only
    when the policy departs with an amount (`chairman_above_amount`) and the grant is not above it."""
    grade = normalize_grade(grade, scheme) or ""
    chains = section.chains
    chain = list(chains.get(f"{grade}.{kind}") or chains.get(grade) or chains.get("default") or [])
    chain = [role for role in chain if role not in (GENERAL_MANAGER, CHAIRMAN)] + [GENERAL_MANAGER]
    threshold = section.chairman_above_amount
    if threshold is None or Decimal(amount) > Decimal(threshold):
        chain.append(CHAIRMAN)
    return chain


def company_cap_reference_on(today: date, configured: date | None) -> date:
    """第二十四条2①: 20xx年1月1日 — January 1 of the current year unless the policy names a date."""
    return configured or date(today.year, 1, 1)


def utilisation_percent(exposure, limit) -> int | None:
    """Exposure as a share of the limit (None without a limit); 100+ means over the limit."""
    if limit is None or Decimal(limit) <= ZERO:
        return None
    return int((Decimal(exposure) * 100 / Decimal(limit)).to_integral_value())


@dataclass(frozen=True)
class ReductionStep:
    """One step of a reduction schedule: from `months` after the grant comes into force, the limit
    in force is `limit_amount`."""

    months: int
    limit_amount: Decimal


def reduction_start(existing_limit, exposure) -> Decimal | None:
    """Where a reduction starts (第二十六条2 / 第二十七条 原有预付、赊销额): the existing limit; a customer
    without one starts from its exposure (None when it has neither)."""
    if existing_limit is not None:
        return Decimal(existing_limit)
    exposure = Decimal(exposure or 0)
    return exposure if exposure > ZERO else None


def reduction_schedule(start, target, steps: int, months: int) -> list[ReductionStep]:
    """第二十六条2 / 第二十七条 并应逐步减少: from `start` down to `target` in `steps` equal steps spread
    over `months` months — the first step one interval after the grant comes into force, the last
    (the target) at `months`. The first row is the start (month 0). Empty when there is nothing to
    reduce (`start` None or not above `target`) or `months` is 0 (the target applies at once).
    Steps falling in the same month merge into the lower one."""
    if start is None or months <= 0 or steps < 1:
        return []
    start, target = Decimal(start), Decimal(target)
    if start <= target:
        return []
    cent = Decimal("0.01")
    by_month: dict[int, Decimal] = {0: start.quantize(cent)}
    for i in range(1, steps + 1):
        month = -(-i * months // steps)  # ceil(i * months / steps)
        amount = target if i == steps else (start - (start - target) * i / steps).quantize(cent)
        by_month[month] = amount
    return [ReductionStep(m, a) for m, a in sorted(by_month.items())]


def scheduled_limit(steps, valid_from: date | None, on: date, final) -> Decimal:
    """The limit in force on `on` for a grant in force from `valid_from` with reduction `steps`
    (ReductionStep or dicts with months/limit_amount): the last step begun by `on`; `final` (the
    grant's limit) without a schedule or once it has run."""
    if not steps or valid_from is None:
        return Decimal(final)
    ordered = sorted(steps, key=_step_months)
    current = ordered[0]
    for step in ordered:
        if add_months(valid_from, _step_months(step)) <= on:
            current = step
    return Decimal(current["limit_amount"] if isinstance(current, dict) else current.limit_amount)


def _step_months(step) -> int:
    return int(step["months"] if isinstance(step, dict) else step.months)
