"""Pure rules of supplier selection and the yearly supplier evaluation (seed 002 篇五).

No Django here (import-linter): the services and views pass plain values in.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The four evaluation criteria, read from the six selection principles of 002 篇五 第一条: quality
# (设备和技术 meeting our quality requirements, (1)), delivery (按时供货, (2)), price (成本管理和成本水平,
# (6)) and service (积极的合作态度, (4)).
QUALITY, DELIVERY, PRICE, SERVICE = "quality", "delivery", "price", "service"
CRITERIA = (QUALITY, DELIVERY, PRICE, SERVICE)

# The steps of the selection, in the order of 002 篇五 第二条–第三条.
GENERAL_SURVEY = "general_survey"  # 第二条(1) 一般调查
SITE_SURVEY = "site_survey"  # 第二条(2) 实地调查
APPLICATION = "application"  # 第三条(1) 认定申请报告
APPROVAL = "approval"  # 第三条(1) 向市场主管提出 … 申请报告
CONTRACTS = "contracts"  # 第三条(2)(3) 供应合同, 质量保证合同
CODE = "code"  # 第三条(4) 设定新客户代码
STEPS = (GENERAL_SURVEY, SITE_SURVEY, APPLICATION, CONTRACTS, APPROVAL, CODE)

SUPPLY, QUALITY_ASSURANCE = "supply", "quality_assurance"


def is_supplier(relationship: str) -> bool:
    """Customers are buyers and suppliers alike (002 第四条); only a supplier (or a party that is both)
    is selected by 002 篇五."""
    return relationship in ("supplier", "both")


def missing_contracts(supply_contract_ok: bool, quality_contract_ok: bool) -> list[str]:
    """Which of the two contracts of 002 篇五 第三条(2)(3) — the supply contract and, signed with it, the
    quality-assurance contract — are not in the file yet, in that order."""
    missing = []
    if not supply_contract_ok:
        missing.append(SUPPLY)
    if not quality_contract_ok:
        missing.append(QUALITY_ASSURANCE)
    return missing


def pending_steps(done: Mapping[str, bool]) -> list[str]:
    """The selection steps of 002 篇五 第二条–第三条 not yet done, in order."""
    return [step for step in STEPS if not done.get(step, False)]


def score_in_scale(score, scale_max: int) -> bool:
    """A criterion's score is a whole number from 0 to the policy's scale maximum."""
    try:
        value = Decimal(str(score))
    except Exception:
        return False
    return value == value.to_integral_value() and 0 <= value <= scale_max


def weighted_score(scores: Mapping[str, int], weights: Mapping[str, int], scale_max: int) -> Decimal:
    """The weighted total on a 0–100 scale: Σ score/scale_max × weight / Σ weights × 100, two decimals.
    The criteria come from 002 篇五 第一条 (quality, delivery, cost, cooperation); the weights are the
    policy's."""
    total_weight = sum(Decimal(weights[c]) for c in CRITERIA)
    if total_weight <= 0 or scale_max <= 0:
        raise ValueError("weights and scale must be positive")
    raw = sum(Decimal(scores[c]) / Decimal(scale_max) * Decimal(weights[c]) for c in CRITERIA)
    return (raw / total_weight * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Band:
    grade: str
    min_score: Decimal


def grade_for(score: Decimal, bands: Iterable[tuple[str, int | Decimal]]) -> str:
    """The grade of a weighted score: the first band (highest minimum first) the score reaches; the
    last band is the floor. 002 篇五 第一条: a supplier must keep meeting the six principles; the
    grade says how well it does."""
    ordered = sorted(((g, Decimal(str(m))) for g, m in bands), key=lambda b: b[1], reverse=True)
    if not ordered:
        raise ValueError("no grade bands")
    for grade, minimum in ordered:
        if score >= minimum:
            return grade
    return ordered[-1][0]


def evaluation_due(
    *, approved_year: int | None, today_year: int, today_month: int, due_month: int, evaluated_this_year: bool
) -> bool:
    """A selected supplier is evaluated once a calendar year: from the policy's month on, this year's
    evaluation is due if there is none yet (a supplier selected this year is evaluated from next year)."""
    if approved_year is None or evaluated_this_year:
        return False
    return approved_year < today_year and today_month >= due_month
