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


def is_responsible(
    *,
    user_id: int,
    user_department_id: int | None,
    user_roles: Iterable[str],
    owner_id: int | None,
    file_department_id: int | None,
    standing_roles: Iterable[str],
) -> bool:
    """The file's responsible people keep their standing access without a request: the owner, the
    manager of the file's department, and the roles that keep files (credit department, archivist…;
    001 客户档案管理制度及操作细则 六 2: 非相关人员不得查阅 — the related staff may)."""
    roles = set(user_roles)
    if user_id == owner_id:
        return True
    if "department_manager" in roles and user_department_id and user_department_id == file_department_id:
        return True
    return bool(roles & set(standing_roles))


# The roles that keep every file (the credit department, the archivist, the GM who authorises, the
# chairman above him): 001 客户档案管理制度及操作细则 六 2, 000 4.5.
KEEPERS_OF_ALL = ("credit_manager", "archivist", "general_manager", "chairman")
# Roles that see every file today only because they sit in the credit approval chains
# (002 第十九、二十六条): the regulations give them what they decide on.
CHAIN_ROLES = ("marketing_manager", "finance_credit_controller", "vp_marketing", "cfo")


def limits_view_all(user_roles: Iterable[str], wide_roles: Iterable[str]) -> bool:
    """Whether a user holding the view-all permission loses it under the policy: true for the chain
    roles unless one of their roles keeps every file (KEEPERS_OF_ALL) or is listed in `wide_roles` —
    the policy's departure that lets chain roles keep standing access to every
    file (001 六 2: 未经总经理授权,非相关人员不得查阅)."""
    roles = set(user_roles)
    return bool(roles & set(CHAIN_ROLES)) and not (roles & (set(KEEPERS_OF_ALL) | set(wide_roles)))
