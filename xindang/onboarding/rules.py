"""Onboarding a new customer as rules: pure functions, no Django (import-linter enforces it).

A new customer trades on credit only once its transaction card (客户交易卡) is complete and approved
(004 客户信息管理制度 第十条1(2)–(8)); its customer code comes with that approval (002 篇五 第三条(4)).
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

# --- The card's states ------------------------------------------------------------------------------
DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"
STATUSES = (DRAFT, SUBMITTED, APPROVED, REJECTED)
# A card is filled in while a draft (or after a refusal or a return, which bring it back to a draft);
# once submitted it waits for its approvers; an approved card is the record of the first trade.
TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {SUBMITTED},
    SUBMITTED: {APPROVED, REJECTED, DRAFT},  # DRAFT: returned for changes or withdrawn
    REJECTED: {SUBMITTED},
    APPROVED: set(),
}
EDITABLE = frozenset({DRAFT, REJECTED})


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


# --- What the card holds (004 客户信息管理制度 第十条1(6); 002 篇五 第三条(1)) ------------------------------
# Fields of the card itself; the rest of 第十条1(6) — 名称, 通讯联络地址和公司网址, 开业时间, 资本额 — is
# what the customer file already holds (FILE_FIELDS), and the card shows it from there.
CARD_FIELDS = (
    "head_office",  # 总部所在地
    "trading_site",  # 交易对象所在地
    "staff_count",  # 员工人数
    "managers_count",  # 管理者人数
    "managers_age_structure",  # 经营者年龄结构
    "assets_schedule",  # 设备和不动产明细表
    "requested_limit_amount",  # 信用限度申请额
    "trade_reason",  # 交易理由及今后交易的基本方针 (002 篇五 第三条(1)①)
    "products",  # 交易商品目录与金额 (002 篇五 第三条(1)②)
    "survey_result",  # 调查资料与调查结果 (002 篇五 第三条(1)③)
)
FILE_FIELDS = ("name", "address", "website", "founded_on", "registered_capital")


def is_blank(value) -> bool:
    """No value, or text of nothing but spaces. A number 0 is a value (a customer may ask for no
    credit at all, 信用限度申请额 0)."""
    return value is None or (isinstance(value, str) and not value.strip())


def blank_fields(values: Mapping[str, object], fields: Iterable[str]) -> list[str]:
    """004 客户信息管理制度 第十条1(5) (交易卡中所有栏目都必须填满,不得留有空白): the fields still blank,
    in the card's order."""
    return [name for name in fields if is_blank(values.get(name))]


# --- Conditions attached at approval (004 客户信息管理制度 第十条2(3)) ------------------------------
CONTRACT, PERSONAL_GUARANTEE, JOINT_GUARANTEE, COLLATERAL = (
    "contract",  # 交换合同书
    "personal_guarantee",  # 提供个人担保
    "joint_guarantee",  # 提供连带担保
    "collateral",  # 提供抵押担保
)
CONDITIONS = (CONTRACT, PERSONAL_GUARANTEE, JOINT_GUARANTEE, COLLATERAL)


def clean_conditions(codes: Iterable[str]) -> tuple[str, ...]:
    """The conditions in the regulation's order, each once; ValueError names an unknown one."""
    wanted = {str(c).strip() for c in codes if str(c).strip()}
    unknown = sorted(wanted - set(CONDITIONS))
    if unknown:
        raise ValueError(unknown[0])
    return tuple(c for c in CONDITIONS if c in wanted)


def conditions_text(codes: Iterable[str]) -> str:
    """How the conditions are stored on the card (and read by the credit check's one statement)."""
    return ",".join(clean_conditions(codes))


def parse_conditions(text: str | None) -> tuple[str, ...]:
    return tuple(c for c in (text or "").split(",") if c in CONDITIONS)


# --- The file within a week (003 篇四 1) ----------------------------------------------------------------
def review_due_on(first_contact_on: date, days: int) -> date:
    """003 篇四 1 (客户档案由与客户直接联系的人一周内负责建立,交直接上级审核): the file is built and
    reviewed by the direct superior within `days` (a week) of the first contact."""
    return first_contact_on + timedelta(days=days)


def review_overdue(first_contact_on: date, days: int, today: date, *, reviewed: bool) -> bool:
    return not reviewed and today > review_due_on(first_contact_on, days)


# --- Important new customers (001 公司客户信息管理办法 七.3) ---------------------------------------------
def is_important(importance: str, tier: str, *, levels: Iterable[str], tiers: Iterable[str]) -> bool:
    """对一些较重要、未来将发展的新客户: important by its importance or its tier, as the policy lists them."""
    return importance in set(levels) or tier in set(tiers)


def missing_staff_contacts(count: int, minimum: int) -> int:
    """001 公司客户信息管理办法 七.3 (公司要有两个以上的人员与之联系,并建立联系报告制): how many more of
    our staff must keep contact with the customer."""
    return max(0, minimum - count)
