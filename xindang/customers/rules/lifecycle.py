"""A file's lifecycle status: the transitions allowed and when the customer must be told."""

# --- Lifecycle (SPEC §8; seed 000 客户信息管理办法 二.8, 三.8) ----------------------------------------------
PROSPECTIVE, ACTIVE, SUSPENDED, PAST = "prospective", "active", "suspended", "past"
TRANSITIONS: dict[str, set[str]] = {
    PROSPECTIVE: {ACTIVE, PAST},
    ACTIVE: {SUSPENDED, PAST},
    SUSPENDED: {ACTIVE, PAST},
    PAST: {ACTIVE},  # trade may resume; destruction needs "can never resume" (000 客户信息管理办法 三.8)
}
# Files that stay on the default (active) list; the others are found with the status filter.
OPEN_STATUSES = (PROSPECTIVE, ACTIVE)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def notice_required(current: str, target: str) -> bool:
    """004 客户信息管理制度 第十一条2(4) (通知客户中止双方间的交易): suspending or ending trade with a
    customer that traded records how and when the customer was told; a prospect that never traded
    has nothing to be told."""
    return target in (SUSPENDED, PAST) and current in (ACTIVE, SUSPENDED)
