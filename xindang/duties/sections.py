"""The duties section of the company policy (registered from DutiesConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.policy.sections import Departure, Reading, register_section

from . import rules


class DutiesSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 001 动态管理: 定期(如二个月)开展客户档案全面修订核查; fast-growing and lost customers flagged.
    file_review_months: int = Field(2, ge=1, le=12)
    fast_growth_percent: int = Field(50, ge=1, le=1000)
    # 001 客户信用档案建立与管理制度 4: the yearly analysis report before 10 January (the half-year
    # statistics follow the contracts section's due dates).
    analysis_report_due: str = "01-10"
    # 001 客户信用档案建立与管理制度 5 names the 年审评价报告 without a date: XinDang asks for it by year end.
    yearly_review_due: str = "12-31"
    report_lead_days: int = Field(30, ge=0, le=180)
    # 002 第三十六条: 合同到期前一个月内 agree next year's terms and collect every debt; the zero point is
    # checked for each contract period that ends.
    contract_ending_lead_days: int = Field(30, ge=0, le=180)
    zero_point_check: bool = True

    @field_validator("file_review_months")
    @classmethod
    def _divides_year(cls, value: int) -> int:
        if 12 % value:
            raise ValueError("must divide 12 (1, 2, 3, 4, 6 or 12)")
        return value

    @field_validator("analysis_report_due", "yearly_review_due")
    @classmethod
    def _month_day(cls, value: str) -> str:
        rules.parse_month_day(value)
        return value


register_section(
    "duties",
    DutiesSection,
    _("Duties"),
    {
        "file_review_months": (
            _("Full file review every (months)"),
            _("001 dynamic management: a full review of the customer files, e.g. every two months."),
        ),
        "fast_growth_percent": (
            _("Fast-growing customer: trade up by at least (%)"),
            _("Against the previous review period; flagged in the full file review."),
        ),
        "analysis_report_due": (
            _("Yearly credit-management analysis report due (MM-DD)"),
            _("001: before 10 January."),
        ),
        "yearly_review_due": (
            _("Yearly review report due (MM-DD)"),
            _("The regulation names the report without a date."),
        ),
        "report_lead_days": (_("Reports: remind this many days ahead"), _("For the reports above.")),
        "contract_ending_lead_days": (
            _("Contract ending: days ahead to agree next year's terms"),
            _("002 第三十六条: within one month before the contract ends."),
        ),
        "zero_point_check": (
            _("Check each contract period for a zero point"),
            _("002 第三十六条: debt and prepayments brought to zero once within the contract period."),
        ),
    },
    departures=[
        Departure(
            "zero_point_check",
            "002 第三十六条",
            lambda value: value is False,
            _("合同期内…要回收清零一次: off, contract periods are not checked for a zero point."),
        ),
    ],
    readings=[
        Reading(
            "如二个月",
            "001 客户档案管理 动态管理",
            ("file_review_months",),
            _("The full review runs on calendar periods of this many months from January."),
        ),
        Reading(
            "成长快或丢失",
            "001 客户档案管理 动态管理",
            ("fast_growth_percent",),
            _(
                "Fast-growing: trade in the review period up by at least this share on the previous "
                "period; lost: traded in the previous period, not in this one."
            ),
        ),
    ],
)
