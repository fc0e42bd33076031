"""The retention section of the company policy: who approves a destruction and how many witness it.
Registered in RetentionConfig.ready()."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import Departure, register_section

_ROLE_CODES = {r.value for r in Role}


class RetentionSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 完全不可能恢复交易来往的资料，取得总经理的同意后才可将其处理掉 (000 客户信息管理办法 三.8).
    disposal_chain: list[str] = Field(default_factory=lambda: [Role.GENERAL_MANAGER.value], max_length=6)
    # Witnesses other than the requester (XinDang's addition: archival practice, 监销).
    witnesses_required: int = Field(2, ge=2, le=5)

    @field_validator("disposal_chain")
    @classmethod
    def _chain(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("a destruction needs at least one approver")
        unknown = [code for code in value if code not in _ROLE_CODES]
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        return value


register_section(
    "retention",
    RetentionSection,
    _("Retention and disposal"),
    {
        "disposal_chain": (
            _("Who approves a destruction"),
            _("Role codes, signed in order; the regulation asks for the general manager."),
        ),
        "witnesses_required": (
            _("Witnesses of a destruction"),
            _("People other than the requester who sign that they saw it done (at least 2)."),
        ),
    },
    departures=[
        Departure(
            "disposal_chain",
            "000 客户信息管理办法 三.8",
            lambda value: value is not None and Role.GENERAL_MANAGER.value not in value,
            _(
                "取得总经理的同意后才可将其处理掉: files are destroyed only with the general manager's "
                "consent. Without the general manager in the chain, others approve instead."
            ),
        )
    ],
)
