"""The suppliers section of the company policy (registered from SuppliersConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import check_format, register_section

from . import rules


class SuppliersSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 002 篇五 第三条(1): the selection application goes to the market manager (市场主管).
    selection_chain: list[str] = Field(
        default_factory=lambda: [Role.MARKETING_MANAGER.value], min_length=1, max_length=10
    )
    # 002 篇五 第三条(4): a code is given to the new supplier. The pattern is XinDang's.
    supplier_code_format: str = Field("GYS{seq:05d}", max_length=60)
    # The yearly evaluation: the seeds name the principles (第一条), not a scale, weights or grades;
    # these are XinDang's defaults.
    score_max: int = Field(100, ge=1, le=1000)
    weights: dict[str, int] = Field(
        default_factory=lambda: {rules.QUALITY: 40, rules.DELIVERY: 30, rules.PRICE: 20, rules.SERVICE: 10}
    )
    grade_bands: dict[str, int] = Field(default_factory=lambda: {"A": 90, "B": 75, "C": 60, "D": 0})
    # 002 篇五 第三条(5): the selected supplier's basic data is sent to the company's departments
    # concerned. XinDang's roles for them: the purchasing side's department manager, the credit office
    # (prepayments pass its credit check), finance (the payment method) and the archive (存档).
    notify_roles: list[str] = Field(
        default_factory=lambda: [
            Role.DEPARTMENT_MANAGER.value,
            Role.CREDIT_MANAGER.value,
            Role.FINANCE_CREDIT_CONTROLLER.value,
            Role.ARCHIVIST.value,
        ],
        max_length=17,
    )
    # From this month on, this year's evaluation of each supplier is due (12: December).
    evaluation_month: int = Field(12, ge=1, le=12)

    @field_validator("selection_chain", "notify_roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in Role.values:
                raise ValueError(f"unknown role: {code!r}")
        return value

    @field_validator("supplier_code_format")
    @classmethod
    def _code_format(cls, value: str) -> str:
        check_format(value, {"seq": 17}, required=("{seq",))
        return value

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, int]) -> dict[str, int]:
        if set(value) != set(rules.CRITERIA):
            raise ValueError(f"weights for exactly: {', '.join(rules.CRITERIA)}")
        if any(w < 0 for w in value.values()) or sum(value.values()) <= 0:
            raise ValueError("weights are non-negative and not all zero")
        return value

    @model_validator(mode="after")
    def _bands(self):
        if not self.grade_bands or min(self.grade_bands.values()) != 0:
            raise ValueError("grade bands need a floor band at 0")
        if any(not 0 <= m <= 100 for m in self.grade_bands.values()):
            raise ValueError("grade band minimums are scores from 0 to 100")
        return self


register_section(
    "suppliers",
    SuppliersSection,
    _("Suppliers"),
    {
        "selection_chain": (
            _("Approval chain of supplier selections"),
            _("Role codes in order (002 篇五 第三条(1): the market manager), e.g. marketing_manager."),
        ),
        "supplier_code_format": (
            _("Supplier code format"),
            _("Given on approval (seed 002 篇五 第三条(4)). Placeholder: {seq:05d} sequence."),
        ),
        "score_max": (_("Evaluation score scale (maximum)"), _("Each criterion is scored from 0 to this.")),
        "weights": (
            _("Evaluation weights"),
            _("Weight of quality, delivery, price and service (seed 002 篇五 第一条 principles)."),
        ),
        "grade_bands": (
            _("Supplier grade bands"),
            _("Grade → lowest weighted score (0–100) that reaches it; one band must start at 0."),
        ),
        "notify_roles": (
            _("Roles told of a selected supplier"),
            _(
                "Role codes whose holders who see the file get a to-do to take note of a newly selected "
                "supplier (002 篇五 第三条(5))."
            ),
        ),
        "evaluation_month": (
            _("Month the yearly evaluation is due from"),
            _("From this month on, a supplier not yet evaluated this year shows on the workbench."),
        ),
    },
)
