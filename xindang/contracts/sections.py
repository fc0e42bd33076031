"""The contracts section of the company policy (registered from ContractsConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.policy.sections import register_section

from . import rules


class ContractsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Contracts are numbered by department (000 4.2 / 001 客户信用档案建立与管理制度 2): department code,
    # year, sequence.
    contract_no_format: str = Field("HT-{dept}-{year}-{seq:04d}", max_length=60)
    # 001 客户信用档案建立与管理制度 3: the handler hands the file over within one month; the credit manager
    # files it into the
    # archive room within one month after checking it (000 第二条(二): ten days).
    handover_days_to_credit_manager: int = Field(30, ge=1, le=366)
    handover_days_to_archive: int = Field(30, ge=1, le=366)
    handover_due_soon_days: int = Field(7, ge=0, le=90)
    # 001 客户信用档案建立与管理制度 4: statistics before 10 January (last year) and 10 July (this half-year).
    statistics_due_dates: list[str] = Field(default_factory=lambda: ["01-10", "07-10"], min_length=1)
    currencies: list[str] = Field(
        default_factory=lambda: ["CNY", "USD", "EUR", "HKD", "JPY", "GBP"], min_length=1, max_length=50
    )

    @field_validator("contract_no_format")
    @classmethod
    def _contract_no_format(cls, value: str) -> str:
        for token in ("{seq", "{dept", "{year"):
            if token not in value:
                raise ValueError(f"must contain {token}}}")
        try:
            rules.contract_number(value, dept="XS1", year=2026, seq=17)
        except (KeyError, ValueError, IndexError) as exc:
            raise ValueError(f"invalid pattern: {exc}") from exc
        return value

    @field_validator("statistics_due_dates")
    @classmethod
    def _due_dates(cls, value: list[str]) -> list[str]:
        for text in value:
            rules.parse_month_day(text)
        return sorted(set(value))

    @field_validator("currencies")
    @classmethod
    def _currencies(cls, value: list[str]) -> list[str]:
        cleaned = []
        for code in value:
            code = str(code).strip().upper()
            if not rules.CURRENCY_SHAPE.match(code):
                raise ValueError(f"not an ISO 4217 code: {code!r}")
            if code not in cleaned:
                cleaned.append(code)
        return cleaned


register_section(
    "contracts",
    ContractsSection,
    _("Contracts"),
    {
        "contract_no_format": (
            _("Contract number format"),
            _("Placeholders: {dept} department code, {year}, {seq:04d} sequence per department and year."),
        ),
        "handover_days_to_credit_manager": (
            _("Days to hand a contract file to the credit manager"),
            _(
                "After signing, changing, performing or terminating a contract (seed 001: one month; "
                "one project template says ten days)."
            ),
        ),
        "handover_days_to_archive": (
            _("Days to file a contract file into the archive room"),
            _(
                "After the credit manager received and checked it (seed 001: one month; one project "
                "template says ten days)."
            ),
        ),
        "handover_due_soon_days": (
            _("Handover reminder (days before due)"),
            _("Handovers due within this many days appear on the workbench."),
        ),
        "statistics_due_dates": (
            _("Contract statistics due dates"),
            _('List of MM-DD, e.g. ["01-10", "07-10"] (before 10 January and 10 July, seed 001).'),
        ),
        "currencies": (
            _("Contract currencies"),
            _('ISO 4217 codes allowed on contracts, e.g. ["CNY", "USD", "EUR"]; the first is the default.'),
        ),
    },
)
