"""The custody section of the company policy: who signs lookup requests, how long a lookup lasts,
which uses state their purpose, who keeps standing access. Defaults follow the seed regulations;
every value that decides differently is a labelled departure. Registered in CustodyConfig.ready()."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from xindang.accounts.roles import Role
from xindang.policy.sections import Departure, register_section

from . import rules

PURPOSE_ACTIONS = ("document.download", "customer.export")


class CustodySection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 001 档案管理制度及流程2 1.5; 000 4.5; 001 客户档案管理制度及操作细则 六 2
    level1_approver: str = "general_manager"
    level2_approver: str = "archive_leader"
    level3_approver: str = "department_manager"
    cross_department_approvers: list[str] = Field(
        default_factory=lambda: ["archive_leader", "general_manager"], max_length=5
    )
    archived_approver: str = "office_director"
    max_period_days: int = Field(30, ge=1, le=365)
    # 003 篇一 二.4 / 篇五 第五条: every use records its purpose and content
    purpose_actions: list[str] = Field(default_factory=lambda: list(PURPOSE_ACTIONS))
    # what someone filed stays readable to them (a salesperson filing a level-1 contract)
    filer_keeps_access: bool = True
    # roles of the credit approval chains and of the relationship work that keep standing access to
    # every file: a departure from 001 六 2 (the default gives them what the regulations give them:
    # the files they sign for; the relationship records of every file — rules.standing_access)
    wide_standing_roles: list[str] = Field(default_factory=list)
    # level 1/2 files that cannot carry a watermark are handed out only under a lookup request
    unmarkable_originals_in_request_only: bool = True
    # 三员分立 (GB/T 39784): a small company may let one person hold administrator, security officer
    # and auditor duties together
    combined_admin_duties: bool = False

    @field_validator("level1_approver", "level2_approver", "level3_approver", "archived_approver")
    @classmethod
    def _role(cls, value: str) -> str:
        if value not in Role.values:
            raise ValueError(f"unknown role: {value}")
        return value

    @field_validator("cross_department_approvers")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(Role.values))
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        return value

    @field_validator("wide_standing_roles")
    @classmethod
    def _chain_roles(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(rules.WIDENABLE_ROLES))
        if unknown:
            raise ValueError(f"only {', '.join(rules.WIDENABLE_ROLES)}; not: {', '.join(unknown)}")
        return value

    @field_validator("purpose_actions")
    @classmethod
    def _actions(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(PURPOSE_ACTIONS))
        if unknown:
            raise ValueError(f"unknown actions: {', '.join(unknown)} (use {', '.join(PURPOSE_ACTIONS)})")
        return value

    def approvers(self) -> rules.Approvers:
        return rules.Approvers(
            level1=self.level1_approver,
            level2=self.level2_approver,
            level3=self.level3_approver,
            cross_department=tuple(self.cross_department_approvers),
            archived=self.archived_approver,
        )


_DEFAULTS = CustodySection()

register_section(
    "custody",
    CustodySection,
    _("Custody and lookups"),
    {
        "level1_approver": (
            _("Approver of level-1 lookups"),
            _("Role code (001 档案管理制度及流程2 1.5.1)."),
        ),
        "level2_approver": (_("Approver of level-2 lookups"), _("Role code (1.5.2).")),
        "level3_approver": (
            _("Approver of level-3 lookups"),
            _("Role code (1.5.3); a department manager must manage the reader's department."),
        ),
        "cross_department_approvers": (
            _("Approvers of lookups from outside the file's department"),
            _("Role codes (1.5.2; 001 客户档案管理制度及操作细则 六 2; 000 客户信息管理办法 三.2)."),
        ),
        "archived_approver": (_("Signs lookups of archived files"), _("Role code (000 4.5).")),
        "max_period_days": (_("Longest lookup (days)"), _("From the first day to the return date.")),
        "purpose_actions": (
            _("Uses that state their purpose"),
            _("document.download, customer.export: asked before the use, recorded in the audit log."),
        ),
        "filer_keeps_access": (
            _("Filers keep reading what they filed"),
            _("Whoever filed a document may read it again whatever its level."),
        ),
        "wide_standing_roles": (
            _("Roles that see every file without a request"),
            _(
                "marketing_manager, vp_marketing, cfo, service_supervisor, office_director; empty (the "
                "regulation) = the files they sign for, and the relationship records of every file."
            ),
        ),
        "unmarkable_originals_in_request_only": (
            _("Unmarkable level-1/2 originals only under a lookup request"),
            _("Office files and archives cannot carry the reader's name."),
        ),
        "combined_admin_duties": (
            _("One person may hold administrator, security officer and auditor duties"),
            _("For small companies that cannot separate them (三员分立, GB/T 39784)."),
        ),
    },
    departures=[
        Departure(
            "level1_approver",
            "001 档案管理制度及流程2 1.5.1",
            lambda v: v is not None and v != _DEFAULTS.level1_approver,
            _("Level-1 lookups are approved by the general manager; another role signs instead."),
        ),
        Departure(
            "level2_approver",
            "001 档案管理制度及流程2 1.5.2",
            lambda v: v is not None and v != _DEFAULTS.level2_approver,
            _(
                "Level-2 lookups are approved by the leader in "
                "charge of the archive department; another role signs."
            ),
        ),
        Departure(
            "level3_approver",
            "001 档案管理制度及流程2 1.5.3",
            lambda v: v is not None and v != _DEFAULTS.level3_approver,
            _("Level-3 lookups are approved by the applicant's department manager; another role signs."),
        ),
        Departure(
            "cross_department_approvers",
            "001 客户档案管理制度及操作细则 六 2",
            lambda v: v is not None and not {"general_manager", "archive_leader"} <= set(v),
            _(
                "Nobody outside the responsible staff reads a "
                "file without the GM's authorisation; this skips it."
            ),
        ),
        Departure(
            "archived_approver",
            "000 4.5",
            lambda v: v is not None and v != _DEFAULTS.archived_approver,
            _("Lookups of archived files are signed by the office director; another role signs."),
        ),
        Departure(
            "purpose_actions",
            "003 篇一 二.4",
            lambda v: v is not None and set(v) != set(PURPOSE_ACTIONS),
            _("Every use records its purpose; some downloads or exports go without one."),
        ),
        Departure(
            "wide_standing_roles",
            "001 客户档案管理制度及操作细则 六 2",
            lambda v: bool(v),
            _(
                "Nobody outside the responsible staff reads a file without the GM's authorisation; "
                "these roles see every file instead of the files they sign for or serve."
            ),
        ),
        Departure(
            "unmarkable_originals_in_request_only",
            "000 客户信息管理办法 三.3–6",
            lambda v: v is False,
            _(
                "Untraceable originals of level-1/2 files are handed "
                "out to standing readers without a request."
            ),
        ),
        Departure(
            "combined_admin_duties",
            "GB/T 39784 三员分立",
            lambda v: bool(v),
            _("Administrator, security officer and auditor duties may be held by one person."),
        ),
    ],
)
