"""The personal-data section of the company policy (registered from PrivacyConfig.ready())."""

import re

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.policy.sections import register_section


class PrivacySection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Role codes (accounts.roles.Role) who may see identity numbers in full; everyone else sees them
    # masked. 004 客户信息保护管理制度 第七条: classified information, access set by authority.
    unmask_roles: list[str] = Field(
        default_factory=lambda: ["credit_manager", "general_manager"], max_length=20
    )
    # Days within which a person's request is answered. The seeds set none; 15 is the Personal
    # Information Protection Law's usual period (XinDang's addition).
    request_due_days: int = Field(15, ge=1, le=90)

    @field_validator("unmask_roles", mode="before")
    @classmethod
    def _blank(cls, value):
        return [] if value is None or value == "" else value

    @field_validator("unmask_roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        bad = [code for code in value if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", code)]
        if bad:
            raise ValueError(f"not role codes: {', '.join(bad)}")
        return sorted(set(value))


register_section(
    "privacy",
    PrivacySection,
    _("Personal data"),
    {
        "unmask_roles": (
            _("Roles who see identity numbers in full"),
            _(
                "Role codes; everyone else sees identity-card and passport numbers masked, and every "
                "showing in full is recorded in the audit log (seed 004 第七条)."
            ),
        ),
        "request_due_days": (
            _("Answer a person's request within (days)"),
            _("A request to see, correct or erase one's data is due this many days after it is received."),
        ),
    },
)
