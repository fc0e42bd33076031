"""The "grants" section of the company policy (授信, seed 002 第二十一–三十条, 第四十二条; 004
客户信息管理制度 第九条)."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import Departure, Reading, register_section

from . import rules

_ROLE_CODES = {r.value for r in Role}


def _default_chains() -> dict[str, list[str]]:
    top = [Role.VP_MARKETING.value, Role.CFO.value, Role.GENERAL_MANAGER.value]
    with_mm = [Role.MARKETING_MANAGER.value, *top]
    return {
        # 第二十六条1/2: 由营销副总、财务总监、总经理审批
        "A.temporary": top,
        "A.long_term": top,
        # 第二十七条: 由营销部经理上报营销副总、财务总监、总经理审批
        "B.temporary": with_mm,
        "B.long_term": with_mm,
        # 甲/乙/丙 (004 客户信息管理制度 第九条) and anything else: the full chain of the issue
        "default": with_mm,
    }


class GrantsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Averages of monthly shipments and collections are taken over this many months (第二十六条).
    window_months: int = Field(12, ge=1, le=60)
    # An approved grant is valid this long (default one year).
    validity_months: int = Field(12, ge=1, le=60)
    # Grants ending within this many days show as expiring (workbench, file header).
    expiring_days: int = Field(30, ge=0, le=365)
    # 第二十六条1/2: 期限为1个月以内.
    a_temporary_max_term_days: int = Field(30, ge=1, le=366)
    a_long_term_max_term_days: int = Field(30, ge=1, le=366)
    # 第二十七条: 长期回款期限为1个月, 临时为15天; 必须办理完备的财产抵押.
    b_long_term_term_days: int = Field(30, ge=1, le=366)
    b_temporary_term_days: int = Field(15, ge=1, le=366)
    b_requires_collateral: bool = True
    # 第二十六条2 / 第二十七条: 如果原有预付、赊销额低于本条款标准的, 信用额度按从低标准执行 — a lower
    # existing limit is the ceiling (an increase above it is refused at request). Off is a departure:
    # the existing limit is only shown and an increase reaches the approvers as the 第四十二条 warning.
    existing_limit_is_ceiling: bool = True
    # 第二十六条2 / 第二十七条 并应逐步减少: a grant below the customer's existing limit (or, without one,
    # below its exposure) steps down to the new limit in this many equal steps over this many months
    # (the first step one interval after it comes into force). 0 months: at once (a departure).
    reduction_steps: int = Field(3, ge=1, le=24)
    reduction_months: int = Field(3, ge=0, le=36)
    # 004 客户信息管理制度 第九条3(1): cap per customer of each class (yuan; the seed leaves the number
    # blank).
    jyb_class_caps: dict[str, Decimal] = Field(
        default_factory=lambda: {
            rules.JIA: Decimal("5000000"),
            rules.YI: Decimal("2000000"),
            rules.BING: Decimal("500000"),
        }
    )
    jyb_term_days: int = Field(30, ge=1, le=366)
    jyb_temporary_term_days: int = Field(15, ge=1, le=366)
    # Approval chains per "<grade>.<kind>", "<grade>" or "default" (role codes). 第三十条 客户授信额度由
    # 总经理、董事长审批: every chain ends with the general manager and the chairman. An amount here is a
    # departure: the chairman only approves grants above it (null: always, as the article says).
    chains: dict[str, list[str]] = Field(default_factory=_default_chains)
    chairman_above_amount: Decimal | None = Field(None, ge=0)
    # 第二十四条2①: the total of active limits ≤ the receivables balance on the reference date
    # (null: January 1 of the current year).
    company_cap_enabled: bool = True
    company_cap_reference_on: date | None = None

    @field_validator("chains")
    @classmethod
    def _chains(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if "default" not in value:
            raise ValueError('needs a "default" chain')
        for key, chain in value.items():
            if not chain:
                raise ValueError(f"{key}: empty chain")
            unknown = [code for code in chain if code not in _ROLE_CODES]
            if unknown:
                raise ValueError(f"{key}: unknown roles {unknown}")
        return value

    @field_validator("jyb_class_caps")
    @classmethod
    def _caps(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        out = {}
        for key, amount in value.items():
            grade = rules.JYB_ALIASES.get(key.strip().lower(), rules.JYB_ALIASES.get(key.strip()))
            if grade is None:
                raise ValueError(f"unknown class {key!r} (甲, 乙, 丙)")
            if amount < 0:
                raise ValueError(f"{key}: negative cap")
            out[grade] = amount
        return out


register_section(
    "grants",
    GrantsSection,
    _("Credit grants"),
    {
        "window_months": (
            _("Averaging window (months)"),
            _("Average monthly shipments and collections are taken over this many months (002 第二十六条)."),
        ),
        "validity_months": (_("Grant validity (months)"), _("An approved grant is valid this long.")),
        "expiring_days": (
            _("Expiry reminder (days)"),
            _("Grants ending within this many days show as expiring."),
        ),
        "a_temporary_max_term_days": (
            _("A: longest term of a temporary grant (days)"),
            _("002 第二十六条1: within one month."),
        ),
        "a_long_term_max_term_days": (
            _("A: longest term of a long-term grant (days)"),
            _("002 第二十六条2: within one month."),
        ),
        "b_long_term_term_days": (_("B: term of a long-term grant (days)"), _("002 第二十七条: one month.")),
        "b_temporary_term_days": (_("B: term of a temporary grant (days)"), _("002 第二十七条: 15 days.")),
        "b_requires_collateral": (
            _("B: collateral required"),
            _("002 第二十七条: only with full property collateral; the limit stays within its value."),
        ),
        "existing_limit_is_ceiling": (
            _("A lower existing limit stays the ceiling"),
            _(
                "002 第二十六条2、第二十七条 (按从低标准执行). On (default): an increase above the existing "
                "limit is refused. Off: it may be requested up to the ceiling with a reason and reaches "
                "the approvers as the 第四十二条 warning."
            ),
        ),
        "reduction_steps": (
            _("Reduction to a lower limit: steps"),
            _(
                "002 第二十六条2、第二十七条 (并应逐步减少): equal steps from the existing limit to the "
                "new one."
            ),
        ),
        "reduction_months": (
            _("Reduction to a lower limit: months"),
            _("The steps are spread over this many months; 0: the new limit applies at once."),
        ),
        "jyb_class_caps": (
            _("甲/乙/丙: cap per customer (yuan)"),
            _('004 客户信息管理制度 第九条3(1), e.g. {"甲": 5000000, "乙": 2000000, "丙": 500000}.'),
        ),
        "jyb_term_days": (_("甲/乙/丙: term of a long-term grant (days)"), ""),
        "jyb_temporary_term_days": (_("甲/乙/丙: term of a temporary grant (days)"), ""),
        "chains": (
            _("Approval chains"),
            _(
                'Role codes per "grade.kind" (e.g. "B.temporary"), per grade, or "default" '
                "(002 第二十六、二十七条)."
            ),
        ),
        "chairman_above_amount": (
            _("Chairman approves only above (yuan)"),
            _(
                "002 第三十条: every grant is approved by the general manager and the chairman (empty, "
                "the default). An amount: grants up to it end with the general manager."
            ),
        ),
        "company_cap_enabled": (
            _("Company-wide cap"),
            _("002 第二十四条2①: the total of active limits may not exceed the receivables balance."),
        ),
        "company_cap_reference_on": (
            _("Company-wide cap: reference date"),
            _("Receivables balance on this date (empty: January 1 of the current year)."),
        ),
    },
    departures=[
        Departure(
            "existing_limit_is_ceiling",
            "002 第二十六条2、第二十七条",
            lambda value: value is False,
            _(
                "按从低标准执行: a lower existing limit is the ceiling. Off: the rules' ceiling applies, "
                "the existing limit only warns and an increase needs a reason (第四十二条)."
            ),
        ),
        Departure(
            "reduction_months",
            "002 第二十六条2、第二十七条",
            lambda value: value == 0,
            _("并应逐步减少: the limit is reduced step by step. 0 months: the lower limit applies at once."),
        ),
        Departure(
            "chairman_above_amount",
            "002 第三十条",
            lambda value: value is not None,
            _(
                "客户授信额度由总经理、董事长审批: every limit is approved by the general manager and the "
                "chairman. With an amount: grants up to it are approved without the chairman."
            ),
        ),
    ],
    readings=[
        Reading(
            "原有预付、赊销额",
            "002 第二十六条2、第二十七条",
            ("existing_limit_is_ceiling",),
            _("The limit of the grant in force; a customer without one has no existing limit to keep."),
        ),
        Reading(
            "逐步减少",
            "002 第二十六条2、第二十七条",
            ("reduction_steps", "reduction_months"),
            _(
                "From the existing limit (or, without one, the exposure) down to the new limit in equal "
                "steps spread over the months set; the credit check and the reduction list apply the "
                "step in force on the day."
            ),
        ),
    ],
)
