"""The credit section of the company policy: rating scheme (A/B/C of seed 002 第十三–二十条 or 甲/乙/丙
of seed 004 客户信息管理制度 第九条), thresholds, investigation validity and the rating approval chain.
Registered in CreditConfig.ready(). Defaults are the seed's numbers; where the seed leaves a number to
the company the default is ours and its label says so."""

from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import Departure, Reading, register_section

KEY_DATA_FIELDS = (
    "credit_code",
    "legal_rep",
    "registered_capital",
    "founded_on",
    "address",
    "phone",
    "business_scope",
    "enterprise_type",
)


DEPARTMENT_MANAGER_ROLES = (Role.DEPARTMENT_MANAGER.value, Role.MARKETING_MANAGER.value)

RETIRED_FIELDS = ("cap_jia_amount", "cap_yi_amount", "cap_bing_amount")


class CreditSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # One policy chooses one scheme.
    scheme: Literal["abc", "jyb"] = "abc"

    # --- A (002 第十五条) ---
    a_min_cooperation_months: int = Field(12, ge=0, le=240)  # (1) 合作一年或以上
    # 002 第十八条 原则上新开发……的客户不应列入信用A级: "new" is a customer with fewer months of
    # cooperation than this (the seed gives no number; the default, one year, follows 第十五条(1)).
    new_customer_months: int = Field(12, ge=0, le=240)
    lookback_months: int = Field(24, ge=1, le=120)  # (2) 过去2年内
    good_operations_years: int = Field(2, ge=1, le=5)  # (4) 最近连续2年经营状况良好
    a_max_debt_ratio_pct: int = Field(60, ge=1, le=100)  # (5) 资金实力雄厚、偿债能力强
    # (6) 年度回款、发货达到我制定的标准 — the seed leaves the amount to the company.
    a_min_yearly_collections_amount: Decimal = Field(
        Decimal("1000000.00"), ge=0, max_digits=18, decimal_places=2
    )
    # (6) 发货: yearly shipments (credit sales) must meet the company's standard as well.
    a_min_yearly_shipments_amount: Decimal = Field(
        Decimal("1000000.00"), ge=0, max_digits=18, decimal_places=2
    )

    # --- C (002 第十六条) ---
    c_broken_promises_min: int = Field(3, ge=1, le=100)  # (2) 经常不兑现承诺
    c_weak_debt_ratio_pct: int = Field(85, ge=1, le=200)  # (4) 资金实力不足,偿债能力较差
    c_falling_turnover_months: int = Field(3, ge=1, le=36)  # (5) 营业额持续多月下滑
    # (5) is the customer's own turnover. Our falling sales to the customer count as C only if set
    # (a departure); otherwise they are evidence shown to the rater.
    c_our_sales_falling: bool = False

    # --- 甲/乙/丙 (004 客户信息管理制度 第九条) ---
    jia_min_employees: int = Field(300, ge=1)
    jia_min_revenue_amount: Decimal = Field(Decimal("50000000.00"), ge=0, max_digits=18, decimal_places=2)
    bing_max_employees: int = Field(100, ge=1)  # 员工不足100人的小企业
    bing_new_company_months: int = Field(24, ge=0, le=240)  # 新成立企业
    # 债权余额在10万美元以上的非甲类客户 — ≈ 700,000 yuan
    bing_receivables_amount: Decimal = Field(Decimal("700000.00"), ge=0, max_digits=18, decimal_places=2)
    # 债权余额不足10万美元,但与本公司交易量较大 — average monthly shipments at or above this
    bing_large_volume_monthly_amount: Decimal = Field(
        Decimal("500000.00"), ge=0, max_digits=18, decimal_places=2
    )
    # The per-customer cap of each class (004 客户信息管理制度 第九条3(1)) is a ceiling:
    # grants.jyb_class_caps.

    # --- Investigation (002 第十–十二条; 001 动态管理) ---
    investigation_valid_months: int = Field(3, ge=1, le=12)
    min_financial_years: int = Field(2, ge=1, le=5)
    quarterly_refresh: bool = True  # 第十二条: 每季度全面更新一次
    key_data_fields: list[str] = Field(default_factory=lambda: list(KEY_DATA_FIELDS))  # 第十八条
    # 第十条: 上报部门经理审核 — the department manager (a sales department's manager or the marketing
    # manager) reviews the form; other roles are a departure.
    investigation_reviewer_roles: list[str] = Field(
        default_factory=lambda: list(DEPARTMENT_MANAGER_ROLES), min_length=1, max_length=8
    )

    # --- Approval (002 第十九条, 第三十条) ---
    rating_chain: list[str] = Field(
        default_factory=lambda: [
            Role.MARKETING_MANAGER.value,
            Role.FINANCE_CREDIT_CONTROLLER.value,
            Role.GENERAL_MANAGER.value,
        ],
        min_length=1,
        max_length=8,
    )
    # 第十九条: 会同经办业务员 — the salesperson in charge gives their opinion before the rating is sent
    # for approval; False is a departure.
    rating_salesperson_takes_part: bool = True

    @model_validator(mode="before")
    @classmethod
    def _drop_retired(cls, data):
        """Versions stored while the class caps lived here (they are grants.jyb_class_caps now)."""
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in RETIRED_FIELDS}
        return data

    @field_validator("rating_chain", "investigation_reviewer_roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(Role.values))
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        return value

    @field_validator("key_data_fields")
    @classmethod
    def _fields(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(KEY_DATA_FIELDS))
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(unknown)} (use {', '.join(KEY_DATA_FIELDS)})")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        if self.c_weak_debt_ratio_pct < self.a_max_debt_ratio_pct:
            raise ValueError("the C debt ratio must not be below the A debt ratio")
        return self


register_section(
    "credit",
    CreditSection,
    _("Credit investigation and rating"),
    {
        "scheme": (
            _("Rating scheme"),
            _(
                "abc: A/B/C grades (002 第十三–十八条); "
                "jyb: 甲/乙/丙 classes by size and reputation (004 客户信息管理制度 第九条)."
            ),
        ),
        "a_min_cooperation_months": (_("A: months of cooperation at least"), _("002 第十五条(1): one year.")),
        "new_customer_months": (
            _("New customer: months of cooperation under"),
            _(
                "002 第十八条: a newly developed customer is in principle not rated A. The article gives no "
                "number; the default, one year, is ours (after 第十五条(1))."
            ),
        ),
        "lookback_months": (
            _("Look-back (months)"),
            _(
                "002 第十五条(2), 第十六条(1): "
                "bad debt, undelivered goods, serious breach in the last 2 years."
            ),
        ),
        "good_operations_years": (
            _("A: years of good operations"),
            _("002 第十五条(4): a profit in each of these years and revenue not falling year after year."),
        ),
        "a_max_debt_ratio_pct": (
            _("A: debt ratio at most (%)"),
            _("002 第十五条(5): liabilities / total assets; equity must also be positive."),
        ),
        "a_min_yearly_collections_amount": (
            _("A: yearly collections at least (yuan) — company standard"),
            _("002 第十五条(6) leaves the standard to the company; the default 1,000,000 yuan is ours."),
        ),
        "c_broken_promises_min": (
            _("C: broken promises at least"),
            _("002 第十六条(2): broken payment promises in the look-back period."),
        ),
        "a_min_yearly_shipments_amount": (
            _("A: yearly shipments at least (yuan) — company standard"),
            _(
                "002 第十五条(6), yearly collections and shipments: credit sales to the customer in a "
                "year; the default 1,000,000 yuan is ours."
            ),
        ),
        "c_weak_debt_ratio_pct": (_("C: debt ratio from (%)"), _("002 第十六条(4): weak solvency.")),
        "c_falling_turnover_months": (
            _("C: months of falling turnover"),
            _("002 第十六条(5): the customer's own turnover falling this many months in a row."),
        ),
        "c_our_sales_falling": (
            _("C: our falling sales to the customer count as falling turnover"),
            _(
                "Off by default: 002 第十六条(5) is the customer's own turnover; our falling sales "
                "are shown to the rater as evidence."
            ),
        ),
        "investigation_reviewer_roles": (
            _("Who reviews an investigation"),
            _(
                "002 第十条: the department manager (role codes); a department manager reviews "
                "the files of their own department."
            ),
        ),
        "rating_salesperson_takes_part": (
            _("The salesperson in charge takes part in the rating"),
            _("002 第十九条: their opinion is recorded before the rating is sent for approval."),
        ),
        "jia_min_employees": (
            _("甲: employees at least"),
            _("004 客户信息管理制度 第九条: a large company (or the revenue below)."),
        ),
        "jia_min_revenue_amount": (
            _("甲: yearly revenue at least (yuan)"),
            _("004 客户信息管理制度 第九条: a large company."),
        ),
        "bing_max_employees": (
            _("丙: fewer employees than"),
            _("004 客户信息管理制度 第九条: small companies."),
        ),
        "bing_new_company_months": (
            _("丙: founded less than (months) ago"),
            _("004 客户信息管理制度 第九条: newly founded."),
        ),
        "bing_receivables_amount": (
            _("丙: receivables above (yuan)"),
            _("004 客户信息管理制度 第九条: non-甲 customers owing more than US$100,000 (≈ 700,000 yuan)."),
        ),
        "bing_large_volume_monthly_amount": (
            _("丙: large volume, monthly shipments from (yuan)"),
            _("004 客户信息管理制度 第九条: smaller balance but a large trade volume with us."),
        ),
        "investigation_valid_months": (
            _("Investigation valid (months)"),
            _("An investigation older than this no longer supports a rating (max 12)."),
        ),
        "min_financial_years": (_("Years of financial figures required"), _("At least the last two years.")),
        "quarterly_refresh": (
            _("Quarterly full refresh"),
            _("002 第十二条: investigations and rating forms are fully refreshed every quarter."),
        ),
        "key_data_fields": (
            _("Key data fields"),
            _("002 第十八条: a file missing any of these is never rated A. Customer field names."),
        ),
        "rating_chain": (
            _("Rating approval chain"),
            _("Role codes in order (002 第十九条, 第三十条)."),
        ),
    },
    departures=[
        Departure(
            "c_our_sales_falling",
            "002 第十六条(5)",
            bool,
            _(
                "The article names the customer's own turnover falling for months; this policy also "
                "rates C when our sales to the customer fall that many months in a row."
            ),
        ),
        Departure(
            "investigation_reviewer_roles",
            "002 第十条",
            lambda roles: bool(set(roles or ()) - set(DEPARTMENT_MANAGER_ROLES)),
            _(
                "The article has the department manager review the investigation form; this policy "
                "lets other roles review it as well."
            ),
        ),
        Departure(
            "rating_salesperson_takes_part",
            "002 第十九条",
            lambda value: value is False,
            _(
                "The article has the marketing manager rate together with the salesperson in charge; "
                "this policy sends a rating for approval without the salesperson's opinion."
            ),
        ),
    ],
    readings=[
        Reading(
            "新开发",
            "002 第十八条",
            ("new_customer_months",),
            _("A new customer: one whose cooperation with us is shorter than this many months."),
        ),
        Reading(
            "经常",
            "002 第十六条(2)",
            ("c_broken_promises_min",),
            _(
                "Often breaks promises: the investigator's finding, or at least this many broken payment "
                "promises in the look-back period (the investigator's count or the ledger's)."
            ),
        ),
        Reading(
            "多月",
            "002 第十六条(5)",
            ("c_falling_turnover_months",),
            _(
                "Turnover falling for many months: the investigator's finding, or the customer's own "
                "turnover falling at least this many months in a row."
            ),
        ),
        Reading(
            "最近连续2年",
            "002 第十五条(4)",
            ("good_operations_years",),
            _(
                "The most recent full years before the rating date (rated in 2026: 2024 and 2025); "
                "older figures do not count."
            ),
        ),
        Reading(
            "我制定的标准",
            "002 第十五条(6)",
            ("a_min_yearly_collections_amount", "a_min_yearly_shipments_amount"),
            _(
                "Yearly collections and shipments: each reaches the amount set here (from the trade "
                "ledger, or the investigation where the ledger has no history)."
            ),
        ),
    ],
)
