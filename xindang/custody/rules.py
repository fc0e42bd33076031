"""The custody rules as pure functions: who approves a lookup request, when it is open, what a
request must say. No Django imports (import-linter enforces)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
# derived, never stored: an approved request whose period has not begun / has passed
NOT_YET = "not_yet"
OPEN = "open"
EXPIRED = "expired"

LEVELS = (1, 2, 3)

# Separate rights on what a lookup request opens (as in Mayan EDMS; issue of the custody rules, item
# 5): reading on screen, downloading a copy, printing, exporting. A request asks for some; its approval
# grants those; each use checks its own right. Viewing is always asked (it is what a lookup is).
VIEW = "view"
DOWNLOAD = "download"
PRINT = "print"
EXPORT = "export"
RIGHTS = (VIEW, DOWNLOAD, PRINT, EXPORT)


def rights_asked(asked) -> list[str]:
    """The rights a request asks for, in order, viewing always among them; unknown names dropped."""
    asked = set(asked or ())
    return [right for right in RIGHTS if right == VIEW or right in asked]


def use_allowed(use: str, rights_of_open_requests) -> bool:
    """Whether a use (view, download, print, export) of a document is granted by one of the open
    requests that cover it (each given as its list of rights). No covering request: not granted."""
    return any(use in rights for rights in rights_of_open_requests)


def highest_level(levels: Iterable[int]) -> int:
    """The most sensitive level asked for (level 1 is the most sensitive, seed 001 档案管理制度及流程2
    1.4). A request that names no document of a level (an empty file) counts as level 3."""
    levels = [int(level) for level in levels if int(level) in LEVELS]
    return min(levels) if levels else 3


@dataclass(frozen=True)
class Approvers:
    """Who signs, as role codes (policy; defaults from seed 001 档案管理制度及流程2 1.5 and 000 4.5)."""

    level1: str = "general_manager"  # 1.5.1 总经理:审批一级档案使用申请
    level2: str = "archive_leader"  # 1.5.2 行政人力部分管领导:二级档案及跨部门使用
    level3: str = "department_manager"  # 1.5.3 申请人部门经理:三级档案
    cross_department: tuple[str, ...] = ("archive_leader", "general_manager")
    archived: str = "office_director"  # 000 4.5 办公室主任签字后方可查询


# The order in which signatures are collected: the nearest approver first, the GM last.
_ORDER = ("office_director", "department_manager", "archive_leader", "general_manager")


def approval_chain(*, level: int, cross_department: bool, archived: bool, approvers: Approvers) -> list[str]:
    """The roles that sign a lookup request, in order.

    - The highest level asked decides (001 档案管理制度及流程2 1.5): level 3 → the applicant's department
      manager (1.5.3), level 2 → the leader in charge of the archive department (1.5.2), level 1 → the
      general manager (1.5.1).
    - A reader outside the file's department: use across departments passes the archive leader
      (1.5.2), and nobody outside the responsible staff reads a file without the GM's authorisation
      (001 客户档案管理制度及操作细则 六 2; 000 客户信息管理办法 三.2).
    - An archived file: the office director signs the 档案查询单 first (000 4.5)."""
    roles = [{1: approvers.level1, 2: approvers.level2, 3: approvers.level3}[int(level)]]
    if cross_department:
        roles.extend(approvers.cross_department)
    if archived:
        roles.append(approvers.archived)
    unique = list(dict.fromkeys(r for r in roles if r))
    rank = {role: i for i, role in enumerate(_ORDER)}
    return sorted(unique, key=lambda r: (rank.get(r, len(_ORDER)), unique.index(r)))


def phase(status: str, starts_on: date, ends_on: date, today: date) -> str:
    """Where a request stands today. An approved request is open from its first to its last day
    (借阅时间 – 归还日期, 001 客户信用档案建立与管理制度 6) and closes by itself after it."""
    if status != APPROVED:
        return status
    if today < starts_on:
        return NOT_YET
    if today > ends_on:
        return EXPIRED
    return OPEN


def is_open(status: str, starts_on: date, ends_on: date, today: date) -> bool:
    return phase(status, starts_on, ends_on, today) == OPEN


def request_problems(
    *,
    purpose: str,
    starts_on: date | None,
    ends_on: date | None,
    today: date,
    max_days: int,
    whole_file: bool,
    document_count: int,
) -> list[tuple[str, str]]:
    """(field, code) of what is wrong with a lookup request, in form order.

    - The purpose is required (000 4.5 查阅用途; 003 篇一 二.4: every use states its purpose).
    - A period: from today or later, end not before start, at most `max_days` days (policy).
    - The whole file or at least one chosen document."""
    problems = []
    if not (purpose or "").strip():
        problems.append(("purpose", "custody.no_purpose"))
    if starts_on is None or ends_on is None:
        problems.append(("ends_on", "custody.no_period"))
    else:
        if starts_on < today:
            problems.append(("starts_on", "custody.period_in_past"))
        if ends_on < starts_on:
            problems.append(("ends_on", "custody.period_order"))
        elif (ends_on - starts_on).days + 1 > max_days:
            problems.append(("ends_on", "custody.period_too_long"))
    if not whole_file and document_count == 0:
        problems.append(("documents", "custody.nothing_asked"))
    return problems


# The roles that keep every file: the credit department (the credit manager; the finance credit
# controller, who rates every customer with the marketing manager, supervises the grants daily and
# audits every grant monthly: 002 第十九、三十二、三十七条), the archivist, the GM who authorises and the
# chairman above him: 001 客户档案管理制度及操作细则 六 2, 000 4.5, 000 客户信息管理办法 三.2.
KEEPERS_OF_ALL = ("credit_manager", "finance_credit_controller", "archivist", "general_manager", "chairman")
# Roles of the credit approval chains (002 第十九、二十六、二十七、三十条): the regulations give them the
# files they sign for — a pending approval on the file that their role signs, or one they signed.
CHAIN_ROLES = ("marketing_manager", "vp_marketing", "cfo")
# Roles of the relationship work (000 5.1.1: the office runs relationship care; 6 b: it sends the
# satisfaction surveys to the customers; 7: it feeds complaint results back; 002 篇三: the service
# supervisor plans and reviews the visits): the header and the relationship records of every file, not
# its documents, contracts, ledger or credit sections.
RELATIONSHIP_ROLES = ("service_supervisor", "office_director")
# The roles whose standing access to every file the policy may widen (a labelled departure from
# 001 六 2): the chain roles and the relationship roles.
WIDENABLE_ROLES = (*CHAIN_ROLES, *RELATIONSHIP_ROLES)

# A user's relation to one file
OWNER = "owner"  # the file's salesperson
DEPARTMENT = "department"  # a user of the file's department
SIGNS = "signs"  # an approval on the file that one of the user's roles signs (pending) or signed
SERVES = "serves"  # a visit on the file given to the user (service agent)
NONE = "none"

# What a user may open of a file without a lookup request (None: nothing)
WHOLE = "whole"  # every section and every document the level clearance allows
RELATIONSHIP = "relationship"  # the header and the relationship records only


def standing_access(
    *, roles: Iterable[str], relation: str, wide_roles: Iterable[str]
) -> tuple[str, str] | None:
    """(what, why) a user opens of one file without a lookup request, or None: a request is needed.

    - The responsible people (001 客户档案管理制度及操作细则 六 2 相关人员; issue of the custody rules): the
      owner, the manager of the file's department, the keepers of every file (KEEPERS_OF_ALL).
    - The chain roles: the files they sign for (SIGNS) — an approver opens what they approve.
    - A service agent: the files of the visits given to them (002 篇三 二).
    - The relationship roles: the header and relationship records of every file (RELATIONSHIP).
    - A role the policy lists in `wide_roles`: every file — the labelled departure from 001 六 2
      (未经总经理授权,非相关人员不得查阅)."""
    roles = set(roles)
    if relation == OWNER:
        return WHOLE, "owner"
    if relation == DEPARTMENT and "department_manager" in roles:
        return WHOLE, "department_manager"
    if roles & set(KEEPERS_OF_ALL):
        return WHOLE, "keeper"
    if roles & set(wide_roles) & set(WIDENABLE_ROLES):
        return WHOLE, "departure"
    if relation == SIGNS and roles & set(CHAIN_ROLES):
        return WHOLE, "signs"
    if relation == SERVES and "service_agent" in roles:
        return WHOLE, "serves"
    if roles & set(RELATIONSHIP_ROLES):
        return RELATIONSHIP, "relationship"
    return None


def limits_view_all(user_roles: Iterable[str], wide_roles: Iterable[str]) -> bool:
    """Whether a user holding the view-all permission loses it (standing_access): true for the chain
    and relationship roles unless one of their roles keeps every file (KEEPERS_OF_ALL) or the policy
    lists it in `wide_roles` (the departure from 001 六 2: 未经总经理授权,非相关人员不得查阅)."""
    roles = set(user_roles)
    return bool(roles & set(WIDENABLE_ROLES)) and not (
        roles & set(KEEPERS_OF_ALL) or roles & set(wide_roles) & set(WIDENABLE_ROLES)
    )
