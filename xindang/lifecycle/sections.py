"""The lifecycle section of the company policy (registered from LifecycleConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import register_section


class LifecycleSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The seeds name no loan period; the slip carries the due date (001 客户信用档案建立与管理制度 6).
    # Two weeks is XinDang's default for the form.
    default_loan_days: int = Field(14, ge=1, le=366)
    # Roles whose signature on the slip lets an archived file out (000 4.5: 信用管理领导小组办公室主任).
    slip_signer_roles: list[str] = Field(default_factory=lambda: [Role.OFFICE_DIRECTOR.value], min_length=1)
    # Who approves a loss, damage or theft report, in order (000 客户信息管理办法 三.6 asks for the
    # written report; 000 5.1.3 b: the GM pursues a breach of secrecy). The chain is XinDang's choice.
    loss_report_chain: list[str] = Field(
        default_factory=lambda: [Role.OFFICE_DIRECTOR.value, Role.GENERAL_MANAGER.value], min_length=1
    )
    # 000 4.3: this year's and last year's files stay in the departments.
    years_in_department: int = Field(2, ge=1, le=10)
    # 000 4.3: the credit office hands them to the archive room within a month of checking them.
    archive_handover_days: int = Field(30, ge=1, le=366)

    @field_validator("slip_signer_roles", "loss_report_chain")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in Role.values:
                raise ValueError(f"unknown role: {code!r}")
        return value


register_section(
    "lifecycle",
    LifecycleSection,
    _("Archive lifecycle"),
    {
        "default_loan_days": (
            _("Default loan period (days)"),
            _("Proposed due date of a loan of originals; the slip's own date applies."),
        ),
        "slip_signer_roles": (
            _("Roles that sign borrowing slips of archived files"),
            _("Role codes (seed 000 4.5: the director of the credit office), e.g. office_director."),
        ),
        "loss_report_chain": (
            _("Approval chain of loss and damage reports"),
            _("Role codes signing in order, e.g. office_director, general_manager."),
        ),
        "years_in_department": (
            _("Years a file stays in its department"),
            _("Seed 000 4.3: this year and last year (2); older files go on the yearly transfer list."),
        ),
        "archive_handover_days": (
            _("Days for the credit office to hand files to the archive room"),
            _("Seed 000 4.3: within one month of receiving and checking them."),
        ),
    },
)
