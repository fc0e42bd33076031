"""The credit_control section of the company policy (registered from CreditControlConfig.ready()).

Where the credit check runs and how hard (the control matrix, as in Kingdee's 信用控制 and Yonyou's
信用控制点/控制强度), who approves an over-limit shipment or prepayment (like Yonyou's 审批额度),
and the numbers of 002 第三十二–三十五条 and 004 客户信息管理制度 第九条3.
"""

from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import Departure, Reading, register_section

from . import rules

_STRICT = {
    rules.ORDER: rules.STRENGTH_WARN,
    rules.SHIPMENT: rules.STRENGTH_BLOCK,
    rules.PREPAYMENT: rules.STRENGTH_BLOCK,
    rules.INVOICE: rules.STRENGTH_WARN,
}
_ALL_BLOCK = dict.fromkeys(rules.CONTROL_POINTS, rules.STRENGTH_BLOCK)


def _default_matrix() -> dict[str, dict[str, str]]:
    # A/甲 and B/乙 customers: orders and invoices warn, shipments and prepayments block (第三十二条:
    # not without the formal approval); C/丙: every point blocks (第二十八条; 丙类 is the riskiest).
    return {
        "A": dict(_STRICT),
        "B": dict(_STRICT),
        "C": dict(_ALL_BLOCK),
        "甲": dict(_STRICT),
        "乙": dict(_STRICT),
        "丙": dict(_ALL_BLOCK),
        "default": dict(_ALL_BLOCK),
    }


_GM = Role.GENERAL_MANAGER.value
_MM_FCC_GM = [Role.MARKETING_MANAGER.value, Role.FINANCE_CREDIT_CONTROLLER.value, _GM]
_ALL_TO_GM = [Role.MARKETING_MANAGER.value, Role.FINANCE_CREDIT_CONTROLLER.value, Role.VP_MARKETING.value]
_ALL_TO_GM += [Role.CFO.value, _GM]


class OverLimitTier(BaseModel):
    """One row of the approval table: an overage up to up_to_amount (None = any) for these grades
    (empty = all) goes to this chain of roles."""

    model_config = ConfigDict(extra="forbid")

    up_to_amount: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    grades: list[str] = Field(default_factory=list)
    chain: list[str] = Field(min_length=1, max_length=8)

    @field_validator("grades")
    @classmethod
    def _grades(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(rules.GRADES))
        if unknown:
            raise ValueError(f"unknown grades: {', '.join(unknown)}")
        return value

    @field_validator("chain")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(Role.values))
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        return value


def _default_tiers() -> list[OverLimitTier]:
    # 第三十二条: the marketing manager and the finance credit controller supervise and check first;
    # a larger overage adds the VP marketing and the CFO; 004 客户信息管理制度 第九条3(3) (如超出信用
    # 限度额,营销主管须向总经理汇报,确定处理办法): every tier ends with the general manager.
    t = OverLimitTier
    return [
        t(up_to_amount=Decimal("100000"), grades=["A", "甲"], chain=_MM_FCC_GM),
        t(up_to_amount=Decimal("50000"), grades=[], chain=_MM_FCC_GM),
        t(up_to_amount=Decimal("500000"), grades=[], chain=_ALL_TO_GM),
        t(up_to_amount=None, grades=[], chain=_ALL_TO_GM),
    ]


def _skips_gm(tiers) -> bool:
    """Departure from 004 客户信息管理制度 第九条3(3): some tier's chain does not end with the general
    manager."""
    for tier in tiers or []:
        chain = tier.get("chain") if isinstance(tier, dict) else getattr(tier, "chain", None)
        if not rules.ends_with_gm(list(chain or [])):
            return True
    return False


class CreditControlSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 004 客户信息管理制度 第九条3(2): report ahead when exposure approaches the limit.
    warning_threshold_percent: Decimal = Field(Decimal("90"), gt=0, le=100, decimal_places=1)
    # grade (A/B/C, 甲/乙/丙, or "default") → control point → strength.
    control_matrix: dict[str, dict[str, str]] = Field(default_factory=_default_matrix)
    over_limit_tiers: list[OverLimitTier] = Field(default_factory=_default_tiers, min_length=1)
    over_limit_validity_days: int = Field(7, ge=1, le=90)
    reservation_ttl_minutes: int = Field(30, ge=1, le=7 * 24 * 60)
    # 第三十五条: no new credit until the previous debt is settled (原则上: routed to approval).
    overdue_blocks: bool = True
    previous_debt_mode: Literal["previous_period", "overdue_only"] = rules.PREVIOUS_PERIOD
    settlement_period: Literal["month", "contract_term"] = rules.MONTH
    overdue_grace_days: int = Field(0, ge=0, le=365)
    # 第三十四条 只能减少不能增加: no exception by default; on, the GM alone may approve one (departure).
    no_limit_exception: bool = False
    # Related parties (关联客户), beyond the regulation: off / warn / block on the group's total.
    group_check: Literal["off", "warn", "block"] = rules.GROUP_OFF

    @field_validator("control_matrix")
    @classmethod
    def _matrix(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        bad_grades = sorted(set(value) - {*rules.GRADES, "default"})
        if bad_grades:
            raise ValueError(f"unknown grades: {', '.join(bad_grades)}")
        for grade, row in value.items():
            bad_points = sorted(set(row) - set(rules.CONTROL_POINTS))
            if bad_points:
                raise ValueError(f"{grade}: unknown control points: {', '.join(bad_points)}")
            bad = sorted(set(row.values()) - set(rules.STRENGTHS))
            if bad:
                raise ValueError(f"{grade}: unknown strengths: {', '.join(bad)}")
        return value

    @field_validator("over_limit_tiers")
    @classmethod
    def _open_ended(cls, value: list[OverLimitTier]) -> list[OverLimitTier]:
        if not any(t.up_to_amount is None and not t.grades for t in value):
            raise ValueError("the last tier must cover any overage of any grade (no amount, no grades)")
        return value

    def control_policy(self) -> rules.ControlPolicy:
        return rules.ControlPolicy(
            warning_threshold_percent=self.warning_threshold_percent,
            matrix=self.control_matrix,
            overdue_blocks=self.overdue_blocks,
            overdue_grace_days=self.overdue_grace_days,
            previous_debt_mode=self.previous_debt_mode,
            settlement_period=self.settlement_period,
            no_limit_exception=self.no_limit_exception,
        )

    def tiers(self) -> list[rules.Tier]:
        return [rules.Tier(t.up_to_amount, tuple(t.grades), tuple(t.chain)) for t in self.over_limit_tiers]

    def approval_chain(self, *, overage: Decimal, grade: str | None, exception: bool = False) -> list[str]:
        """The approvers: the tier's chain; the no-limit exception (第三十四条 departure) only the GM."""
        if exception:
            return rules.exception_chain()
        return rules.approval_chain(self.tiers(), overage=overage, grade=grade)


register_section(
    "credit_control",
    CreditControlSection,
    _("Credit control"),
    {
        "warning_threshold_percent": (
            _("Warning threshold (percent of the limit)"),
            _("The check warns once exposure plus the amount reaches this share of the limit."),
        ),
        "control_matrix": (
            _("Control matrix"),
            _(
                "JSON object: grade (A, B, C, 甲, 乙, 丙, default) → control point (order, shipment, "
                "prepayment, invoice) → strength (ignore, warn, block, route_to_approval)."
            ),
        ),
        "over_limit_tiers": (
            _("Over-limit approval tiers"),
            _(
                'JSON list of {"up_to_amount" (overage; null = any), "grades" (empty = all), "chain" '
                "(role codes)}; the first matching tier applies."
            ),
        ),
        "over_limit_validity_days": (
            _("Over-limit approval validity (days)"),
            _("An approved over-limit request lets its amount through once within this many days."),
        ),
        "reservation_ttl_minutes": (
            _("Reservation time-to-live (minutes)"),
            _("A reserving check holds the amount this long unless the shipment is posted first."),
        ),
        "overdue_blocks": (
            _("Unsettled debt blocks new credit"),
            _("No new credit sales or prepayments while the previous debt is not settled (002 第三十五条)."),
        ),
        "previous_debt_mode": (
            _("What counts as the previous debt"),
            _(
                "previous_period: the debt of the previous settlement period not cleared (the text of "
                "002 第三十五条); overdue_only: only debt past its due date (a departure)."
            ),
        ),
        "settlement_period": (
            _("Settlement period"),
            _(
                "month: debt entered before this calendar month began is the previous period's; "
                "contract_term: the contract's payment term, debt whose term has ended."
            ),
        ),
        "overdue_grace_days": (
            _("Grace days for overdue debt"),
            _("With overdue_only: days after the due date before an unpaid item blocks."),
        ),
        "no_limit_exception": (
            _("Exception for customers without a limit (general manager only)"),
            _(
                "Off: a customer without a limit may only reduce its exposure, with no approval route "
                "(002 第三十四条). On: the general manager alone may approve an exception."
            ),
        ),
        "group_check": (
            _("Related customers' total (beyond the regulation)"),
            _(
                "XinDang's addition, not asked by the regulation: off; warn or block when the exposure of "
                "customers linked by a shareholder, legal representative, manager, phone, address or bank "
                "account would together pass their limits together."
            ),
        ),
    },
    departures=[
        Departure(
            "over_limit_tiers",
            "004 客户信息管理制度 第九条3(3)",
            _skips_gm,
            _(
                "The regulation sends every overrun of the credit limit to the general manager; "
                "some tiers here are approved without the general manager."
            ),
        ),
        Departure(
            "no_limit_exception",
            "002 客户信用管理制度 第三十四条",
            bool,
            _(
                "The regulation lets the exposure of a customer without a limit only fall; here the "
                "general manager may approve an exception."
            ),
        ),
        Departure(
            "previous_debt_mode",
            "002 客户信用管理制度 第三十五条",
            lambda v: v not in (None, rules.PREVIOUS_PERIOD),
            _(
                "The regulation stops new credit until the previous period's debt is settled; here "
                "only debt past its due date stops it."
            ),
        ),
        Departure(
            "overdue_blocks",
            "002 客户信用管理制度 第三十五条",
            lambda v: v is False,
            _("The regulation stops new credit until the previous debt is settled; here it does not."),
        ),
    ],
    readings=[
        Reading(
            "原则上",
            "002 客户信用管理制度 第三十五条",
            ("previous_debt_mode", "overdue_blocks"),
            _(
                "“As a rule”: the check stops new credit sales and prepayments while the previous "
                "debt is open, and the stop can be lifted only by a formal over-limit approval."
            ),
        ),
        Reading(
            "上次欠款 / 定期对帐、清帐",
            "002 客户信用管理制度 第三十五条",
            ("settlement_period",),
            _(
                "“The previous debt”: the debt of the previous settlement period — by default the "
                "calendar month (debt entered before this month began and not cleared); or the "
                "contract's payment term (debt whose term has ended)."
            ),
        ),
    ],
)
