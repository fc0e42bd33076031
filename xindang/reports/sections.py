"""The analysis section of the company policy: the ABC cut-offs (004 客户信息管理制度 第三条2(4)), the
share of our sales the company requires of a customer (第三条3(4)), the years the seasonal index reads
(第四条1(1)), who counts as a core customer (001 抓两头放中间) and how long an exported analysis file is
kept. Registered in ReportsConfig.ready()."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

from xindang.policy.sections import Departure, Reading, register_section


class ReportsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 第三条2(4): A 类占累计销售额的 75% 左右, B 类占 20% 左右, C 类占 5% 左右.
    abc_a_pct: Decimal = Field(Decimal(75), gt=0, lt=100, decimal_places=1)
    abc_b_pct: Decimal = Field(Decimal(20), gt=0, lt=100, decimal_places=1)
    # 第三条3(4): 检查该占有率是否达到公司所要求的水平 — the regulation leaves the level to the company;
    # empty: no level set, the screen shows the shares without a verdict.
    required_share_pct: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    # 第四条1(1): 统计各客户以往 3 年的各月销售额.
    seasonal_years: int = Field(3, ge=1, le=10)
    # 001 抓两头放中间 "大客户": class A by average yearly trade, trading with us at least this long.
    core_min_years: Decimal = Field(Decimal(1), ge=0, le=50, decimal_places=1)
    # An exported analysis (.xlsx/PDF prepared by the task worker) is deleted from the storage this many
    # days after it was asked for (`manage.py prune_working_files`); its audit event stays.
    export_file_days: int = Field(7, ge=1, le=3650)

    @model_validator(mode="after")
    def _cutoffs(self):
        if self.abc_a_pct + self.abc_b_pct >= 100:
            raise ValueError("A and B together must leave a share for C")
        return self


register_section(
    "reports",
    ReportsSection,
    _("Analysis"),
    {
        "abc_a_pct": (
            _("A class: share of cumulative sales (%)"),
            _("004 客户信息管理制度 第三条2(4): about 75 %."),
        ),
        "abc_b_pct": (
            _("B class: share of cumulative sales (%)"),
            _("About 20 %; C takes the rest (about 5 %)."),
        ),
        "required_share_pct": (
            _("Share of our sales required of a customer (%)"),
            _("004 客户信息管理制度 第三条3(4). Empty: no level set."),
        ),
        "seasonal_years": (
            _("Years read by the seasonal index"),
            _("004 客户信息管理制度 第四条1(1): three."),
        ),
        "core_min_years": (
            _("Core customer: years of trade at least"),
            _("001 抓两头放中间: class A by average yearly trade and trading with us this long."),
        ),
        "export_file_days": (
            _("Days an exported analysis file is kept"),
            _(
                "Then the file is deleted from the server; the export's audit event stays. "
                "Export again to get it."
            ),
        ),
    },
    departures=[
        Departure(
            "abc_a_pct",
            "004 客户信息管理制度 第三条2(4)",
            lambda v: v is not None and Decimal(v) != 75,
            _(
                "The regulation puts about 75 per cent of cumulative sales in class A; "
                "this policy uses another share."
            ),
        ),
        Departure(
            "abc_b_pct",
            "004 客户信息管理制度 第三条2(4)",
            lambda v: v is not None and Decimal(v) != 20,
            _(
                "The regulation puts about 20 per cent of cumulative sales in class B; "
                "this policy uses another share."
            ),
        ),
        Departure(
            "seasonal_years",
            "004 客户信息管理制度 第四条1(1)",
            lambda v: v is not None and int(v) != 3,
            _(
                "The regulation reads three years of monthly sales; "
                "this policy reads another number of years."
            ),
        ),
    ],
    readings=[
        Reading(
            "左右",
            "004 客户信息管理制度 第三条2(4)",
            ("abc_a_pct", "abc_b_pct"),
            _(
                "About: customers are taken largest first; the customer whose sales cross the line still "
                "belongs to the class it starts in, so the largest customer is always A."
            ),
        ),
        Reading(
            "大客户",
            "001 客户档案管理制度及操作细则 抓两头放中间",
            ("core_min_years",),
            _(
                "Big customers: class A by average yearly trade who have traded with us "
                "at least the years set."
            ),
        ),
    ],
)
