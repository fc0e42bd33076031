"""The company policy's typed sections (the regulations' numbers and choices as data).

Each section is a pydantic model whose defaults come from the seeds. Later apps register their own
sections (retention, rating, grants, ageing…) with register_section(); a stored version that lacks
a section gets that section's defaults.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator


class CoreSection(BaseModel):
    """Foundation settings."""

    model_config = ConfigDict(extra="forbid")

    # The company's registered name: the letterhead of the letters and printed forms (授信通知函 …).
    company_name: str = Field("", max_length=100)
    # Files are numbered by department (按部门编号, seed 000 4.2): department code, year, sequence.
    file_no_format: str = Field("{dept}-{year}-{seq:05d}", max_length=60)
    # Customer code assigned on approval (seed 002 篇五 第三条(4)).
    customer_code_format: str = Field("KH{seq:06d}", max_length=60)
    # A new name this similar (0–1) to an existing one asks the user to confirm (duplicate check).
    duplicate_name_similarity: float = Field(0.85, ge=0.5, le=1.0)
    session_timeout_minutes: int = Field(30, ge=5, le=24 * 60)
    upload_limit_mb: int = Field(20, ge=1, le=2048)
    import_max_rows: int = Field(20000, ge=1, le=200000)
    # Working files (an import's uploaded spreadsheet) are deleted this many days after the upload by
    # `manage.py prune_working_files`; the batch, its row problems and its audit events stay.
    working_file_days: int = Field(30, ge=1, le=3650)
    login_max_failures: int = Field(5, ge=3, le=50)
    login_lockout_minutes: int = Field(15, ge=1, le=24 * 60)
    # An address is never locked (one office behind NAT shares it): after this many failures from it
    # within the lockout period, each further attempt from it waits (login_ip_delay_step_seconds more
    # per failure, at most login_ip_max_delay_seconds) — guessing slows down, the right password works.
    login_ip_slowdown_after: int = Field(10, ge=1, le=1000)
    login_ip_delay_step_seconds: float = Field(0.5, ge=0, le=10)
    login_ip_max_delay_seconds: float = Field(5, ge=0, le=30)
    # Role codes (accounts.roles.Role) whose members must confirm a second factor (a TOTP code) at
    # every login; empty: the second factor is optional for everybody. The regulations do not ask
    # for one, so this is a setting, not a departure.
    otp_required_roles: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("file_no_format")
    @classmethod
    def _file_no_format(cls, value: str) -> str:
        check_format(value, {"dept": "XS1", "year": 2026, "seq": 17}, required=("{seq", "{dept", "{year"))
        return value

    @field_validator("otp_required_roles", mode="before")
    @classmethod
    def _otp_roles_blank(cls, value):
        return [] if value is None or value == "" else value  # a cleared text box: nobody

    @field_validator("otp_required_roles")
    @classmethod
    def _otp_roles(cls, value: list[str]) -> list[str]:
        # The policy sits below accounts (import layers): a role code's shape is checked here; a code
        # that names no role simply matches nobody.
        bad = [code for code in value if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", code)]
        if bad:
            raise ValueError(f"not role codes: {', '.join(bad)}")
        return sorted(set(value))

    @field_validator("customer_code_format")
    @classmethod
    def _customer_code_format(cls, value: str) -> str:
        check_format(value, {"seq": 17}, required=("{seq",))
        return value


def check_format(value: str, sample: dict, required: tuple[str, ...]) -> None:
    """A numbering pattern holds every required placeholder and formats `sample`; otherwise ValueError
    (a section validator's refusal). Shared by the sections of other apps (suppliers)."""
    for token in required:
        if token not in value:
            raise ValueError(f"must contain {token}}}")
    try:
        value.format(**sample)
    except (KeyError, ValueError, IndexError) as exc:
        raise ValueError(f"invalid pattern: {exc}") from exc


@dataclass(frozen=True)
class Departure:
    """A policy value that can decide differently from the regulation's text.

    The default policy follows the text; a value for which `departs(value)` is true is a departure
    and the policy page lists it with the article it departs from and what it changes. Declared by
    the section that owns the field (register_section(..., departures=[...]))."""

    field: str
    article: str  # the citation as found in the seed, e.g. "002 客户信用管理制度 第三十条"
    departs: Callable[[Any], bool]
    text: str  # translatable: what the regulation says and what the departing value does instead


@dataclass(frozen=True)
class Reading:
    """How the policy reads an ambiguous word of the regulations (经常, 多月, 原则上 …): shown on the
    policy page beside the fields that carry the reading, so a credit manager sees and can change it."""

    word: str  # the regulation's word, as printed (Chinese)
    article: str
    fields: tuple[str, ...]
    text: str  # translatable: the reading


@dataclass(frozen=True)
class SectionInfo:
    name: str
    model: type[BaseModel]
    title: str
    labels: dict  # field name -> (label, help text), translatable
    departures: tuple[Departure, ...] = field(default=())
    readings: tuple[Reading, ...] = field(default=())


SECTIONS: dict[str, SectionInfo] = {}


def register_section(
    name: str, model: type[BaseModel], title, labels: dict, *, departures=(), readings=()
) -> None:
    for item in (*departures, *(f for r in readings for f in r.fields)):
        field_name = item.field if isinstance(item, Departure) else item
        if field_name not in model.model_fields:
            raise ValueError(f"{name}: no field {field_name!r} for a departure or reading")
    SECTIONS[name] = SectionInfo(name, model, title, labels, tuple(departures), tuple(readings))


register_section(
    "core",
    CoreSection,
    _("Foundation"),
    {
        "company_name": (
            _("Company name"),
            _("The company's registered name, printed on the letterhead of letters and forms."),
        ),
        "file_no_format": (
            _("File number format"),
            _("Placeholders: {dept} department code, {year}, {seq:05d} sequence."),
        ),
        "customer_code_format": (_("Customer code format"), _("Placeholder: {seq:06d} sequence.")),
        "duplicate_name_similarity": (
            _("Duplicate-name similarity threshold"),
            _("0.5–1.0; a new name at least this similar must be confirmed."),
        ),
        "session_timeout_minutes": (_("Session timeout (minutes)"), _("Idle time before logging out.")),
        "upload_limit_mb": (_("Upload limit (MB)"), _("Largest file a user may upload.")),
        "import_max_rows": (_("Import row limit"), _("Largest spreadsheet accepted by an import.")),
        "working_file_days": (
            _("Days an import's uploaded file is kept"),
            _("Then the file is deleted; the import's record, row problems and audit trail stay."),
        ),
        "login_max_failures": (
            _("Failed logins before lockout"),
            _("Per user name; an address is slowed down, never locked."),
        ),
        "login_lockout_minutes": (_("Lockout period (minutes)"), _("How long logins are refused.")),
        "login_ip_slowdown_after": (
            _("Failed logins from one address before it is slowed down"),
            _("Within the lockout period; every user at that address still logs in with the right password."),
        ),
        "login_ip_delay_step_seconds": (
            _("Delay added per further failure (seconds)"),
            _("Each attempt from a slowed-down address waits this much longer per failure beyond the limit."),
        ),
        "login_ip_max_delay_seconds": (_("Longest delay (seconds)"), _("The wait never exceeds this.")),
        "otp_required_roles": (
            _("Roles that must use two-factor authentication"),
            _(
                "Role codes, e.g. general_manager, system_admin. Their members set up an authenticator "
                "app before anything else and enter its code at every login. Empty: optional for all."
            ),
        ),
    },
)
