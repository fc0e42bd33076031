"""The ledger section of the company policy: accepted currencies and their fixed rates to CNY, the
default payment term, the write-off approval chain. Registered in LedgerConfig.ready()."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import register_section


class LedgerSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Currency code → fixed rate to yuan. CNY is always 1.
    currencies: dict[str, Decimal] = Field(default_factory=lambda: {"CNY": Decimal(1)})
    # Term used for a credit sale or prepayment when neither the entry nor the caller gives one
    # (a grant's term is passed by the caller; 002 第二十二条).
    default_term_days: int = Field(30, ge=0, le=3650)
    # Bad-debt write-off (核销) needs the general manager (SPEC §6).
    write_off_chain: list[str] = Field(default_factory=lambda: [Role.GENERAL_MANAGER.value], min_length=1)
    max_batch: int = Field(10000, ge=1, le=10000)
    # The largest amount of one entry, in yuan (and in its own currency). Far above any real trade,
    # far below what the kept totals hold (DECIMAL(18, 2)), so a typing slip of a few digits or an
    # integration's garbage is refused up front; the totals are checked before every write too.
    max_entry_amount: Decimal = Field(
        Decimal("1000000000000.00"), gt=0, le=Decimal("9999999999999999.99"), decimal_places=2
    )

    @field_validator("currencies")
    @classmethod
    def _rates(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        out = {}
        for code, rate in value.items():
            if len(code) != 3 or not code.isalpha() or not code.isupper():
                raise ValueError(f"currency codes are three capital letters: {code}")
            if rate <= 0:
                raise ValueError(f"rate of {code} must be positive")
            out[code] = rate
        out["CNY"] = Decimal(1)
        return out

    @field_validator("write_off_chain")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(Role.values))
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        return value


register_section(
    "ledger",
    LedgerSection,
    _("Trade ledger"),
    {
        "currencies": (
            _("Accepted currencies"),
            _('JSON object: currency code → fixed rate to yuan, e.g. {"CNY": 1, "USD": 7.1}.'),
        ),
        "default_term_days": (
            _("Default payment term (days)"),
            _("Due date of a credit sale or prepayment when no grant term is given."),
        ),
        "write_off_chain": (_("Write-off approval chain"), _("Role codes, in order.")),
        "max_batch": (_("Largest batch"), _("Entries accepted in one API call or import.")),
        "max_entry_amount": (
            _("Largest amount of one entry (yuan)"),
            _("Entries above it are refused; the customer's totals are also checked before writing."),
        ),
    },
)
