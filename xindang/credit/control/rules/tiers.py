"""Over-limit approval tiers (超额审批; like Yonyou's 审批额度): who approves an amount past the limit.

Seed text: 002 客户信用管理制度 第三十二条 (超出信用额度……必须在得到上级相关部门的正式批准文书之后,
方可办理); 004 客户信息管理制度 第九条3(3) (如超出信用限度额,营销主管须向总经理汇报); 第三十四条 for
the policy's GM-only no-limit exception (a departure).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Tier:
    up_to_amount: Decimal | None  # overage up to and including; None = no upper bound
    grades: Sequence[str]  # empty = every grade
    chain: Sequence[str]


def approval_chain(tiers: Sequence[Tier], *, overage: Decimal, grade: str | None) -> list[str]:
    """The approvers for an over-limit request: the first tier for this grade whose ceiling covers
    the overage (第三十二条 上级相关部门的正式批准; 004 客户信息管理制度 第九条3(3): 如超出信用限度额,
    营销主管须向总经理汇报 — the default tiers all end with the GM; a tier without the GM is a
    departure the policy page shows)."""
    for tier in tiers:
        if tier.grades and (grade or "") not in tier.grades:
            continue
        if tier.up_to_amount is None or overage <= tier.up_to_amount:
            return list(tier.chain)
    return []


GENERAL_MANAGER = "general_manager"  # the role code (accounts.roles.Role.GENERAL_MANAGER)


def ends_with_gm(chain: Sequence[str]) -> bool:
    """004 客户信息管理制度 第九条3(3): an over-limit approval ends with the general manager."""
    return bool(chain) and chain[-1] == GENERAL_MANAGER


def exception_chain() -> list[str]:
    """第三十四条 departure: the no-limit exception is decided by the general manager alone."""
    return [GENERAL_MANAGER]
