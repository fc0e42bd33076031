"""The documents section of the company policy: retention schedule, clearance per level, required
categories per stage, accepted content types, reminders. Registered in DocumentsConfig.ready()."""

import hashlib
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import register_section

from . import rules

ClockEvent = Literal["upload", "trade_ended", "contract_ended", "debt_settled"]


class RetentionClass(BaseModel):
    """One class of the retention schedule (保管期限). min_years None = permanent (never disposed)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")
    label: str = Field(min_length=1, max_length=40)
    label_en: str = Field("", max_length=60)
    min_years: int | None = Field(None, ge=1, le=200)
    clock: ClockEvent = "upload"


def _cls(code, label, label_en, min_years, clock):
    return RetentionClass(code=code, label=label, label_en=label_en, min_years=min_years, clock=clock)


# Both shipped presets use the same codes, so category defaults hold whichever is chosen.
RETENTION_PRESETS: dict[str, list[RetentionClass]] = {
    # The regulation (seed 001 档案管理制度及流程2 2.1.4; SPEC §2): permanent, long 16–50 years, short up
    # to 15 years. A class keeps its documents at least min_years: long from 16 years, short its full
    # 15 years (the regulation gives short only an upper bound; keeping the whole term is the safe reading).
    "regulation": [
        _cls("permanent", "永久", "Permanent", None, "upload"),
        _cls("long", "长期(16–50年)", "Long (16–50 years)", 16, "trade_ended"),
        _cls(
            "contract",
            "长期·合同(合同终止后16年起)",
            "Long, contract (16 years after it ends)",
            16,
            "contract_ended",
        ),
        _cls("short", "短期(15年以下)", "Short (up to 15 years)", 15, "upload"),
        _cls(
            "collection",
            "短期·账款(结清后15年)",
            "Short, receivable (15 years after settlement)",
            15,
            "debt_settled",
        ),
    ],
    # The enterprise rule in force at most companies today: permanent / 30 years / 10 years.
    "enterprise": [
        _cls("permanent", "永久", "Permanent", None, "upload"),
        _cls("long", "长期(30年)", "Long (30 years)", 30, "trade_ended"),
        _cls(
            "contract",
            "长期·合同(合同终止后30年)",
            "Long, contract (30 years after it ends)",
            30,
            "contract_ended",
        ),
        _cls("short", "短期(10年)", "Short (10 years)", 10, "upload"),
        _cls(
            "collection",
            "短期·账款(结清后10年)",
            "Short, receivable (10 years after settlement)",
            10,
            "debt_settled",
        ),
    ],
}

CLEARANCE_TOKENS = {rules.EVERYONE, rules.OWNING_DEPARTMENT_MANAGER, *Role.values}
STAGES = ("prospective", "current", "past")
GROUPS = ("basic", "credit", "financial", "approval", "after_sale", "public", "contract")
_LEVEL1 = ["credit_manager", "archivist", "general_manager", "chairman"]

DEFAULT_MIME_TYPES = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/tiff",
    rules.DOCX,
    rules.XLSX,
    rules.PPTX,
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "text/plain",
    "text/csv",
    # correspondence includes call recordings and video (SPEC §2 item 7)
    "audio/mpeg",
    "audio/x-wav",
    "audio/mp4",
    "audio/amr",
    "video/mp4",
    # zip is left out: an archive can hide anything and can neither be previewed nor watermarked.
]


class DocumentsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retention_preset: Literal["enterprise", "regulation", "custom"] = "enterprise"
    custom_retention_classes: list[RetentionClass] = Field(default_factory=list, max_length=30)
    group_default_class: dict[str, str] = Field(
        default_factory=lambda: {
            "basic": "long",
            "credit": "long",
            "financial": "short",
            "approval": "long",
            "after_sale": "collection",
            "public": "short",
            "contract": "contract",
        }
    )
    expiry_reminder_days: int = Field(30, ge=0, le=365)
    # Who reads which level (seed 001 档案管理制度及流程2 1.4–1.5); '*' = everyone who may see the file,
    # 'owning_department_manager' = the manager of the file's department. Level 1 is the most sensitive.
    level1_clearance: list[str] = Field(default_factory=lambda: list(_LEVEL1))
    level2_clearance: list[str] = Field(default_factory=lambda: [*_LEVEL1, rules.OWNING_DEPARTMENT_MANAGER])
    level3_clearance: list[str] = Field(default_factory=lambda: [rules.EVERYONE])
    watermark_levels: list[int] = Field(default_factory=lambda: [1, 2])
    # Categories a file must hold at each trade stage (completeness; seed 002 第十八条).
    required_categories: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "prospective": ["business_licence"],
            "current": ["business_licence", "credit_application"],
            "past": [],
        }
    )
    allowed_mime_types: list[str] = Field(default_factory=lambda: list(DEFAULT_MIME_TYPES))
    # The fixity checksum recorded for new versions: SHA-256, or SM3 (GB/T 32905) where auditors ask
    # for the national algorithm. Files stay stored under their SHA-256 either way.
    checksum_algorithm: Literal["sha256", "sm3"] = "sha256"

    @field_validator("checksum_algorithm")
    @classmethod
    def _algorithm_available(cls, value: str) -> str:
        if not rules.checksum_algorithm_available(value, hashlib.algorithms_available):
            raise ValueError(
                str(
                    _(
                        "This server's cryptography library (OpenSSL) does not provide %(name)s; "
                        "keep SHA-256 or install an OpenSSL with SM3."
                    )
                )
                % {"name": value.upper()}
            )
        return value

    @field_validator("level1_clearance", "level2_clearance", "level3_clearance")
    @classmethod
    def _tokens(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - CLEARANCE_TOKENS)
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        return value

    @field_validator("watermark_levels")
    @classmethod
    def _levels(cls, value: list[int]) -> list[int]:
        if set(value) - set(rules.LEVELS):
            raise ValueError("levels are 1, 2 and 3")
        return value

    @field_validator("required_categories")
    @classmethod
    def _stages(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(STAGES))
        if unknown:
            raise ValueError(f"unknown stages: {', '.join(unknown)} (use {', '.join(STAGES)})")
        return value

    @field_validator("allowed_mime_types")
    @classmethod
    def _no_executables(cls, value: list[str]) -> list[str]:
        if set(value) & rules.FORBIDDEN_TYPES:
            raise ValueError("programs and unknown binary files are never accepted")
        return value

    @model_validator(mode="after")
    def _classes(self):
        if self.retention_preset == "custom" and not self.custom_retention_classes:
            raise ValueError("a custom retention schedule needs at least one class")
        codes = [c.code for c in self.retention_classes()]
        if len(codes) != len(set(codes)):
            raise ValueError("retention class codes must be unique")
        bad = sorted(
            f"{g}: {c}" for g, c in self.group_default_class.items() if c not in codes or g not in GROUPS
        )
        if bad:
            raise ValueError(f"unknown group or class in the group defaults: {', '.join(bad)}")
        return self

    def retention_classes(self) -> list[RetentionClass]:
        if self.retention_preset == "custom":
            return list(self.custom_retention_classes)
        return list(RETENTION_PRESETS[self.retention_preset])

    def retention_class(self, code: str) -> RetentionClass | None:
        return next((c for c in self.retention_classes() if c.code == code), None)

    def clearance(self) -> dict[int, list[str]]:
        return {1: self.level1_clearance, 2: self.level2_clearance, 3: self.level3_clearance}

    def required_for(self, stage: str) -> list[str]:
        return list(self.required_categories.get(stage, []))


register_section(
    "documents",
    DocumentsSection,
    _("Documents"),
    {
        "retention_preset": (
            _("Retention schedule"),
            _(
                "enterprise: permanent / 30 years / 10 years; regulation: permanent / long 16–50 years / "
                "short up to 15 years; custom: the classes below."
            ),
        ),
        "custom_retention_classes": (
            _("Custom retention classes"),
            _(
                'JSON list of {"code", "label", "label_en", "min_years" (null = permanent), "clock": '
                "upload | trade_ended | contract_ended | debt_settled}."
            ),
        ),
        "group_default_class": (
            _("Default retention class per category group"),
            _("JSON object: group → class code (when the category names none)."),
        ),
        "expiry_reminder_days": (
            _("Expiry reminder (days before)"),
            _("Documents with a validity end are listed this many days ahead."),
        ),
        "level1_clearance": (
            _("Who reads level 1"),
            _("Role codes; owning_department_manager; * for everyone who sees the file."),
        ),
        "level2_clearance": (_("Who reads level 2"), _("As above.")),
        "level3_clearance": (_("Who reads level 3"), _("As above.")),
        "watermark_levels": (
            _("Watermarked levels"),
            _("Downloads of PDFs and images of these levels carry the reader's name."),
        ),
        "required_categories": (
            _("Required categories per trade stage"),
            _("JSON object: prospective / current / past → list of category codes."),
        ),
        "allowed_mime_types": (
            _("Accepted content types"),
            _("Detected from the content. Programs are never accepted."),
        ),
        "checksum_algorithm": (
            _("Checksum algorithm for new files"),
            _(
                "sha256 or sm3 (GB/T 32905, the national algorithm). Applies to files filed from now on; "
                "files are still stored under their SHA-256, and the audit trail stays HMAC-SHA-256."
            ),
        ),
    },
)
