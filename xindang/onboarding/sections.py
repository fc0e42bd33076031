"""The onboarding section of the company policy (registered from OnboardingConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.accounts.roles import Role
from xindang.customers.choices import Importance, Tier
from xindang.policy.sections import register_section


def _default_chain() -> list[str]:
    # 003 篇四 1: the direct superior reviews the file;
    # 001 客户档案专题 客户档案的内容 2: the credit department checks the facts;
    # 000 客户信息管理办法 4.1.2 c) (销售总监审批确认) and 004 客户信息管理制度 第十条1(8)
    # (向营销经理提交交易卡,得到认可后,再向总公司提交报批): the marketing manager confirms,
    # head office (the general manager) approves the first trade.
    return [
        Role.DEPARTMENT_MANAGER.value,
        Role.CREDIT_MANAGER.value,
        Role.MARKETING_MANAGER.value,
        Role.GENERAL_MANAGER.value,
    ]


class OnboardingSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chain: list[str] = Field(default_factory=_default_chain, min_length=1, max_length=8)
    review_days: int = Field(7, ge=1, le=90)
    important_levels: list[str] = Field(default_factory=lambda: [Importance.IMPORTANT.value])
    important_tiers: list[str] = Field(default_factory=lambda: [Tier.CORE.value])
    min_staff_contacts: int = Field(2, ge=1, le=10)

    @field_validator("chain")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(Role.values))
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        return value

    @field_validator("important_levels")
    @classmethod
    def _levels(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(Importance.values))
        if unknown:
            raise ValueError(f"unknown importance: {', '.join(unknown)}")
        return value

    @field_validator("important_tiers")
    @classmethod
    def _tiers(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(Tier.values))
        if unknown:
            raise ValueError(f"unknown tiers: {', '.join(unknown)}")
        return value


register_section(
    "onboarding",
    OnboardingSection,
    _("New customers"),
    {
        "chain": (
            _("Approval chain of the transaction card"),
            _(
                "Roles signing in order: the direct superior (003 篇四 1), the credit department "
                "(001 客户档案专题 客户档案的内容 2), the marketing manager "
                "(000 4.1.2 c; 004 客户信息管理制度 第十条1(8)), head office."
            ),
        ),
        "review_days": (
            _("Days to build and review a new file"),
            _("From the first contact (003 篇四 1: 一周内)."),
        ),
        "important_levels": (
            _("Importance of an important new customer"),
            _(
                "Such new customers have several staff contacts with contact reports "
                "(001 公司客户信息管理办法 七.3)."
            ),
        ),
        "important_tiers": (
            _("Tiers of an important new customer"),
            _("A new customer of these tiers counts as important too."),
        ),
        "min_staff_contacts": (
            _("Staff contacts of an important new customer"),
            _("001 公司客户信息管理办法 七.3: 两个以上的人员."),
        ),
    },
)
